/*
 * A meeting's members hear when it is scheduled, moved or cancelled (issue 23): cancelling was one
 * tap, with no reason and no word to anyone. A cancellation now carries its reason (required from
 * now on; meetings cancelled before keep none), and every current member of the cell gets a notice
 * of each of the three, with the time in Vietnam and, for a cancellation, the reason.
 */

-- tables -------------------------------------------------------------------------------------
alter table public.meetings add column if not exists cancel_reason text check (length(cancel_reason) <= 500);
-- not valid: earlier cancellations have no reason; every new one must
alter table public.meetings drop constraint if exists meetings_cancel_reason_given;
alter table public.meetings add constraint meetings_cancel_reason_given
  check (status <> 'cancelled' or length(btrim(coalesce(cancel_reason, ''))) > 0) not valid;

-- triggers -----------------------------------------------------------------------------------

/* The notice of a meeting scheduled, moved or cancelled, to every current member of its cell. */
create or replace function app.meetings_announce() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  kind text;
  title text;
  at text := pg_catalog.to_char(new.starts_at at time zone 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY');
begin
  if app.rekeying() then return null; end if;
  if tg_op = 'INSERT' then
    -- a meeting entered after it was held is a record, not news
    if new.status <> 'scheduled' or new.recorded_late or new.starts_at < app.now() then return null; end if;
    kind := 'meeting.scheduled';
    title := 'Lịch sinh hoạt: ' || new.title || ', ' || at || coalesce(' tại ' || new.place, '');
  elsif new.status = 'cancelled' and old.status = 'scheduled' then
    kind := 'meeting.cancelled';
    title := 'Hủy buổi sinh hoạt: ' || new.title || ' (' || at || '). Lý do: ' || coalesce(new.cancel_reason, '');
  elsif new.status = 'scheduled' and (new.starts_at, new.place) is distinct from (old.starts_at, old.place) and new.starts_at >= app.now() then
    kind := 'meeting.moved';
    title := 'Đổi lịch sinh hoạt: ' || new.title || ', ' || at || coalesce(' tại ' || new.place, '');
  else
    return null;
  end if;
  insert into public.notifications (member_id, kind, title, url)
  select m.id, kind, pg_catalog.left(title, 300), '/meetings/' || new.id
    from public.members m
   where m.org_id = new.org_id and m.deceased_on is null and (m.left_on is null or m.left_on > app.today());
  return null;
end
$$;
drop trigger if exists meetings_announce on public.meetings;
create trigger meetings_announce after insert or update of status, starts_at, place on public.meetings
  for each row execute function app.meetings_announce();
