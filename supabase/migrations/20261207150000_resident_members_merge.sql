/*
 * A residence cell merged into another takes its residents along (issue 23): the registrations
 * still pending or confirmed, and the comments written on them, move to the surviving cell in the
 * transaction that closes the merged one, so its managers go on confirming and commenting, and
 * /residents no longer lists a closed cell. Ended, refused and exempt registrations stay as they
 * were recorded.
 */
create or replace function app.resident_cell_merged() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- resident_take_key recomputes each row's key from its new cell
  with moved as (
    update public.resident_registrations r set org_id = new.merged_into
     where r.org_id = new.id and r.status in ('pending', 'confirmed')
    returning r.id
  )
  update public.resident_comments c
     set org_id = new.merged_into, org_key = (select o.path::text from public.organizations o where o.id = new.merged_into)
    from moved where c.registration_id = moved.id;
  return null;
end
$$;
drop trigger if exists organizations_resident_cell_merged on public.organizations;
create trigger organizations_resident_cell_merged after update of merged_into on public.organizations
  for each row when (new.merged_into is not null and old.merged_into is null)
  execute function app.resident_cell_merged();
