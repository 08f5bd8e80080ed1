/*
 * The registration report's counts, kept per organization (issue 11: the report at any scope
 * within 150 ms at 1M members; counting members ⟕ accounts ⟕ visits per request took 2.2 s
 * p50 at the province). The report reads the row of the chosen organization and the rows of
 * its direct children: a few dozen rows, whatever the size of the subtree.
 *
 * Two tables of counters, keyed by an organization's path as members carry it (org_path):
 * each row holds the totals of the whole subtree at that path, so a member counts in the row
 * of his/her cell and in the row of every ancestor.
 *   app.registration_totals    members now (not deceased, not left) and those registered;
 *   app.registration_activity  per Vietnam day: sign-ins (accounts whose last sign-in falls on
 *                              that day) and visits (app.visits rows of that day);
 *   app.registration_activity_months  the same per calendar month, for long periods.
 * "Active in the last n days" is the sum of sign-ins over the days from the first day of the
 * period on: an account counts once, on the day of its last sign-in, and moves to the new day
 * when it signs in again. The rows copy the organization's path: when a subtree moves they are
 * rekeyed in the same statement (app.registration_rekey), and the catalog test of org-tree's
 * moves checks them like every other copy of a key.
 *
 * What is counted follows each member as he/she is now, exactly as the direct count did: a
 * member who moves to another organization takes his/her last sign-in and past visits along
 * (app.visits records who opened the app, not where he/she belonged then), one who leaves or
 * dies takes them away, one whose account is linked to another record takes them there. The
 * alternative, leaving past activity where it happened, would make the report disagree with
 * the members it lists; moving a member reads his/her visits (at most one row a day) once.
 *
 * Kept current in the same transaction as every change, by the triggers below; the demo seed
 * loads with triggers off and calls app.rebuild_registration_rollup() after its load.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists app.registration_totals (
  org_path extensions.ltree primary key,
  -- the row's parent organization (empty for a root): the report reads an organization's children by it
  parent extensions.ltree generated always as (extensions.subpath(org_path, 0, extensions.nlevel(org_path) - 1)) stored,
  members integer not null default 0,
  registered integer not null default 0
);
create index if not exists registration_totals_parent_idx on app.registration_totals (parent);

/* One row per organization path and Vietnam day with activity: at most 365 a year per organization.
   Days more than 366 days old are never read (the longest period) and could be pruned. */
create table if not exists app.registration_activity (
  org_path extensions.ltree not null,
  day date not null,
  parent extensions.ltree generated always as (extensions.subpath(org_path, 0, extensions.nlevel(org_path) - 1)) stored,
  signins integer not null default 0,
  visits integer not null default 0,
  primary key (org_path, day)
);
create index if not exists registration_activity_parent_day_idx on app.registration_activity (parent, day);

/* The same counts per calendar month (month: its first day). A long period reads its whole months
   here and only the days of its first, partial month above: at the province of 1M members (1,000
   communes), a year is 1,000 × (at most 31 + 13) rows instead of 1,000 × 365. */
create table if not exists app.registration_activity_months (
  org_path extensions.ltree not null,
  month date not null check (extract(day from month) = 1),
  parent extensions.ltree generated always as (extensions.subpath(org_path, 0, extensions.nlevel(org_path) - 1)) stored,
  signins integer not null default 0,
  visits integer not null default 0,
  primary key (org_path, month)
);
create index if not exists registration_activity_months_parent_idx on app.registration_activity_months (parent, month);

-- helper functions -------------------------------------------------------------------------

/*
 * Adds deltas of members / registered, given per organization path, to the rows of that path and
 * of every ancestor, in one statement. Rows are written in path order (a root before its
 * descendants), so two transactions never wait for each other in opposite orders.
 */
