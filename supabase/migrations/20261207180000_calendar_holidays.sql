/*
 * Public holidays (ngày nghỉ lễ, Tết) as data the root committee keeps (issue 23): every
 * working-day deadline skips them, so a letter's 30 working days no longer fall early around Tết.
 * The solar holidays of the Labour Code (1/1, 30/4, 1/5, 2/9) are filled in for 2025-2040; Tết
 * Nguyên Đán, Giỗ Tổ Hùng Vương (lunar dates) and the day the Government adds beside 2/9 each year
 * are entered by the committee when announced.
 */

-- tables -------------------------------------------------------------------------------------
create table if not exists public.public_holidays (
  day date primary key,
  name text not null check (length(name) between 1 and 200),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now()
);

insert into public.public_holidays (day, name)
select pg_catalog.make_date(y, f.m, f.d), f.name
  from pg_catalog.generate_series(2025, 2040) y,
       (values (1, 1, 'Tết Dương lịch'), (4, 30, 'Ngày Chiến thắng 30/4'), (5, 1, 'Ngày Quốc tế Lao động'), (9, 2, 'Quốc khánh 2/9')) f (m, d, name)
on conflict (day) do nothing;

-- helper functions ---------------------------------------------------------------------------

/* Who keeps the holidays: the administrator and the managers of a root organization (the whole deployment). */
create or replace function app.keeps_holidays() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.is_admin() or exists (select 1 from unnest(app.managed_scope(true)) r where extensions.nlevel(r) = 1)
$$;

/* The date n working days after a date: Monday to Friday, public holidays skipped (the same for every caller). */
create or replace function app.add_working_days(p_from date, p_days int) returns date
language sql stable security definer
set search_path = ''
as $$
  select p_from + i from pg_catalog.generate_series(1, greatest(p_days, 1) * 2 + 60) i
   where extract(isodow from p_from + i) < 6
     and not exists (select 1 from public.public_holidays h where h.day = p_from + i)
   order by i offset greatest(p_days, 1) - 1 limit 1
$$;

revoke all on function app.keeps_holidays() from public;
grant execute on function app.keeps_holidays(), app.add_working_days(date, int) to authenticated, service_role;

-- policies -----------------------------------------------------------------------------------
alter table public.public_holidays enable row level security;

/* Members and the administrator read the holidays (the calendar shows them, deadlines count with
   them); a signed-in user with no member record reads nothing, as from every table. The root
   committee and the administrator keep them. */
drop policy if exists "Members read the public holidays" on public.public_holidays;
create policy "Members read the public holidays" on public.public_holidays
  for select to authenticated using ((select app.current_member_id()) is not null or (select app.is_admin()));
drop policy if exists "The root committee adds public holidays" on public.public_holidays;
create policy "The root committee adds public holidays" on public.public_holidays
  for insert to authenticated with check ((select app.keeps_holidays()));
drop policy if exists "The root committee changes public holidays" on public.public_holidays;
create policy "The root committee changes public holidays" on public.public_holidays
  for update to authenticated using ((select app.keeps_holidays())) with check ((select app.keeps_holidays()));
drop policy if exists "The root committee removes public holidays" on public.public_holidays;
create policy "The root committee removes public holidays" on public.public_holidays
  for delete to authenticated using ((select app.keeps_holidays()));

-- grants -------------------------------------------------------------------------------------
grant select, insert, update, delete on public.public_holidays to authenticated;
