/*
 * "Is this row's organization key inside the signed-in user's managed scope?", as one function
 * for write policies (insert, update, delete), which check only the rows being written.
 * Postgres does not inline it (it reads the user's roles), so a policy that scans many rows
 * (select) keeps the range comparison written out against (select app.scope_bounds()), which
 * runs once per statement.
 */
create or replace function app.manages_key(p_org_key text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select p_org_key collate "C" >= b[1] and p_org_key collate "C" < b[2]
         and (b[3] = '1' or p_org_key::extensions.ltree operator(extensions.<@) any (app.managed_scope()))
    from (select app.scope_bounds() as b) bounds
$$;
revoke all on function app.manages_key(text) from public;
grant execute on function app.manages_key(text) to authenticated, service_role;
