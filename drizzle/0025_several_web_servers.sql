CREATE TABLE "auth_version" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "auth_version_one_row" CHECK ("auth_version"."singleton")
);
--> statement-breakpoint
CREATE TABLE "first_run_setup" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "first_run_setup_one_row" CHECK ("first_run_setup"."singleton")
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"address" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"pending" boolean DEFAULT false NOT NULL,
	"slows_account" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stream_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stream_slots" ADD CONSTRAINT "stream_slots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "login_failures_address_idx" ON "login_failures" USING btree ("address","at");--> statement-breakpoint
CREATE INDEX "login_failures_account_idx" ON "login_failures" USING btree ("account","at");--> statement-breakpoint
CREATE INDEX "login_failures_at_idx" ON "login_failures" USING btree ("at");--> statement-breakpoint
CREATE INDEX "stream_slots_user_idx" ON "stream_slots" USING btree ("user_id","expires_at");--> statement-breakpoint
INSERT INTO "auth_version" ("singleton", "version") VALUES (true, 0);
--> statement-breakpoint
-- Every write the auth_changes triggers (0006) announce also bumps auth_version, at commit
-- (deferred): a web server uses a caller it remembers only while auth_version reads the same
-- (lib/auth/caller-cache.ts). Taken last, when nothing else is left to lock, the one row's lock
-- cannot join a deadlock.
CREATE FUNCTION taskyard_bump_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_version SET version = version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER api_keys_auth_version AFTER DELETE OR UPDATE OF id, user_id, hashed_secret, expires_at ON api_keys DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION taskyard_bump_auth_version();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER users_auth_version AFTER DELETE OR UPDATE OF id, role, status, username, email ON users DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION taskyard_bump_auth_version();
