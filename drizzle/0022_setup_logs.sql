CREATE TABLE "setup_logs" (
	"build_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"exit_code" integer,
	"output" text DEFAULT '' NOT NULL,
	"output_bytes" bigint DEFAULT 0 NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "setup_logs" ADD CONSTRAINT "setup_logs_build_id_workspace_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."workspace_builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "setup_logs" ADD CONSTRAINT "setup_logs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "setup_logs_workspace_idx" ON "setup_logs" USING btree ("workspace_id");