create or replace function app.registration_add_totals(p_paths extensions.ltree[], p_members integer[], p_registered integer[])
returns void
language sql volatile
set search_path = ''
as $$
  insert into app.registration_totals as t (org_path, members, registered)
  select extensions.subpath(d.org_path, 0, l.level), sum(d.members), sum(d.registered)
    from unnest(p_paths, p_members, p_registered) as d (org_path, members, registered)
    cross join lateral generate_series(1, extensions.nlevel(d.org_path)) as l (level)
   group by 1
  having sum(d.members) <> 0 or sum(d.registered) <> 0
   order by 1
  on conflict (org_path) do update set members = t.members + excluded.members, registered = t.registered + excluded.registered
$$;

/*
 * The same for sign-ins and visits per (path, day) and per (path, month). Every first visit of a
 * user in a day and every sign-in updates the root's rows of today and of this month: one short
 * update at the end of the session check's own small transaction (app.session_check) or of the
 * sign-in's, so users queue there for well under a millisecond each, once a day each; a million
 * members visiting daily is about a dozen a second, far below what one row serves. Were it ever
 * the bottleneck, a row could be split in a few slots (a slot column in the key, summed on read).
 */
create or replace function app.registration_add_activity(p_paths extensions.ltree[], p_days date[], p_signins integer[], p_visits integer[])
returns void
language sql volatile
set search_path = ''
as $$
  insert into app.registration_activity as t (org_path, day, signins, visits)
  select extensions.subpath(d.org_path, 0, l.level), d.day, sum(d.signins), sum(d.visits)
    from unnest(p_paths, p_days, p_signins, p_visits) as d (org_path, day, signins, visits)
    cross join lateral generate_series(1, extensions.nlevel(d.org_path)) as l (level)
   group by 1, 2
  having sum(d.signins) <> 0 or sum(d.visits) <> 0
   order by 1, 2
  on conflict (org_path, day) do update set signins = t.signins + excluded.signins, visits = t.visits + excluded.visits;
  insert into app.registration_activity_months as t (org_path, month, signins, visits)
  select extensions.subpath(d.org_path, 0, l.level), date_trunc('month', d.day::timestamp)::date, sum(d.signins), sum(d.visits)
    from unnest(p_paths, p_days, p_signins, p_visits) as d (org_path, day, signins, visits)
    cross join lateral generate_series(1, extensions.nlevel(d.org_path)) as l (level)
   group by 1, 2
  having sum(d.signins) <> 0 or sum(d.visits) <> 0
   order by 1, 2
  on conflict (org_path, month) do update set signins = t.signins + excluded.signins, visits = t.visits + excluded.visits;
$$;

/*
 * What accounts bring to the activity counters, added (p_signs 1) or taken away (-1): the day of
 * the last sign-in and, where p_with_visits, every visit of the user, counted at the path of the
 * linked member if that member is current (read as the tables are now: each caller runs before
 * or after the change it accounts for, see the triggers).
 */
create or replace function app.registration_add_accounts(p_users uuid[], p_members uuid[], p_signed_in timestamptz[], p_signs integer[], p_with_visits boolean[])
returns void
language sql volatile
set search_path = ''
as $$
  with placed as (
    select s.user_id, s.signed_in, s.sign, s.with_visits, m.org_path
      from unnest(p_users, p_members, p_signed_in, p_signs, p_with_visits) as s (user_id, member_id, signed_in, sign, with_visits)
      join public.members m on m.id = s.member_id
     where m.deceased_on is null and m.left_on is null
  ), events as (
    select p.org_path, (p.signed_in at time zone 'Asia/Ho_Chi_Minh')::date as day, p.sign as signins, 0 as visits
      from placed p where p.signed_in is not null
    union all
    select p.org_path, v.day, 0, p.sign from placed p join app.visits v on v.user_id = p.user_id where p.with_visits
  ), summed as (
    select e.org_path, e.day, sum(e.signins)::integer as signins, sum(e.visits)::integer as visits from events e group by 1, 2
  )
  select app.registration_add_activity(array_agg(org_path), array_agg(day), array_agg(signins), array_agg(visits)) from summed
$$;

