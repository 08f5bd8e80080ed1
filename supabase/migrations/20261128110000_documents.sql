/*
 * The library (thư viện): documents, news and videos a committee publishes to its subtree or to
 * organizations it chooses. Members read what was published to them, search it without accents,
 * bookmark it, and leave a read receipt (who opened what, never what was read), from which the
 * committee sees the share of its members who read an item, per organization.
 *
 * States: every item is born a draft (the managers of its organization see it),
 * is published (its audience sees it too), and may be withdrawn (members no longer see it).
 * Other features refer to an item by public.documents.id and link to /library/<id>.
 */

-- tables -------------------------------------------------------------------------------

/* One item of the library. org_id is the publishing organization (the committee); org_key its
   path, copied by app.take_org_key for the scope policies. search_key folds what search reads
   (title, number, issuer, text) into one accent-free lower-case text for the trigram index. */
create table if not exists public.documents (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  kind text not null check (kind in ('document', 'news', 'video')),
  category text not null check (category in ('party', 'state', 'committee', 'study', 'news', 'other')),
  title text not null check (length(title) between 1 and 300),
  summary text check (length(summary) <= 1000),
  -- the text of a news item as written, or the text extracted from a document's file (bounded)
  body text check (length(body) <= 200000),
  doc_number text check (length(doc_number) <= 60),
  issued_on date,
  issuer text check (length(issuer) <= 200),
  validity text check (validity in ('in_force', 'expired')),
  video_url text check (video_url ~ '^https://[^\s<>"]+$' and length(video_url) <= 500),
  status text not null default 'draft' check (status in ('draft', 'published', 'withdrawn')),
  important boolean not null default false,
  published_at timestamptz,
  notified_at timestamptz,
  -- newest first: the publication time once published, the creation time before
  sort_at timestamptz not null default now(),
  -- the year filter: of the document's date when it has one, else of its publication (Vietnam time)
  doc_year smallint not null default 0,
  -- words only, each after a space ("57-NQ/TW" is " 57 nq tw "), so that a short word is looked up
  -- where a word starts, by the trigrams of its start (see document_ids_matching)
  search_key text generated always as (' ' || pg_catalog.regexp_replace(app.search_key(title || ' ' || coalesce(doc_number, '') || ' '
                                                      || coalesce(issuer, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '')),
                                                      '[^[:alnum:]]+', ' ', 'g') || ' ') stored,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (kind <> 'video' or video_url is not null),
  check (status = 'draft' or published_at is not null)
);

/* Who an item is published to: organizations whose whole subtree reads it. Publishing "to the
   subtree" is one row naming the publishing organization itself; "to chosen organizations" is
   one row each. org_key is the audience organization's path (app.take_org_key). */
create table if not exists public.document_audiences (
  document_id uuid not null references public.documents (id) on delete cascade,
  org_id uuid not null references public.organizations (id),
  org_key text collate "C" not null default '',
  primary key (document_id, org_id)
);

/* Files of an item: the PDF/DOCX of a document, images of a news item. org_key is the item's. */
create table if not exists public.document_files (
  id uuid primary key default gen_random_uuid(),
  document_id uuid not null references public.documents (id) on delete cascade,
  org_key text collate "C" not null default '',
  role text not null check (role in ('main', 'image')),
  file_name text not null check (length(file_name) between 1 and 200),
  content_type text not null check (content_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                                                     'image/png', 'image/jpeg', 'image/webp')),
  byte_size int not null check (byte_size between 1 and 10485760),
  storage_key text not null unique,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now()
);

/* Read receipts: one row per member and item, first and last opening; nothing of the content.
   org_key is the reader's home cell at the last opening, so the committees above that cell
   count it (an organization that moves takes its receipts along, app.organizations_rekey). */
create table if not exists public.document_reads (
  document_id uuid not null references public.documents (id) on delete cascade,
  member_id uuid not null references public.members (id),
  org_key text collate "C" not null default '',
  first_read_at timestamptz not null default now(),
  last_read_at timestamptz not null default now(),
  primary key (document_id, member_id)
);

