/*
 * The residence cell search listed "Chi bộ khu phố 1" of every ward before the "Chi bộ khu phố 2"
 * typed for (a walk-through at 360 px: 19 names, the one wanted last), because every word may sit
 * anywhere in the cell's or its parent's name ("2" in "phường 12") and the list was alphabetical.
 * Same matches, ranked: the words as typed, whole, in the cell's own name first; then as typed
 * inside it; then the rest; alphabetical within each.
 */
create or replace function app.resident_cells(p_query text, p_limit int default 20)
returns table (id uuid, name text, parent_name text)
language sql stable security definer
set search_path = ''
as $$
  with typed as (select pg_catalog.regexp_replace(pg_catalog.btrim(coalesce(p_query, '')), '\s+', ' ', 'g') as q)
  select o.id, o.name, p.name
    from typed t, public.organizations o left join public.organizations p on p.id = o.parent_id
   where app.current_member_id() is not null
     and o.valid_to is null and o.kind in ('cell', 'grassroots_cell') and o.merged_into is null
     and t.q <> ''
     and app.resident_words_match(o.name || ' ' || coalesce(p.name, ''), t.q)
   order by case when ' ' || app.search_key(o.name) || ' ' like app.contains_pattern(' ' || t.q || ' ') then 0
                 when app.search_key(o.name) like app.contains_pattern(t.q) then 1
                 else 2 end,
            o.name, p.name, o.id
   limit least(greatest(coalesce(p_limit, 20), 1), 50)
$$;
revoke all on function app.resident_cells(text, int) from public, anon;
grant execute on function app.resident_cells(text, int) to authenticated, service_role;
