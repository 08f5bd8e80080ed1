/*
 * Comments on a meeting's draft resolution: sent by the cell's members before the meeting
 * (and, later, live during it). The secretary sees them all, marks those taken into the
 * resolution, and may hide an improper one with a reason (audited). Never deleted.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meeting_comments (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references public.meetings (id),
  org_key text collate "C" not null default '',
  author_id uuid not null default app.current_member_id() references public.members (id),
  body text not null check (length(body) between 1 and 2000),
  taken_into_resolution boolean not null default false,
  hidden boolean not null default false,
  hidden_reason text check (length(hidden_reason) <= 500),
  created_at timestamptz not null default now(),
  /* the comment's place in its meeting's thread, in commit order (see meeting_comments_prepare) */
  seq bigint not null default 0,
  check (not hidden or hidden_reason is not null)
);

/* The last place given in each meeting's thread. Taking the next one locks the meeting's row
   until the comment's transaction ends, so places follow commit order: a stream that replays
   "after place n" never skips a comment that began earlier and committed later. */
create table if not exists app.meeting_comment_places (
  meeting_id uuid primary key references public.meetings (id),
  last_seq bigint not null
);

-- indexes ------------------------------------------------------------------------------
create index if not exists meeting_comments_meeting_idx on public.meeting_comments (meeting_id, seq);

-- triggers -------------------------------------------------------------------------------

/* Comments take their meeting's key; the author and the text never change after posting; the
   thread closes when the meeting's minutes are approved (locked). */
create or replace function app.meeting_comments_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'UPDATE' and (new.body is distinct from old.body or new.author_id is distinct from old.author_id
                           or new.meeting_id is distinct from old.meeting_id) then
    raise exception 'a comment cannot be rewritten' using errcode = '42501';
  end if;
  select mt.org_key into new.org_key from public.meetings mt where mt.id = new.meeting_id;
  if tg_op = 'INSERT' and exists (select 1 from public.meeting_minutes mm
                                   where mm.meeting_id = new.meeting_id and mm.status = 'approved') then
    raise exception 'the minutes are approved: comments are closed' using errcode = '55000';
  end if;
  if tg_op = 'INSERT' then
    insert into app.meeting_comment_places as p (meeting_id, last_seq) values (new.meeting_id, 1)
    on conflict (meeting_id) do update set last_seq = p.last_seq + 1
    returning p.last_seq into new.seq;
  elsif new.seq is distinct from old.seq then
    raise exception 'a comment cannot move in the thread' using errcode = '42501';
  end if;
  if tg_op = 'UPDATE' and new.hidden is distinct from old.hidden then
    perform app.write_audit(case when new.hidden then 'comment.hide' else 'comment.unhide' end, 'meeting_comment', new.id,
      (select mt.org_id from public.meetings mt where mt.id = new.meeting_id), jsonb_build_object('reason', new.hidden_reason));
  end if;
  return new;
end
$$;
drop trigger if exists meeting_comments_prepare on public.meeting_comments;
create trigger meeting_comments_prepare before insert or update on public.meeting_comments
  for each row execute function app.meeting_comments_prepare();

-- row-level security -----------------------------------------------------------------------
alter table public.meeting_comments enable row level security;
alter table app.meeting_comment_places enable row level security;

/* Places are taken by the comments' own trigger (security definer) only. */
drop policy if exists "No user reads or writes thread places" on app.meeting_comment_places;
create policy "No user reads or writes thread places" on app.meeting_comment_places
  for all to authenticated
  using (false)
  with check (false);

/* Whoever sees the meeting sees its comments; hidden ones only their author and managers. */
select app.define_policy('public.meeting_comments', 'Participants can read the comments of meetings they can see', 'select',
  using_sql => $p$(app.in_scope(org_key) or org_key = (select app.home_path())::text)
         and (not hidden or author_id = (select app.current_member_id())
              or (app.in_scope(org_key)))$p$);

/* Members of the cell comment, as themselves, on a meeting that is not cancelled. */
drop policy if exists "Members can comment on their own cell's meetings" on public.meeting_comments;
create policy "Members can comment on their own cell's meetings" on public.meeting_comments
  for insert to authenticated
  with check (author_id = (select app.current_member_id())
              and meeting_id in (select mt.id from public.meetings mt where mt.org_id = (select app.home_org_id()) and mt.status = 'scheduled'));

/* Managers of the cell mark comments taken into the resolution, or hide them. */
select app.define_policy('public.meeting_comments', 'Managers can mark and hide comments in their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meeting_comments to authenticated;

-- realtime -------------------------------------------------------------------------------

create or replace function app.meeting_comments_notify() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  perform app.publish('meeting_comments', 'meeting:' || new.meeting_id,
    jsonb_build_object('meeting_id', new.meeting_id, 'comment_id', new.id, 'op', lower(tg_op)));
  return null;
end
$$;
drop trigger if exists meeting_comments_notify on public.meeting_comments;
create trigger meeting_comments_notify after insert or update on public.meeting_comments
  for each row execute function app.meeting_comments_notify();

/* Where a comment sits in the thread, for replay after a reconnect, even when the caller may
   no longer read it (it was hidden meanwhile). Reveals only a place number. */
drop function if exists public.comment_position(uuid);
create or replace function public.comment_position(p_comment_id uuid) returns bigint
language sql stable security definer
set search_path = ''
as $$
  select c.seq from public.meeting_comments c where c.id = p_comment_id
$$;
revoke all on function public.comment_position(uuid) from public, anon;
grant execute on function public.comment_position(uuid) to authenticated;
