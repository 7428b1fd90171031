CREATE TABLE "task_tool_calls" (
	"task_id" uuid NOT NULL,
	"message_id" integer NOT NULL,
	"calls" jsonb NOT NULL,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_tool_calls_task_id_message_id_pk" PRIMARY KEY("task_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "task_tool_calls" ADD CONSTRAINT "task_tool_calls_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;