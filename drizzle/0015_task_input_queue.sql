CREATE TABLE "task_inputs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"input" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"message_index" integer,
	"claimed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "task_inputs" ADD CONSTRAINT "task_inputs_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_inputs_task_idx" ON "task_inputs" USING btree ("task_id","created_at","id");--> statement-breakpoint
CREATE INDEX "task_inputs_pending_idx" ON "task_inputs" USING btree ("task_id") WHERE "task_inputs"."state" <> 'delivered';--> statement-breakpoint
CREATE UNIQUE INDEX "task_inputs_one_delivering_idx" ON "task_inputs" USING btree ("task_id") WHERE "task_inputs"."state" = 'delivering';