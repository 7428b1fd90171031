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
CREATE UNIQUE INDEX "task_inputs_one_delivering_idx" ON "task_inputs" USING btree ("task_id") WHERE "task_inputs"."state" = 'delivering';--> statement-breakpoint
-- A queued input that arrives, moves on or goes tells the task's listeners (its page shows the queue).
CREATE TRIGGER task_inputs_notify AFTER INSERT OR UPDATE OF state OR DELETE ON task_inputs FOR EACH ROW EXECUTE FUNCTION taskyard_task_child_changed();
