CREATE TABLE "task_change_snapshots" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"changes" jsonb NOT NULL,
	"file_count" integer DEFAULT 0 NOT NULL,
	"additions" integer DEFAULT 0 NOT NULL,
	"deletions" integer DEFAULT 0 NOT NULL,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "parameters" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "repo" jsonb;--> statement-breakpoint
ALTER TABLE "task_change_snapshots" ADD CONSTRAINT "task_change_snapshots_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;