-- triggers -------------------------------------------------------------------------------

/*
 * Members: statement triggers with transition tables add up the changes per organization path
 * and write each ancestor's row once per statement (an import of 10,000 members is one update
 * per ancestor, not 10,000). A change counts when a member arrives, leaves (deceased_on, left_on),
 * registers or moves to another organization (org_id). A path that changes with the org_id kept
 * is an organization moving with its subtree: app.registration_rekey carries those counts.
 */
create or replace function app.registration_members_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.registration_add_totals(array_agg(x.org_path), array_agg(x.members), array_agg(x.registered))
       from (select n.org_path, count(*)::integer as members, count(n.registered_at)::integer as registered
               from new_rows n where n.deceased_on is null and n.left_on is null group by 1) x;
    -- a new member has no account yet: nothing to add to the activity
  elsif tg_op = 'DELETE' then
    -- the activity went in registration_members_forget, before the account was unlinked
    perform app.registration_add_totals(array_agg(x.org_path), array_agg(-x.members), array_agg(-x.registered))
       from (select o.org_path, count(*)::integer as members, count(o.registered_at)::integer as registered
               from old_rows o where o.deceased_on is null and o.left_on is null group by 1) x;
  else
    -- an update of other fields (a name, an address), or of the path alone, writes nothing
    if not exists (select 1 from old_rows o join new_rows n on n.id = o.id
                    where o.org_id <> n.org_id or (o.registered_at is null) <> (n.registered_at is null)
                       or (o.deceased_on is null and o.left_on is null) <> (n.deceased_on is null and n.left_on is null)) then
      return null;
    end if;
    perform app.registration_add_totals(array_agg(x.org_path), array_agg(x.members), array_agg(x.registered))
       from (select d.org_path, sum(d.members)::integer as members, sum(d.registered)::integer as registered
               from (select n.id, case when o.org_id = n.org_id then n.org_path else o.org_path end as old_path, n.org_path as new_path,
                       o.deceased_on is null and o.left_on is null as was_counted, n.deceased_on is null and n.left_on is null as is_counted,
                       o.registered_at is not null as was_registered, n.registered_at is not null as is_registered
                  from old_rows o join new_rows n on n.id = o.id) c
              cross join lateral (select c.old_path, -1, -c.was_registered::integer where c.was_counted
                                  union all select c.new_path, 1, c.is_registered::integer where c.is_counted) as d (org_path, members, registered)
              where c.old_path::text <> c.new_path::text or c.was_counted <> c.is_counted or c.was_registered <> c.is_registered
              group by 1) x;
    -- the member's sign-in and visits go along where he/she moves, arrives or goes
    perform app.registration_add_activity(array_agg(x.org_path), array_agg(x.day), array_agg(x.signins), array_agg(x.visits))
       from (select s.org_path, e.day, sum(s.sign * e.signins)::integer as signins, sum(s.sign * e.visits)::integer as visits
               from (select n.id, case when o.org_id = n.org_id then n.org_path else o.org_path end as old_path, n.org_path as new_path,
                       o.deceased_on is null and o.left_on is null as was_counted, n.deceased_on is null and n.left_on is null as is_counted,
                       o.registered_at is not null as was_registered, n.registered_at is not null as is_registered
                  from old_rows o join new_rows n on n.id = o.id) c
               join public.accounts a on a.member_id = c.id
              cross join lateral (select c.old_path, -1 where c.was_counted
                                  union all select c.new_path, 1 where c.is_counted) as s (org_path, sign)
              cross join lateral (select (a.last_sign_in_at at time zone 'Asia/Ho_Chi_Minh')::date, 1, 0
                                   where a.last_sign_in_at is not null
                                  union all select v.day, 0, 1 from app.visits v where v.user_id = a.user_id) as e (day, signins, visits)
              where c.old_path::text <> c.new_path::text or c.was_counted <> c.is_counted
              group by 1, 2) x;
  end if;
  return null;