/* "Đánh dấu để xem sau": a member's own list; nobody else reads it. */
create table if not exists public.document_bookmarks (
  member_id uuid not null default app.current_member_id() references public.members (id),
  document_id uuid not null references public.documents (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (member_id, document_id)
);

-- indexes ------------------------------------------------------------------------------
create index if not exists documents_sort_idx on public.documents (sort_at desc, id);
create index if not exists documents_org_key_idx on public.documents (org_key, sort_at desc);
create index if not exists documents_search_trgm on public.documents using gin (search_key extensions.gin_trgm_ops);
create index if not exists document_audiences_key_idx on public.document_audiences (org_key, document_id);
create index if not exists document_files_document_idx on public.document_files (document_id, created_at);
create index if not exists document_reads_key_idx on public.document_reads (document_id, org_key);
create index if not exists document_reads_member_idx on public.document_reads (member_id);
create index if not exists document_bookmarks_document_idx on public.document_bookmarks (document_id);

-- helper functions ---------------------------------------------------------------------

/* The keys of the signed-in member's home cell and of every organization above it: an item is
   published to the member when its audience names one of them. Text equality is leakproof and
   indexable under RLS, unlike ltree's <@ (DESIGN, "Measured RLS shapes"). */
create or replace function app.home_keys() returns text[]
language sql stable security definer
set search_path = ''
as $$
  select coalesce(array_agg(extensions.subpath(h.path, 0, n)::text collate "C"), '{}')
    from (select app.home_path() as path) h, pg_catalog.generate_series(1, extensions.nlevel(h.path)) n
   where h.path is not null
$$;
revoke all on function app.home_keys() from public;
grant execute on function app.home_keys() to authenticated, service_role;

/* The items addressed to the signed-in member (published or not), as a set the policy of
   documents hashes once per statement (an array from an InitPlan would be searched linearly for every row; reading
   document_audiences through its own policy there would check those rows twice). */
create or replace function app.my_document_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  -- the audiences' index alone: the state of the item is the policy's own test (a join here read
  -- a thousand wide rows of documents per statement, 8 ms)
  select distinct a.document_id from public.document_audiences a where a.org_key = any ((select app.home_keys())::text[])
$$;
revoke all on function app.my_document_ids() from public;
grant execute on function app.my_document_ids() to authenticated, service_role;

/*
 * Accent-insensitive search, every word of the query in the item ("nghi quyet 57" finds
 * "Nghị quyết số 57-NQ/TW"; punctuation separates words on both sides). Under RLS a LIKE cannot
 * use the trigram index (it is not leakproof), so this definer function reads the index first,
 * keeps what the caller may see by the same rules as the policies, and returns at most p_limit
 * ids, newest first; the list reads them under RLS.
 */
drop function if exists public.document_ids_matching(text, int);
create or replace function public.document_ids_matching(p_query text, p_limit int default 2000,
                                                        p_category text default null, p_kind text default null, p_year int default null)
returns uuid[]
language plpgsql stable security definer
set search_path = ''
as $$
declare
  words text[];
  clauses text;
  found uuid[];
  -- the scope once, not per hit (a subquery here is flattened into per-row calls)
  bounds text[] := app.scope_bounds();
  roots extensions.ltree[] := app.managed_scope();
begin
  select array_agg(w) into words
    from (select w from pg_catalog.regexp_split_to_table(app.search_key(p_query), '[^[:alnum:]]+') w where w <> '' limit 8) x;
  if words is null then
    return '{}';
  end if;
  -- a word of three letters or more anywhere (its trigrams find it); a shorter one ("57", "so") where
  -- a word starts: anywhere it has no trigram and every item would be read and checked (20 ms)
  select string_agg(pg_catalog.format('d.search_key like %L', case when pg_catalog.length(w) >= 3 then '%' || w || '%' else '% ' || w || '%' end), ' and ')
    into clauses from unnest(words) w;
  -- the list's filters too, so that the ids returned are the page's candidates and no more
  clauses := clauses
    || case when p_category is null then '' else pg_catalog.format(' and d.category = %L', p_category) end
    || case when p_kind is null then '' else pg_catalog.format(' and d.kind = %L', p_kind) end
    || case when p_year is null then '' else pg_catalog.format(' and d.doc_year = %s', p_year) end;
  -- the words as literals (dynamic SQL): with parameters the planner cannot tell a rare word from
  -- a common one (members.member_ids_matching explains the same choice)
  execute pg_catalog.format(
    $q$select coalesce(array_agg(id), '{}') from (
         select h.id from (select d.id, d.org_key, d.status, d.created_by, d.sort_at from public.documents d where %s offset 0) h
          where (h.status = 'published' and h.id in (select app.my_document_ids()))
             -- app.in_scope written out (as app.expand_scope does in policies)
             or (h.org_key >= $1[1] and h.org_key < $1[2]
                 and ($1[3] = '1' or h.org_key::extensions.ltree operator(extensions.<@) any ($2)))
          order by h.sort_at desc
          limit %s) hits$q$,
    clauses, least(greatest(p_limit, 0), 10000))
    into found using bounds, roots;
  return found;
end
$$;
revoke all on function public.document_ids_matching(text, int, text, text, int) from public, anon;
grant execute on function public.document_ids_matching(text, int, text, text, int) to authenticated;

-- triggers -------------------------------------------------------------------------------

/* An item is born a draft (its audience is written after it, and publishing is the change that
   notifies); it keeps its time of publication; sort_at and doc_year follow. */
create or replace function app.documents_prepare() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;  -- a key rewrite is not an edit
  if tg_op = 'INSERT' then
    new.status := 'draft';
    new.published_at := null;
    new.notified_at := null;
  elsif new.status = 'published' and old.status <> 'published' and old.published_at is null then
    new.published_at := app.now();
  elsif new.status = 'draft' and old.status <> 'draft' then
    raise exception 'a published item is withdrawn, not made a draft again' using errcode = '23514';
  end if;
  if new.status = 'draft' then
    new.published_at := null;
  end if;
  if new.important and new.status = 'published' and new.notified_at is null then
    new.notified_at := app.now();  -- the statement trigger below sends the notice, once
  end if;
  new.sort_at := coalesce(new.published_at, new.created_at);
  new.doc_year := extract(year from coalesce(new.issued_on, (coalesce(new.published_at, new.created_at) at time zone 'Asia/Ho_Chi_Minh')::date));
  new.updated_at := app.now();
  return new;
end
$$;
drop trigger if exists documents_key on public.documents;
create trigger documents_key before insert or update of org_id on public.documents
  for each row execute function app.take_org_key();
drop trigger if exists documents_prepare on public.documents;
create trigger documents_prepare before insert or update on public.documents
  for each row execute function app.documents_prepare();

drop trigger if exists document_audiences_key on public.document_audiences;
create trigger document_audiences_key before insert or update of org_id on public.document_audiences
  for each row execute function app.take_org_key();

/* Files carry their item's key for the scope policies. */
create or replace function app.take_document_key() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select d.org_key into new.org_key from public.documents d where d.id = new.document_id;
  return new;
end
$$;
drop trigger if exists document_files_key on public.document_files;
create trigger document_files_key before insert on public.document_files
  for each row execute function app.take_document_key();

/* A read receipt is the signed-in member's own, counted in his/her home cell of the moment (each
   opening refreshes it). A key rewrite (a subtree moved) is no opening: the receipt keeps its reader. */
create or replace function app.document_reads_prepare() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return new; end if;
  if tg_op = 'INSERT' then
    new.member_id := app.current_member_id();
  end if;
  select o.path::text into new.org_key from public.members m join public.organizations o on o.id = m.org_id where m.id = new.member_id;
  return new;
end
$$;
drop trigger if exists document_reads_prepare on public.document_reads;
create trigger document_reads_prepare before insert or update on public.document_reads
  for each row execute function app.document_reads_prepare();

/* An important item, once published, sends its audience a notice (push follows from the
   notices). Once per item: documents_prepare stamps notified_at, and only that change sends. */
create or replace function app.documents_notify() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into public.notifications (member_id, kind, title, url)
  select distinct m.id, 'library.important', pg_catalog.left('Tài liệu quan trọng: ' || n.title, 300), '/library/' || n.id
    from new_rows n
    join old_rows o on o.id = n.id
    join public.document_audiences a on a.document_id = n.id
    join public.members m on m.org_key >= a.org_key and m.org_key < a.org_key || '/'
   where n.notified_at is not null and o.notified_at is null
     and m.deceased_on is null and (m.left_on is null or m.left_on > app.today());
  return null;
end
$$;
drop trigger if exists documents_notify on public.documents;
create trigger documents_notify after update on public.documents
  referencing old table as old_rows new table as new_rows
  for each statement execute function app.documents_notify();

/* A removed draft takes its files along when files live in the database. */
create or replace function app.document_files_removed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.stored_files f where f.key = old.storage_key;
  return null;
end
$$;
drop trigger if exists document_files_removed on public.document_files;
create trigger document_files_removed after delete on public.document_files
  for each row execute function app.document_files_removed();

-- row-level security -----------------------------------------------------------------------
alter table public.documents enable row level security;
alter table public.document_audiences enable row level security;
alter table public.document_files enable row level security;
alter table public.document_reads enable row level security;
alter table public.document_bookmarks enable row level security;

/* Members read what is published to them (their cell or an organization above it is in the
   audience); a withdrawn item or a draft is not. The ids come as one set per statement. */
drop policy if exists "Members read the items published to them" on public.documents;
create policy "Members read the items published to them" on public.documents
  for select to authenticated
  using (status = 'published' and id in (select app.my_document_ids()));

/* The managers of the publishing organization's subtree read its items in every state. Being
   the author gives nothing of its own: a secretary whose role ended (or who left) no longer reads
   the drafts and withdrawn items he/she wrote, which are his/her successors' now. */
select app.define_policy('public.documents', 'Managers read every item published in their subtree', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

drop policy if exists "Authors read their own items" on public.documents;

select app.define_policy('public.documents', 'Managers publish items from organizations in their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.documents', 'Managers edit, publish and withdraw items of their subtree', 'update',
  using_sql => $p$app.in_scope(org_key)$p$,
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.documents', 'Managers remove drafts of their subtree', 'delete',
  using_sql => $p$status = 'draft' and app.in_scope(org_key)$p$);

/* The audience is read by those who read the item; it is set by the item's managers, and only to
   organizations inside their own scope. */
drop policy if exists "Readers of an item read its audience" on public.document_audiences;
create policy "Readers of an item read its audience" on public.document_audiences
  for select to authenticated
  using (document_id in (select d.id from public.documents d));

select app.define_policy('public.document_audiences', 'Managers address their items to organizations in their scope', 'insert',
  check_sql => $p$app.in_scope(org_key)
              and exists (select 1 from public.documents d where d.id = document_id and d.status = 'draft' and app.in_scope(d.org_key))$p$);

select app.define_policy('public.document_audiences', 'Managers change the audience of their drafts', 'delete',
  using_sql => $p$exists (select 1 from public.documents d where d.id = document_id and d.status = 'draft' and app.in_scope(d.org_key))$p$);

/* Files go with their item: who reads the item reads its files; managers of the item attach. */
drop policy if exists "Readers of an item read its files" on public.document_files;
create policy "Readers of an item read its files" on public.document_files
  for select to authenticated
  using (document_id in (select d.id from public.documents d));

select app.define_policy('public.document_files', 'Managers attach files to items of their subtree', 'insert',
  check_sql => $p$app.in_scope(org_key)$p$);

select app.define_policy('public.document_files', 'Managers remove files of drafts in their subtree', 'delete',
  using_sql => $p$app.in_scope(org_key)
             and exists (select 1 from public.documents d where d.id = document_id and d.status = 'draft')$p$);

drop policy if exists "Users read the files of library items they can see" on public.stored_files;
create policy "Users read the files of library items they can see" on public.stored_files
  for select to authenticated
  using (key in (select f.storage_key from public.document_files f));

/* A member writes his/her own receipt for an item he/she can read; managers read the receipts
   of members of their subtree (counts on the statistics page). */
drop policy if exists "Members read their own read receipts" on public.document_reads;
create policy "Members read their own read receipts" on public.document_reads
  for select to authenticated
  using (member_id = (select app.current_member_id()));

select app.define_policy('public.document_reads', 'Managers read the receipts of members in their subtree', 'select',
  using_sql => $p$app.in_scope(org_key)$p$);

drop policy if exists "Members record their own reading of items they can read" on public.document_reads;
create policy "Members record their own reading of items they can read" on public.document_reads
  for insert to authenticated
  with check (member_id = (select app.current_member_id()) and document_id in (select d.id from public.documents d));

drop policy if exists "Members update their own read receipts" on public.document_reads;
create policy "Members update their own read receipts" on public.document_reads
  for update to authenticated
  using (member_id = (select app.current_member_id()))
  with check (member_id = (select app.current_member_id()));

drop policy if exists "Members keep their own bookmarks" on public.document_bookmarks;
create policy "Members keep their own bookmarks" on public.document_bookmarks
  for select to authenticated
  using (member_id = (select app.current_member_id()));

drop policy if exists "Members bookmark items they can read" on public.document_bookmarks;
create policy "Members bookmark items they can read" on public.document_bookmarks
  for insert to authenticated
  with check (member_id = (select app.current_member_id()) and document_id in (select d.id from public.documents d));

drop policy if exists "Members remove their own bookmarks" on public.document_bookmarks;
create policy "Members remove their own bookmarks" on public.document_bookmarks
  for delete to authenticated
  using (member_id = (select app.current_member_id()));

-- grants ---------------------------------------------------------------------------------
grant select, insert, update, delete on public.documents to authenticated;
grant select, insert, delete on public.document_audiences to authenticated;
grant select, insert, delete on public.document_files to authenticated;
grant select, insert, update (last_read_at) on public.document_reads to authenticated;
grant select, insert, delete on public.document_bookmarks to authenticated;
