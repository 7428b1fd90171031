CREATE TYPE "public"."git_provider_kind" AS ENUM('github', 'gitlab', 'generic');--> statement-breakpoint
CREATE TABLE "git_credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"login" text NOT NULL,
	"scopes" text[],
	"token_encrypted" text NOT NULL,
	"token_last4" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "git_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "git_provider_kind" NOT NULL,
	"host" text NOT NULL,
	"api_url" text NOT NULL,
	"webhook_secret_encrypted" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "git_credentials" ADD CONSTRAINT "git_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "git_credentials" ADD CONSTRAINT "git_credentials_provider_id_git_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."git_providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "git_credentials_user_provider_idx" ON "git_credentials" USING btree ("user_id","provider_id");--> statement-breakpoint
CREATE INDEX "git_credentials_provider_idx" ON "git_credentials" USING btree ("provider_id");--> statement-breakpoint
CREATE UNIQUE INDEX "git_providers_host_idx" ON "git_providers" USING btree (lower("host"));