end
$$;
drop trigger if exists registration_members_inserted on public.members;
create trigger registration_members_inserted after insert on public.members
  referencing new table as new_rows
  for each statement execute function app.registration_members_changed();
drop trigger if exists registration_members_updated on public.members;
create trigger registration_members_updated after update on public.members
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.registration_members_changed();
drop trigger if exists registration_members_deleted on public.members;
create trigger registration_members_deleted after delete on public.members
  referencing old table as old_rows
  for each statement execute function app.registration_members_changed();

/*
 * Deletions that touch the other tables' rows are counted before the row goes, row by row
 * (members, accounts and visits are rarely deleted): a statement trigger after a cascade runs
 * only once the cascade is over (postgres fires an action's triggers at the end of the outer
 * statement), when the deleted member's account is already unlinked, or a deleted user's
 * visits and account are both gone, and neither side could find what the other brought.
 */
create or replace function app.registration_members_forget() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform app.registration_add_accounts(array_agg(a.user_id), array_agg(a.member_id), array_agg(a.last_sign_in_at), array_agg(-1), array_agg(true))
     from public.accounts a where a.member_id = old.id;
  return old;
end
$$;
drop trigger if exists registration_members_forget on public.members;
create trigger registration_members_forget before delete on public.members
  for each row execute function app.registration_members_forget();

/*
 * Accounts: a sign-in moves the account's count from the day of its previous last sign-in to
 * today; linking an account to a member (or to another one) brings its sign-in and visits to
 * that member's organizations.
 */
create or replace function app.registration_accounts_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.registration_add_accounts(array_agg(n.user_id), array_agg(n.member_id), array_agg(n.last_sign_in_at), array_agg(1), array_agg(true))
       from new_rows n where n.member_id is not null;
  elsif tg_op = 'UPDATE' then
    perform app.registration_add_accounts(array_agg(s.user_id), array_agg(s.member_id), array_agg(s.signed_in), array_agg(s.sign), array_agg(s.with_visits))
       from (select o.user_id as old_user, o.member_id as old_member, o.last_sign_in_at as old_signed_in,
                    n.user_id as new_user, n.member_id as new_member, n.last_sign_in_at as new_signed_in,
                    o.user_id is null or n.user_id is null or o.member_id is distinct from n.member_id as relinked
               from old_rows o full join new_rows n on n.user_id = o.user_id) c
      cross join lateral (select c.old_user, c.old_member, c.old_signed_in, -1, c.relinked
                          union all select c.new_user, c.new_member, c.new_signed_in, 1, c.relinked) as s (user_id, member_id, signed_in, sign, with_visits)
      where s.member_id is not null
        and (c.relinked or (c.old_signed_in at time zone 'Asia/Ho_Chi_Minh')::date is distinct from (c.new_signed_in at time zone 'Asia/Ho_Chi_Minh')::date);
  end if;
  return null;
end
$$;
drop trigger if exists registration_accounts_inserted on public.accounts;
create trigger registration_accounts_inserted after insert on public.accounts
  referencing new table as new_rows
  for each statement execute function app.registration_accounts_changed();
drop trigger if exists registration_accounts_updated on public.accounts;
create trigger registration_accounts_updated after update on public.accounts
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.registration_accounts_changed();

create or replace function app.registration_accounts_forget() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if old.member_id is not null then
    perform app.registration_add_accounts(array[old.user_id], array[old.member_id], array[old.last_sign_in_at], array[-1], array[true]);
  end if;
  return old;
end
$$;
drop trigger if exists registration_accounts_forget on public.accounts;
create trigger registration_accounts_forget before delete on public.accounts
  for each row execute function app.registration_accounts_forget();

