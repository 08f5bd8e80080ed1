/**
 * The performance budgets `npm run bench` checks, in one place (the figures of the project's
 * design: page weight, server time at scale, RLS overhead, live fan-out, push, import, hostile files).
 */
export const BUDGET = {
  /** first visit after login: HTML + CSS + JS + icons, compressed bytes on the wire */
  firstVisitBytes: 30 * 1024,
  /** a typical htmx interaction (open a member, post a comment, vote) */
  interactionBytes: 5 * 1024,
  /** server time p95 of the main pages for a province's staff, 100k members on the Postgres server */
  pageP95Ms: 50,
  /** the same at 1,000,000 members (npm run bench -- server-time --members 1000000) */
  widePageP95Ms: 100,
  /** the same pages for a ward's or a cell's secretary, at any size */
  narrowPageP95Ms: 20,
  /** the registration report, any scope, any size */
  reportP95Ms: 150,
  /** the member list under RLS vs. the same query with an explicit subtree filter as system, every kind of user */
  rlsOverhead: 1.3,
  /** one comment to 1,000 open SSE streams on one process (subscribers in another process), p99 */
  fanout1000P99Ms: 100,
  /** the same to 10,000 streams, p99 */
  fanout10000P99Ms: 500,
  /** app-process memory per open stream */
  streamKB: 40,
  /** web-push reminders to a local push endpoint, each exactly once */
  pushPerSecond: 500,
  /** importing a 10,000-member spreadsheet, with its per-row report */
  import10kSeconds: 10,
  /** a city's organization list (70) and member list (10,000 rows naming organizations), through the routes */
  rolloutImportSeconds: 20,
  /** opening an evaluation period for a province (100k members: an evaluation and a notice each, one transaction);
      DESIGN.md names no bulk-assignment budget, so the import budget (10 s) stands in for it */
  openPeriodSeconds: 10,
  /** activation codes and slips for 10,000 members in one printing */
  bulkIssueSeconds: 60,
  /** seeding 1,000,000 members into the Postgres server (npm run seed, the server-time bench) */
  seed1mSeconds: 180,
  /** and the seeding process's peak memory */
  seedMemoryMB: 1024,
  /** the library list and its searches, 100k members and 10,000 items on the Postgres server, p95 (the main pages' budget) */
  libraryP95Ms: 50,
  /** a hostile spreadsheet or document refused */
  hostileFileMs: 1000,
  /** another user's page delayed by a 9 MB upload on the embedded engine */
  uploadStallMs: 1000,
  /** Lighthouse mobile performance of login, home, meeting and member list (Debian Chromium), at least */
  lighthouseScore: 95,
  /** and their cumulative layout shift, at most */
  lighthouseCls: 0.05,
  /** one Supabase Edge Function (supabase/functions/<name>) as one bundle from deno bundle */
  functionBundleKB: 2048,
  /** and its cold start under Deno: spawn to the first response of a page of its own */
  functionColdStartMs: 300,
} as const
