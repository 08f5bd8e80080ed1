/*
 * A password reset clears the sign-in throttle of the login, which keeps its keys as SHA-256 hashes.
 * On the embedded engine pgcrypto's digest() sometimes fails to initialise OpenSSL ("Cannot use
 * "sha256": Cipher cannot be initialized", seen in two full test runs out of about ten), and the
 * reset itself then failed. The keys are computed with the core sha256() (the same bytes), and a
 * failure to compute them no longer undoes the reset: the throttle then lapses by itself in 15 minutes.
 */
create or replace function app.credentials_password_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.user_id = auth.uid() then
    perform app.end_sessions(new.user_id, 'password_changed', ((select auth.jwt()) ->> 'sid')::uuid);
  else
    perform app.end_sessions(new.user_id, 'password_reset', null);
    begin
      delete from app.login_attempts
       where key in (encode(pg_catalog.sha256(convert_to('login:' || new.login_phone, 'UTF8')), 'hex'),
                     encode(pg_catalog.sha256(convert_to('login:' || new.login_card, 'UTF8')), 'hex'));
    exception when others then
      raise notice 'the sign-in throttle of a reset login was not cleared: %', sqlerrm;
    end;
  end if;
  return null;
end
$$;