/* Visits: the first page a user opens in a day counts at his/her member's organizations. */
create or replace function app.registration_visits_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.registration_add_activity(array_agg(x.org_path), array_agg(x.day), array_agg(0), array_agg(x.visits))
       from (select m.org_path, v.day, count(*)::integer as visits
               from new_rows v
               join public.accounts a on a.user_id = v.user_id
               join public.members m on m.id = a.member_id
              where m.deceased_on is null and m.left_on is null
              group by 1, 2) x;
    return null;
  end if;
  -- before a row is deleted (see registration_members_forget for why not after)
  perform app.registration_add_activity(array_agg(m.org_path), array[old.day], array[0], array[-1])
     from public.accounts a join public.members m on m.id = a.member_id
    where a.user_id = old.user_id and m.deceased_on is null and m.left_on is null
   having count(*) > 0;
  return old;
end
$$;
drop trigger if exists registration_visits_inserted on app.visits;
create trigger registration_visits_inserted after insert on app.visits
  referencing new table as new_rows
  for each statement execute function app.registration_visits_changed();
drop trigger if exists registration_visits_forget on app.visits;
create trigger registration_visits_forget before delete on app.visits
  for each row execute function app.registration_visits_changed();

/*
 * Organizations: a subtree that moves (its paths rewritten in one statement, org-tree's move)
 * takes its rows to the new paths, and its totals leave the old ancestors for the new ones. The
 * moved subtree's own counts do not change; only the rows of its old and new ancestors do, by the
 * totals of the subtree's top row: a few dozen rows, not a recount of the ancestors.
 */
create or replace function app.registration_rekey() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- a rename or any other change of the tree moves nothing
  if not exists (select 1 from old_nodes o join new_nodes n on n.id = o.id where o.path::text <> n.path::text) then
    return null;
  end if;
  create temporary table if not exists pg_temp.registration_moves (old_path extensions.ltree, new_path extensions.ltree) on commit drop;
  insert into pg_temp.registration_moves
  select distinct o.path, n.path from old_nodes o join new_nodes n on n.id = o.id where o.path::text <> n.path::text;
  -- the tops of the moved subtrees (nodes whose parent did not move with them) leave their old
  -- ancestors for the new ones, with their subtree's counts
  create temporary table if not exists pg_temp.registration_move_tops (
    org_path extensions.ltree, old_parent extensions.ltree, new_parent extensions.ltree
  ) on commit drop;
  insert into pg_temp.registration_move_tops
  select m.old_path, extensions.subpath(m.old_path, 0, extensions.nlevel(m.old_path) - 1),
         extensions.subpath(m.new_path, 0, extensions.nlevel(m.new_path) - 1)
    from pg_temp.registration_moves m
   where not exists (select 1 from pg_temp.registration_moves p
                      where p.old_path::text = extensions.subpath(m.old_path, 0, extensions.nlevel(m.old_path) - 1)::text);
  perform app.registration_add_totals(array_agg(x.org_path), array_agg(x.members), array_agg(x.registered))
     from (select s.org_path, sum(s.sign * t.members)::integer as members, sum(s.sign * t.registered)::integer as registered
             from pg_temp.registration_move_tops m
             join app.registration_totals t on t.org_path operator(extensions.=) m.org_path
            cross join lateral (values (m.old_parent, -1), (m.new_parent, 1)) as s (org_path, sign)
            group by 1) x;
  perform app.registration_add_activity(array_agg(x.org_path), array_agg(x.day), array_agg(x.signins), array_agg(x.visits))
     from (select s.org_path, t.day, sum(s.sign * t.signins)::integer as signins, sum(s.sign * t.visits)::integer as visits
             from pg_temp.registration_move_tops m
             join app.registration_activity t on t.org_path operator(extensions.=) m.org_path
            cross join lateral (values (m.old_parent, -1), (m.new_parent, 1)) as s (org_path, sign)
            group by 1, 2) x;
  -- then every row of the moved subtrees takes its new path
  with gone as (
    delete from app.registration_totals t using pg_temp.registration_moves m
     where t.org_path operator(extensions.=) m.old_path
    returning m.new_path, t.members, t.registered
  )
  insert into app.registration_totals as t (org_path, members, registered)
  select g.new_path, sum(g.members), sum(g.registered) from gone g group by 1 order by 1
  on conflict (org_path) do update set members = t.members + excluded.members, registered = t.registered + excluded.registered;
  with gone as (
    delete from app.registration_activity t using pg_temp.registration_moves m
     where t.org_path operator(extensions.=) m.old_path
    returning m.new_path, t.day, t.signins, t.visits
  )
  insert into app.registration_activity as t (org_path, day, signins, visits)
  select g.new_path, g.day, sum(g.signins), sum(g.visits) from gone g group by 1, 2 order by 1, 2
  on conflict (org_path, day) do update set signins = t.signins + excluded.signins, visits = t.visits + excluded.visits;
  with gone as (
    delete from app.registration_activity_months t using pg_temp.registration_moves m
     where t.org_path operator(extensions.=) m.old_path
    returning m.new_path, t.month, t.signins, t.visits
  )
  insert into app.registration_activity_months as t (org_path, month, signins, visits)
  select g.new_path, g.month, sum(g.signins), sum(g.visits) from gone g group by 1, 2 order by 1, 2
  on conflict (org_path, month) do update set signins = t.signins + excluded.signins, visits = t.visits + excluded.visits;
  truncate pg_temp.registration_moves, pg_temp.registration_move_tops;
  return null;
