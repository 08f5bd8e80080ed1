/*
 * Approved minutes record which comments were taken into the resolution (issue 23): after the
 * minutes are approved and locked, a comment's "taken" mark no longer changes (it still did, so
 * the locked minutes kept "(đã tiếp thu)" beside a comment no longer marked).
 */
create or replace function app.meeting_comments_locked() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;
  if new.taken_into_resolution is distinct from old.taken_into_resolution
     and exists (select 1 from public.meeting_minutes mm where mm.meeting_id = new.meeting_id and mm.status = 'approved') then
    raise exception 'the minutes are approved: the comments they record stay as recorded' using errcode = '55000';
  end if;
  return new;
end
$$;
drop trigger if exists meeting_comments_locked on public.meeting_comments;
create trigger meeting_comments_locked before update of taken_into_resolution on public.meeting_comments
  for each row execute function app.meeting_comments_locked();
