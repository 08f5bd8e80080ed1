/*
 * Meeting lists of a wide scope (a province: hundreds of thousands of meetings) walk this index
 * from now on, forwards for upcoming meetings and backwards for past ones, and stop at a page.
 */
create index if not exists meetings_starts_idx on public.meetings (starts_at);