end
$$;
drop trigger if exists registration_rekey on public.organizations;
create trigger registration_rekey after update on public.organizations
  referencing old table as old_nodes new table as new_nodes
  for each statement execute function app.registration_rekey();

-- functions ------------------------------------------------------------------------------

/*
 * Fills both tables from the rows (set-based, one pass per table): after a bulk load with triggers
 * off (the demo seed), or to check the counters against a recount. System only.
 */
create or replace function app.rebuild_registration_rollup() returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  truncate app.registration_totals, app.registration_activity, app.registration_activity_months;
  insert into app.registration_totals (org_path, members, registered)
  select extensions.subpath(c.org_path, 0, l.level), sum(c.members), sum(c.registered)
    from (select m.org_path, count(*) as members, count(m.registered_at) as registered
            from public.members m where m.deceased_on is null and m.left_on is null group by 1) c
   cross join lateral generate_series(1, extensions.nlevel(c.org_path)) as l (level)
   group by 1;
  insert into app.registration_activity (org_path, day, signins, visits)
  select extensions.subpath(e.org_path, 0, l.level), e.day, sum(e.signins), sum(e.visits)
    from (select m.org_path, (a.last_sign_in_at at time zone 'Asia/Ho_Chi_Minh')::date as day, count(*) as signins, 0 as visits
            from public.accounts a join public.members m on m.id = a.member_id
           where a.last_sign_in_at is not null and m.deceased_on is null and m.left_on is null
           group by 1, 2
          union all
          select m.org_path, v.day, 0, count(*)
            from app.visits v join public.accounts a on a.user_id = v.user_id join public.members m on m.id = a.member_id
           where m.deceased_on is null and m.left_on is null
           group by 1, 2) e
   cross join lateral generate_series(1, extensions.nlevel(e.org_path)) as l (level)
   group by 1, 2;
  insert into app.registration_activity_months (org_path, month, signins, visits)
  select a.org_path, date_trunc('month', a.day::timestamp)::date, sum(a.signins), sum(a.visits) from app.registration_activity a group by 1, 2;
  analyze app.registration_totals;
  analyze app.registration_activity;
  analyze app.registration_activity_months;
end
$$;

/*
 * Members, registered accounts, accounts signed in during the last p_days Vietnam days (today
 * included) and their visits, per direct child of an organization, for the registration report;
 * child is null for members directly in the organization. Read from the counters above: the
 * organization's row, its children's rows and their days in the period. The gate is the one the
 * policies use: the organization must lie in the caller's scope (app.in_scope), and then its
 * whole subtree does. Counts only, never rows.
 */
