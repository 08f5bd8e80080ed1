/*
 * The vote on a meeting's resolution (biểu quyết). The secretary opens it; each official
 * member present votes for / against / abstain and may change the vote until the secretary
 * closes it; closing records the result on the ballot, which never changes again.
 * Probationary members take part in the meeting but do not vote (Điều lệ Đảng, Điều 5).
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meeting_ballots (
  meeting_id uuid primary key references public.meetings (id),
  org_key text collate "C" not null default '',
  status text not null default 'open' check (status in ('open', 'closed')),
  opened_by uuid default auth.uid(),
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  /* {"for", "against", "abstain", "eligible", "passed"}, written when the vote closes */
  result jsonb,
  check ((status = 'closed') = (closed_at is not null and result is not null))
);

create table if not exists public.meeting_votes (
  meeting_id uuid not null references public.meeting_ballots (meeting_id),
  member_id uuid not null default app.current_member_id() references public.members (id),
  org_key text collate "C" not null default '',
  choice text not null check (choice in ('for', 'against', 'abstain')),
  cast_at timestamptz not null default now(),
  primary key (meeting_id, member_id)
);

-- helper functions -----------------------------------------------------------------------

/* Official members of the meeting's cell recorded present: who may vote, and the quorum base. */
create or replace function app.meeting_voters(p_meeting_id uuid) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select a.member_id
    from public.meeting_attendance a join public.members m on m.id = a.member_id
   where a.meeting_id = p_meeting_id and a.status = 'present' and m.status = 'official'
$$;
revoke all on function app.meeting_voters(uuid) from public;
grant execute on function app.meeting_voters(uuid) to authenticated, service_role;

/* The counts of a vote. Passed: more than half of the official members present voted for. */
create or replace function app.ballot_tally(p_meeting_id uuid) returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object(
           'for', count(*) filter (where v.choice = 'for'),
           'against', count(*) filter (where v.choice = 'against'),
           'abstain', count(*) filter (where v.choice = 'abstain'),
           'eligible', e.n,
           'passed', 2 * count(*) filter (where v.choice = 'for') > e.n)
    from (select count(*)::int as n from app.meeting_voters(p_meeting_id)) e
    left join public.meeting_votes v on v.meeting_id = p_meeting_id
                                    and v.member_id in (select app.meeting_voters(p_meeting_id))
   group by e.n
$$;
revoke all on function app.ballot_tally(uuid) from public;
grant execute on function app.ballot_tally(uuid) to authenticated, service_role;

-- triggers -------------------------------------------------------------------------------

/* A ballot belongs to a scheduled meeting and opens once it has started; closing records the result; a closed ballot is final. */
create or replace function app.meeting_ballots_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'UPDATE' and old.status = 'closed' then
    raise exception 'the vote is closed' using errcode = '42501';
  end if;
  select mt.org_key into new.org_key from public.meetings mt where mt.id = new.meeting_id and mt.status = 'scheduled';
  if new.org_key is null then
    raise exception 'meeting not found or cancelled' using errcode = '23503';
  end if;
  if tg_op = 'INSERT' and not app.meeting_started(new.meeting_id) then
    raise exception 'the vote opens when the meeting starts' using errcode = '55000';
  end if;
  if new.status = 'closed' then
    new.closed_at := now();
    new.result := app.ballot_tally(new.meeting_id);
    perform app.write_audit('vote.close', 'meeting', new.meeting_id,
      (select mt.org_id from public.meetings mt where mt.id = new.meeting_id), new.result);
  end if;
  return new;
end
$$;
drop trigger if exists meeting_ballots_prepare on public.meeting_ballots;
create trigger meeting_ballots_prepare before insert or update on public.meeting_ballots
  for each row execute function app.meeting_ballots_prepare();

/* Votes take their meeting's key; a member votes only as himself/herself, never as another. */
create or replace function app.meeting_votes_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'UPDATE' and (new.member_id is distinct from old.member_id or new.meeting_id is distinct from old.meeting_id) then
    raise exception 'a vote cannot move' using errcode = '42501';
  end if;
  -- a share lock on the open ballot: closing (an update of that row) waits for this vote to
  -- commit and then counts it, and a vote that arrives after the close sees it closed
  select b.org_key into new.org_key from public.meeting_ballots b
   where b.meeting_id = new.meeting_id and b.status = 'open'
     for share;
  if new.org_key is null then
    raise exception 'the vote is closed' using errcode = '42501';
  end if;
  new.cast_at := now();
  return new;
end
$$;
drop trigger if exists meeting_votes_prepare on public.meeting_votes;
create trigger meeting_votes_prepare before insert or update on public.meeting_votes
  for each row execute function app.meeting_votes_prepare();

-- row-level security -----------------------------------------------------------------------
alter table public.meeting_ballots enable row level security;
alter table public.meeting_votes enable row level security;

/* A cell votes by show of hands: whoever sees the meeting sees the ballot and the votes: its cell
   and the managers of its subtree, said with the meeting's key the rows carry (asking "is the
   meeting visible?" builds the set of every visible meeting per statement). */
select app.define_policy('public.meeting_ballots', 'Users can read the ballots of meetings they can see', 'select',
  using_sql => $p$app.in_scope(org_key) or org_key = (select app.home_path())::text$p$);

select app.define_policy('public.meeting_votes', 'Users can read the votes of meetings they can see', 'select',
  using_sql => $p$app.in_scope(org_key) or org_key = (select app.home_path())::text$p$);

/* Secretaries and committees above open and close the vote of meetings in their subtree. */
select app.define_policy('public.meeting_ballots', 'Managers can open votes in their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meeting_ballots', 'Managers can close votes in their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

/* An official member recorded present votes, as himself/herself, while the vote is open. */
drop policy if exists "Present official members can vote while the vote is open" on public.meeting_votes;
create policy "Present official members can vote while the vote is open" on public.meeting_votes
  for insert to authenticated
  with check (member_id = (select app.current_member_id())
              and member_id in (select app.meeting_voters(meeting_id))
              and meeting_id in (select b.meeting_id from public.meeting_ballots b where b.status = 'open'));

drop policy if exists "Voters can change their vote while the vote is open" on public.meeting_votes;
create policy "Voters can change their vote while the vote is open" on public.meeting_votes
  for update to authenticated
  using (member_id = (select app.current_member_id())
         and meeting_id in (select b.meeting_id from public.meeting_ballots b where b.status = 'open'))
  with check (member_id = (select app.current_member_id())
              and member_id in (select app.meeting_voters(meeting_id))
              and meeting_id in (select b.meeting_id from public.meeting_ballots b where b.status = 'open'));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update on public.meeting_ballots to authenticated;
grant select, insert, update on public.meeting_votes to authenticated;

-- realtime -------------------------------------------------------------------------------

create or replace function app.meeting_votes_notify() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  perform app.publish('meeting_votes', 'meeting:' || new.meeting_id,
    jsonb_build_object('meeting_id', new.meeting_id, 'ballot', tg_table_name = 'meeting_ballots'));
  return null;
end
$$;
drop trigger if exists meeting_votes_notify on public.meeting_votes;
create trigger meeting_votes_notify after insert or update on public.meeting_votes
  for each row execute function app.meeting_votes_notify();
drop trigger if exists meeting_ballots_notify on public.meeting_ballots;
create trigger meeting_ballots_notify after insert or update on public.meeting_ballots
  for each row execute function app.meeting_votes_notify();
