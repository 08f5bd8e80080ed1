/*
 * When what a user may see changes (the member moves to another cell, leaves, dies, or a role
 * starts or ends), open live streams of that user re-check their access at once instead of at
 * their next periodic check.
 */

create or replace function app.access_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- the column naming the member is the trigger's argument: members.id, org_roles.member_id
  changed uuid := ((case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end) ->> tg_argv[0])::uuid;
  account uuid;
begin
  select a.user_id into account from public.accounts a where a.member_id = changed;
  if account is not null then
    perform app.publish('access_changed', 'user:' || account, jsonb_build_object('user_id', account));
  end if;
  return null;
end
$$;

drop trigger if exists members_access_changed on public.members;
create trigger members_access_changed after update of org_id, left_on, deceased_on on public.members
  for each row when (old.org_id is distinct from new.org_id or old.left_on is distinct from new.left_on
                     or old.deceased_on is distinct from new.deceased_on)
  execute function app.access_changed('id');

drop trigger if exists org_roles_access_changed on public.org_roles;
create trigger org_roles_access_changed after insert or update or delete on public.org_roles
  for each row execute function app.access_changed('member_id');