drop function if exists app.registration_counts(uuid);
create or replace function app.registration_counts(p_org uuid, p_days integer default 30)
returns table (child text, members integer, registered integer, active integer, visits integer)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  -- once, not per row: app.today() is a function with its own search_path, never inlined
  first_day date := app.today() - (least(greatest(p_days, 1), 366) - 1);
  next_month date := (date_trunc('month', first_day::timestamp) + interval '1 month')::date;
  root extensions.ltree;
begin
  select o.path into root from public.organizations o where o.id = p_org and app.in_scope(o.path::text);
  if root is null then
    return;
  end if;
  return query
    with parts as (
      select t.org_path, true as is_root, t.members, t.registered
        from app.registration_totals t where t.org_path operator(extensions.=) root
      union all
      select t.org_path, false, t.members, t.registered
        from app.registration_totals t where t.parent operator(extensions.=) root
    ), activity as (
      -- the days of the period's first month from first_day on, then whole months
      select a.org_path, sum(a.signins) as signins, sum(a.visits) as visits
        from (select x.org_path, x.signins, x.visits from app.registration_activity x
               where x.org_path operator(extensions.=) root and x.day >= first_day and x.day < next_month
              union all
              select x.org_path, x.signins, x.visits from app.registration_activity x
               where x.parent operator(extensions.=) root and x.day >= first_day and x.day < next_month
              union all
              select x.org_path, x.signins, x.visits from app.registration_activity_months x
               where x.org_path operator(extensions.=) root and x.month >= next_month
              union all
              select x.org_path, x.signins, x.visits from app.registration_activity_months x
               where x.parent operator(extensions.=) root and x.month >= next_month) a
       group by 1
    ), counted as (
      select p.org_path, p.is_root, p.members, p.registered, coalesce(a.signins, 0) as active, coalesce(a.visits, 0) as visits
        from parts p left join activity a on a.org_path::text = p.org_path::text
    )
    select c.org_path::text, c.members, c.registered, c.active::integer, c.visits::integer
      from counted c where not c.is_root and c.members > 0
    union all
    -- members attached to the organization itself: its totals less its children's
    select d.*
      from (select null::text, sum(case when c.is_root then c.members else -c.members end)::integer as members,
                   sum(case when c.is_root then c.registered else -c.registered end)::integer,
                   sum(case when c.is_root then c.active else -c.active end)::integer,
                   sum(case when c.is_root then c.visits else -c.visits end)::integer
              from counted c) d
     where d.members > 0;
end
$$;

-- row-level security -----------------------------------------------------------------------
alter table app.registration_totals enable row level security;
alter table app.registration_activity enable row level security;
alter table app.registration_activity_months enable row level security;

/* The counters are written by the triggers above and read by app.registration_counts only,
   which checks the caller's scope itself. */
drop policy if exists "No user reads or writes registration totals" on app.registration_totals;
create policy "No user reads or writes registration totals" on app.registration_totals
  for all to authenticated
  using (false)
  with check (false);
drop policy if exists "No user reads or writes registration activity" on app.registration_activity;
create policy "No user reads or writes registration activity" on app.registration_activity
  for all to authenticated
  using (false)
  with check (false);

drop policy if exists "No user reads or writes monthly registration activity" on app.registration_activity_months;
create policy "No user reads or writes monthly registration activity" on app.registration_activity_months
  for all to authenticated
  using (false)
  with check (false);

-- grants ---------------------------------------------------------------------------------
revoke all on function app.registration_add_totals(extensions.ltree[], integer[], integer[]) from public, anon, authenticated;
revoke all on function app.registration_add_activity(extensions.ltree[], date[], integer[], integer[]) from public, anon, authenticated;
revoke all on function app.registration_add_accounts(uuid[], uuid[], timestamptz[], integer[], boolean[]) from public, anon, authenticated;
revoke all on function app.rebuild_registration_rollup() from public, anon, authenticated;
revoke all on function app.registration_counts(uuid, integer) from public, anon;
grant execute on function app.registration_counts(uuid, integer) to authenticated;
