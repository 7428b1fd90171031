CREATE TABLE "work_snapshots" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"turn" integer NOT NULL,
	"brain" text NOT NULL,
	"session_id" text,
	"agent_state" "bytea" NOT NULL,
	"brain_files" "bytea",
	"branch" text,
	"base_commit" text,
	"head_commit" text,
	"bundle" "bytea",
	"diff" "bytea",
	"dropped" text,
	"total_bytes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "work_snapshots" ADD CONSTRAINT "work_snapshots_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;