ALTER TABLE "tasks" ADD COLUMN "pushed_commit" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "pushed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "pull_request" jsonb;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "pull_request_checked_at" timestamp with time zone;