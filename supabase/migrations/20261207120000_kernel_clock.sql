/*
 * The tests' frozen clock cannot freeze a real deployment: app.now() takes the 'clock.now' row of
 * app.settings only for an hour after it was written (tests write it and use it at once). A row
 * left behind, in a database copied from a test or set by hand, no longer stops every timer
 * (meetings, letters' deadlines, exam windows, reminders) for good.
 */
create or replace function app.now() returns timestamptz
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select s.value::timestamptz from app.settings s
                    where s.key = 'clock.now' and s.created_at > pg_catalog.now() - interval '1 hour'),
                  pg_catalog.now())
$$;
