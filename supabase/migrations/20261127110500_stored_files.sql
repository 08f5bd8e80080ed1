/*
 * Uploaded files kept in the database (STORAGE=database, the local default): written inside
 * the transaction of the row that refers to them. Nobody reads a file by default: each feature
 * that refers to files adds a policy saying who may read them (as Supabase Storage's policies
 * on storage.objects do for buckets).
 */

-- tables -------------------------------------------------------------------------------
create table if not exists public.stored_files (
  key text primary key check (key ~ '^[a-z0-9][a-z0-9/_-]{0,200}$'),
  content_type text not null check (length(content_type) <= 200),
  byte_size int not null check (byte_size >= 0),
  bytes bytea not null,
  created_by uuid not null default auth.uid(),
  created_at timestamptz not null default now()
);

-- PDF, DOCX, PNG, JPEG and WebP are compressed already: stored out of line as they are, without
-- a compression attempt (measured on PGlite: a 9 MB file writes ~25% faster)
alter table public.stored_files alter column bytes set storage external;

-- row-level security -----------------------------------------------------------------------
alter table public.stored_files enable row level security;

drop policy if exists "Users can store files as themselves" on public.stored_files;
create policy "Users can store files as themselves" on public.stored_files
  for insert to authenticated
  with check (created_by = auth.uid());

drop policy if exists "Users can remove files they stored" on public.stored_files;
create policy "Users can remove files they stored" on public.stored_files
  for delete to authenticated
  using (created_by = auth.uid());

-- grants ---------------------------------------------------------------------------------
grant select, insert, delete on public.stored_files to authenticated;
