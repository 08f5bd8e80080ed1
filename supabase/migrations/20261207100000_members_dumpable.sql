/*
 * A database pg_dump can restore. pg_restore runs with an empty search_path, where the ltree
 * operators (schema extensions) are not found by name: a trigger condition comparing two ltree
 * values with IS DISTINCT FROM (which cannot be written with a schema) failed to restore. The
 * paths compare as text instead, which is the same test (an ltree's text is the path).
 */
drop trigger if exists organizations_sync_member_paths on public.organizations;
create trigger organizations_sync_member_paths after update of path on public.organizations
  for each row when (old.path::text is distinct from new.path::text) execute function app.organizations_sync_member_paths();
