/*
 * Live events leave the database through one function. Locally (and on any Postgres) they go
 * out by NOTIFY to the app processes that LISTEN. Where Supabase Realtime exists they also go
 * as a broadcast on the private channel of their meeting ("meeting:<id>"); policies on
 * realtime.messages let only those who can see the meeting join it.
 */

/* Publishes one event: NOTIFY on the channel, and a Realtime broadcast on the topic when the
   realtime schema is there (checked per call: the same migrations run with and without it). */
create or replace function app.publish(p_channel text, p_topic text, p_payload jsonb) returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  perform pg_notify(p_channel, p_payload::text);
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is not null then
    execute 'select realtime.send($1, $2, $3, true)' using p_payload, p_channel, p_topic;
  end if;
end
$$;
revoke all on function app.publish(text, text, jsonb) from public;

create or replace function app.meeting_comments_notify() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if app.rekeying() then return null; end if;  -- a key rewrite is not an edit
  perform app.publish('meeting_comments', 'meeting:' || new.meeting_id,
    jsonb_build_object('meeting_id', new.meeting_id, 'comment_id', new.id, 'op', lower(tg_op)));
  return null;
end
$$;

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

/* Who may join "meeting:<id>": whoever can see the meeting under RLS (its cell's members and
   the managers above). Only where Supabase Realtime's table exists. */
do $$
begin
  if to_regclass('realtime.messages') is null then
    return;
  end if;
  execute $policy$
    drop policy if exists "Participants receive the broadcasts of meetings they can see" on realtime.messages;
    create policy "Participants receive the broadcasts of meetings they can see" on realtime.messages
      for select to authenticated
      using (realtime.messages.extension = 'broadcast'
             and (select realtime.topic()) like 'meeting:%'
             and exists (select 1 from public.meetings mt
                          where mt.id::text = substring((select realtime.topic()) from 9)));
  $policy$;
end
$$;
