/*
 * Reminders on Supabase: an edge function does not run between requests, so the database
 * calls the scheduler every minute. Run this once in the SQL editor (it is not a migration:
 * it holds your function's address and secret), after:
 *   - enabling the pg_cron and pg_net extensions (Database → Extensions);
 *   - setting the function's secret: supabase secrets set REMINDERS_SECRET=<a long random string>.
 * Several overlapping calls are harmless: deliveries are claimed with skip-locked leases, so
 * each reminder is sent once.
 */
select vault.create_secret('<the same long random string>', 'reminders_secret');

select cron.schedule(
  'so-tay-reminders',
  '* * * * *',
  $$
  select net.http_post(
    url := 'https://<your-domain>/reminders/run',
    headers := jsonb_build_object(
      'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'reminders_secret'),
      'Content-Type', 'application/json'),
    body := '{}'::jsonb,
    timeout_milliseconds := 55000)
  $$
);

/* Background assignments to every member of a large subtree: resumed here if no process is running. */
select cron.schedule(
  'so-tay-task-fanouts',
  '* * * * *',
  $$
  select net.http_post(
    url := 'https://<your-domain>/tasks/fanouts/run',
    headers := jsonb_build_object(
      'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'reminders_secret'),
      'Content-Type', 'application/json'),
    body := '{}'::jsonb,
    timeout_milliseconds := 55000)
  $$
);

-- to stop: select cron.unschedule('so-tay-reminders'); select cron.unschedule('so-tay-task-fanouts');
