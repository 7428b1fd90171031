-- Web processes keep the callers of recently used tokens for a few seconds (lib/auth/caller-cache.ts).
-- Every write that can change who a token is, or whether it still works, tells them at commit:
-- NOTIFY auth_changes '{"k":"<api key id>"}' for a key deleted or altered, '{"u":"<user id>"}' for
-- a user whose role, status, name or email changed (or who was deleted). Recording a key's use
-- (last_used_at) and a new password hash change nothing a cached caller holds and stay quiet.
CREATE FUNCTION taskyard_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changes', json_build_object('k', OLD.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION taskyard_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('auth_changes', json_build_object('u', OLD.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER api_keys_notify AFTER DELETE OR UPDATE OF id, user_id, hashed_secret, expires_at ON api_keys FOR EACH ROW EXECUTE FUNCTION taskyard_api_key_changed();
--> statement-breakpoint
CREATE TRIGGER users_notify AFTER DELETE OR UPDATE OF id, role, status, username, email ON users FOR EACH ROW EXECUTE FUNCTION taskyard_user_changed();
