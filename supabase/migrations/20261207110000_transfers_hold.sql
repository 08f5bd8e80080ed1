/*
 * Transfers hold when the organizations and the people around them change (issue 23):
 * - a permanent transfer ends the member's roles in the cell he/she leaves, so its letter is
 *   issued only by a wider scope (app.has_authority_over), inside the deployment as out of it:
 *   a peer on the ward committee could otherwise end a fellow member's roles and sessions;
 * - a letter whose receiving cell was merged or closed after it was issued is not accepted
 *   (the member would sit in a closed cell, outside every open one's counts).
 */

create or replace function public.transfer_issue(p_id uuid, p_letter_number text, p_letter_date date)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  t public.transfers%rowtype;
  issuer uuid;
begin
  select * into t from public.transfers where id = p_id for update;
  issuer := case when t.from_org_id is not null then app.issuing_committee(t.from_org_id) end;
  if t.id is null or issuer is null or t.member_id = app.current_member_id() then
    raise exception 'only a committee above the sending cell issues the letter (never for the caller''s own transfer)' using errcode = '42501';
  end if;
  if t.status <> 'confirmed' then
    raise exception 'the letter is issued after the sending side confirms' using errcode = '55000';
  end if;
  -- a permanent transfer ends the member's roles where he/she leaves (on acceptance, or at once
  -- when leaving the deployment), so only a wider scope issues it: never a peer or a subordinate
  if t.kind = 'permanent' and t.member_id is not null and not app.has_authority_over(t.member_id) then
    raise exception 'only a wider scope may transfer this member' using errcode = '42501';
  end if;
  if nullif(pg_catalog.btrim(p_letter_number), '') is null or p_letter_date is null or p_letter_date > app.today()
     or p_letter_date < app.today() - 30 then
    raise exception 'a letter has a number and a date (not ahead, at most 30 days back)' using errcode = '22023';
  end if;
  perform app.transfer_take_person(p_id);
  update public.transfers
     set status = case when t.to_org_id is null then 'accepted' else 'issued' end,
         issuer_org_id = issuer, issuer_name = (select o.name from public.organizations o where o.id = issuer),
         letter_number = pg_catalog.btrim(p_letter_number), letter_date = p_letter_date,
         deadline = case when t.kind = 'permanent' and t.to_org_id is not null then app.add_working_days(p_letter_date, 30) end,
         issued_at = now(), warned_at = null,
         accepted_at = case when t.to_org_id is null then now() end
   where id = p_id;
  insert into public.transfer_parties (transfer_id, side, org_id) values (p_id, 'issuing', issuer)
    on conflict (transfer_id, side) do update set org_id = excluded.org_id;
  perform app.transfer_event(p_id, 'issued', 'Giấy giới thiệu số ' || pg_catalog.btrim(p_letter_number));
  if t.to_org_id is not null then
    insert into public.transfer_parties (transfer_id, side, org_id) values (p_id, 'receiving', t.to_org_id)
      on conflict (transfer_id, side) do nothing;
    perform app.transfer_notify(t.member_id, t.to_org_id, 'transfer.issued', 'Giấy giới thiệu sinh hoạt đảng: ' || t.person_name, p_id);
  else
    if t.kind = 'permanent' then
      update public.org_roles r set valid_to = app.today() - 1
       where r.member_id = t.member_id and r.valid_from < app.today() and (r.valid_to is null or r.valid_to >= app.today());
      delete from public.org_roles r where r.member_id = t.member_id and r.valid_from >= app.today();
      update public.members set left_on = app.today() where id = t.member_id and left_on is null;
    end if;
    perform app.transfer_event(p_id, 'accepted', 'Chuyển ra ngoài: ' || t.to_name);
  end if;
end
$$;

create or replace function public.transfer_accept(p_id uuid)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  t public.transfers%rowtype;
  m public.members%rowtype;
  created uuid;
begin
  select * into t from public.transfers where id = p_id for update;
  if t.id is null or t.to_org_id is null or not app.manages_org(t.to_org_id) or t.member_id = app.current_member_id() then
    raise exception 'only the receiving side accepts (never the member himself/herself)' using errcode = '42501';
  end if;
  if t.status <> 'issued' then
    raise exception 'only an issued letter is accepted' using errcode = '55000';
  end if;
  -- a cell merged or closed since the letter was issued takes nobody in: the issuer takes the
  -- letter back and issues one for the organization that took the cell over
  if not exists (select 1 from public.organizations o where o.id = t.to_org_id and o.valid_to is null) then
    raise exception 'the receiving organization has closed since the letter was issued' using errcode = '55000';
  end if;
  if t.deadline is not null and app.today() > t.deadline then
    raise exception 'the letter lapsed on %: it is returned to the issuer for a new one', t.deadline using errcode = '55000';
  end if;
  if t.kind = 'permanent' and t.member_id is not null then
    select * into m from public.members where id = t.member_id for update;
    if m.org_id is distinct from t.from_org_id or m.deceased_on is not null or m.left_on is not null then
      raise exception 'the member is no longer in the sending cell' using errcode = '55000';
    end if;
    perform app.transfer_end_roles(m.id, m.org_id);
    perform pg_catalog.set_config('app.transfer_accepting', m.id::text, true);
    update public.members set org_id = t.to_org_id where id = m.id;
    perform pg_catalog.set_config('app.transfer_accepting', '', true);
  elsif t.kind = 'permanent' then
    insert into public.members (org_id, org_path, full_name, birth_date, status)
    values (t.to_org_id, '', t.person_name, t.person_birth_date, coalesce(t.person_status, 'official'))
    returning id into created;
    t.member_id := created;
  end if;
  update public.transfers set status = 'accepted', accepted_at = now(), member_id = t.member_id where id = p_id;
  perform app.transfer_event(p_id, 'accepted', null);
  perform app.transfer_notify(t.member_id, t.from_org_id, 'transfer.accepted', 'Đã tiếp nhận sinh hoạt đảng: ' || t.person_name, p_id);
end
$$;
