CREATE TABLE "github_issue_comments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"issue_task_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"task_event_id" bigint,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"comment_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "github_issue_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"repository" text NOT NULL,
	"issue_number" integer NOT NULL,
	"task_id" uuid NOT NULL,
	"delivery_id" text NOT NULL,
	"sender_login" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "git_providers" ADD COLUMN "issue_label" text DEFAULT 'taskyard' NOT NULL;--> statement-breakpoint
ALTER TABLE "git_providers" ADD COLUMN "issue_template_id" uuid;--> statement-breakpoint
ALTER TABLE "github_issue_comments" ADD CONSTRAINT "github_issue_comments_issue_task_id_github_issue_tasks_id_fk" FOREIGN KEY ("issue_task_id") REFERENCES "public"."github_issue_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "github_issue_tasks" ADD CONSTRAINT "github_issue_tasks_provider_id_git_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."git_providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "github_issue_tasks" ADD CONSTRAINT "github_issue_tasks_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "github_issue_comments_pending_idx" ON "github_issue_comments" USING btree ("next_attempt_at","id") WHERE "github_issue_comments"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "github_issue_comments_issue_idx" ON "github_issue_comments" USING btree ("issue_task_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "github_issue_comments_one_failure_idx" ON "github_issue_comments" USING btree ("issue_task_id") WHERE "github_issue_comments"."kind" = 'failed';--> statement-breakpoint
CREATE UNIQUE INDEX "github_issue_tasks_delivery_idx" ON "github_issue_tasks" USING btree ("delivery_id");--> statement-breakpoint
CREATE UNIQUE INDEX "github_issue_tasks_task_idx" ON "github_issue_tasks" USING btree ("task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "github_issue_tasks_live_issue_idx" ON "github_issue_tasks" USING btree ("provider_id",lower("repository"),"issue_number") WHERE "github_issue_tasks"."released_at" IS NULL;--> statement-breakpoint
ALTER TABLE "git_providers" ADD CONSTRAINT "git_providers_issue_template_id_templates_id_fk" FOREIGN KEY ("issue_template_id") REFERENCES "public"."templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- A linked task's events that its issue hears of (lib/db/schema/github-issues.ts), in the event's
-- transaction: its pull request, its first failure; its deletion releases the issue for a new task.
CREATE FUNCTION taskyard_github_issue_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'task.deleted' THEN
    UPDATE github_issue_tasks SET released_at = now() WHERE task_id = NEW.task_id AND released_at IS NULL;
    RETURN NULL;
  END IF;
  INSERT INTO github_issue_comments (issue_task_id, kind, task_event_id)
    SELECT l.id, CASE WHEN NEW.type = 'task.pull_request' THEN 'pull_request' ELSE 'failed' END, NEW.id
    FROM github_issue_tasks l WHERE l.task_id = NEW.task_id AND l.released_at IS NULL
    ON CONFLICT DO NOTHING;
  IF FOUND THEN
    PERFORM pg_notify('github_issue_comments', '');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER task_events_github_issues AFTER INSERT ON task_events FOR EACH ROW
  WHEN (NEW.type IN ('task.pull_request', 'task.failed', 'task.error', 'task.deleted'))
  EXECUTE FUNCTION taskyard_github_issue_event();
