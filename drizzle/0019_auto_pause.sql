ALTER TABLE "workspace_agents" ADD COLUMN "turn_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspace_builds" ADD COLUMN "idle_seconds" integer;