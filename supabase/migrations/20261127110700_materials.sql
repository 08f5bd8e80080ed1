/*
 * Materials of a meeting: documents (PDF, DOCX, images), the draft resolution as text, and,
 * after the meeting, the final resolution. The secretary prepares them; publishing makes them
 * visible to the cell's members and sends each a notice. Published materials are kept.
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.meeting_materials (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references public.meetings (id),
  org_key text collate "C" not null default '',
  kind text not null check (kind in ('document', 'draft_resolution', 'final_resolution')),
  title text not null check (length(title) between 1 and 200),
  body text check (length(body) <= 100000),
  file_name text check (length(file_name) <= 200),
  content_type text check (content_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                                            'image/png', 'image/jpeg', 'image/webp')),
  byte_size int check (byte_size between 1 and 10485760),
  storage_key text unique,
  published_at timestamptz,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind = 'document') = (storage_key is not null)),
  check (kind = 'document' or body is not null)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists meeting_materials_meeting_idx on public.meeting_materials (meeting_id, created_at);
create unique index if not exists meeting_materials_one_resolution_idx on public.meeting_materials (meeting_id, kind) where kind <> 'document';

-- triggers -------------------------------------------------------------------------------

/* Materials take their meeting's key; a published one is never taken back. */
create or replace function app.meeting_materials_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'UPDATE' and old.published_at is not null and new.published_at is null then
    raise exception 'published materials stay published' using errcode = '42501';
  end if;
  select mt.org_key into new.org_key from public.meetings mt where mt.id = new.meeting_id;
  new.updated_at := now();
  return new;
end
$$;
drop trigger if exists meeting_materials_prepare on public.meeting_materials;
create trigger meeting_materials_prepare before insert or update on public.meeting_materials
  for each row execute function app.meeting_materials_prepare();

/* Publishing notifies every current member of the cell, once per meeting per publication. */
create or replace function app.meeting_materials_published() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.notifications (member_id, kind, title, url)
  select m.id,
         case when p.final then 'meeting.resolution' else 'meeting.materials' end,
         case when p.final then 'Nghị quyết đã ban hành: ' else 'Tài liệu sinh hoạt: ' end || mt.title,
         '/meetings/' || mt.id
    from (select distinct n.meeting_id, n.kind = 'final_resolution' as final
            from new_rows n join old_rows o on o.id = n.id
           where o.published_at is null and n.published_at is not null) p
    join public.meetings mt on mt.id = p.meeting_id
    join public.members m on m.org_id = mt.org_id and m.deceased_on is null and m.left_on is null;
  perform app.write_audit('materials.publish', 'meeting', p.meeting_id, mt.org_id, jsonb_build_object('final', p.final))
    from (select distinct n.meeting_id, n.kind = 'final_resolution' as final
            from new_rows n join old_rows o on o.id = n.id
           where o.published_at is null and n.published_at is not null) p
    join public.meetings mt on mt.id = p.meeting_id;
  return null;
end
$$;
drop trigger if exists meeting_materials_published on public.meeting_materials;
create trigger meeting_materials_published after update on public.meeting_materials
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.meeting_materials_published();

/* A removed material takes its file along when files live in the database. */
create or replace function app.meeting_materials_removed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.stored_files f where f.key = old.storage_key;
  return null;
end
$$;
drop trigger if exists meeting_materials_removed on public.meeting_materials;
create trigger meeting_materials_removed after delete on public.meeting_materials
  for each row when (old.storage_key is not null) execute function app.meeting_materials_removed();

-- row-level security -----------------------------------------------------------------------
alter table public.meeting_materials enable row level security;

/* The cell's members read what was published; managers above the cell read everything. */
drop policy if exists "Members read the published materials of their cell's meetings" on public.meeting_materials;
create policy "Members read the published materials of their cell's meetings" on public.meeting_materials
  for select to authenticated
  using (published_at is not null
         and meeting_id in (select mt.id from public.meetings mt where mt.org_id = (select app.home_org_id())));

select app.define_policy('public.meeting_materials', 'Managers read materials in their subtree', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meeting_materials', 'Managers add materials in their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.meeting_materials', 'Managers change and publish materials in their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

/* Only what was never published may be removed. */
select app.define_policy('public.meeting_materials', 'Managers remove unpublished materials in their subtree', 'delete',
  using_sql => $p$published_at is null
         and app.in_scope(org_key)$p$);

/* A stored file is readable by whoever may read the material that refers to it. */
drop policy if exists "Users read the files of materials they can see" on public.stored_files;
create policy "Users read the files of materials they can see" on public.stored_files
  for select to authenticated
  using (key in (select mm.storage_key from public.meeting_materials mm where mm.storage_key is not null));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.meeting_materials to authenticated;

