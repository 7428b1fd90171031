CREATE TABLE "task_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_events_task_idx" ON "task_events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "task_events_occurred_idx" ON "task_events" USING btree ("occurred_at");--> statement-breakpoint
-- Task events, written by the change that causes them, in its transaction (lib/db/schema/task-events.ts).
-- A deleted task has no further events but its deletion.
CREATE FUNCTION taskyard_task_event(p_task_id uuid, p_type text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  event_id bigint;
BEGIN
  INSERT INTO task_events (task_id, owner_id, type)
    SELECT t.id, t.owner_id, p_type FROM tasks t
    WHERE t.id = p_task_id AND (t.deleted_at IS NULL OR p_type = 'task.deleted')
    RETURNING id INTO event_id;
  IF event_id IS NOT NULL THEN
    PERFORM pg_notify('task_events', event_id::text);
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION taskyard_task_row_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM taskyard_task_event(NEW.id, 'task.created');
    RETURN NULL;
  END IF;
  IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
    PERFORM taskyard_task_event(NEW.id, 'task.deleted');
  END IF;
  IF NEW.pull_request IS NOT NULL AND (OLD.pull_request->>'url') IS DISTINCT FROM (NEW.pull_request->>'url') THEN
    PERFORM taskyard_task_event(NEW.id, 'task.pull_request');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_events AFTER INSERT OR UPDATE OF deleted_at, pull_request ON tasks FOR EACH ROW EXECUTE FUNCTION taskyard_task_row_event();
--> statement-breakpoint
-- A build that finishes: a stop is a pause, a start after an earlier start a resume, a failure an error.
CREATE FUNCTION taskyard_build_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_type text;
BEGIN
  IF NEW.job_status = 'succeeded' AND NEW.transition = 'stop' THEN
    event_type := 'task.paused';
  ELSIF NEW.job_status = 'succeeded' AND NEW.transition = 'start' AND EXISTS (
      SELECT 1 FROM workspace_builds b
      WHERE b.workspace_id = NEW.workspace_id AND b.transition = 'start' AND b.build_number < NEW.build_number) THEN
    event_type := 'task.resumed';
  ELSIF NEW.job_status IN ('failed', 'canceled') THEN
    event_type := 'task.error';
  ELSE
    RETURN NULL;
  END IF;
  PERFORM taskyard_task_event(t.id, event_type) FROM tasks t WHERE t.workspace_id = NEW.workspace_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER workspace_builds_events AFTER UPDATE OF job_status ON workspace_builds
  FOR EACH ROW WHEN (OLD.job_status IS DISTINCT FROM NEW.job_status) EXECUTE FUNCTION taskyard_build_event();
--> statement-breakpoint
-- The agent's own word on its state, when it differs from its last word in this workspace.
CREATE FUNCTION taskyard_app_status_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous app_status_state;
BEGIN
  SELECT s.state INTO previous FROM workspace_app_statuses s
    WHERE s.workspace_id = NEW.workspace_id AND s.id <> NEW.id
    ORDER BY s.created_at DESC LIMIT 1;
  IF previous IS NOT DISTINCT FROM NEW.state THEN
    RETURN NULL;
  END IF;
  PERFORM taskyard_task_event(t.id, CASE NEW.state WHEN 'failure' THEN 'task.failed' ELSE 'task.' || NEW.state END)
    FROM tasks t WHERE t.workspace_id = NEW.workspace_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER workspace_app_statuses_events AFTER INSERT ON workspace_app_statuses FOR EACH ROW EXECUTE FUNCTION taskyard_app_status_event();
--> statement-breakpoint
-- An agent that dies (or stops answering its health checks) turns its task to error.
CREATE FUNCTION taskyard_app_health_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM taskyard_task_event(t.id, 'task.error')
    FROM workspace_agents a JOIN tasks t ON t.workspace_id = a.workspace_id
    WHERE a.id = NEW.agent_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER workspace_apps_events AFTER UPDATE OF health ON workspace_apps
  FOR EACH ROW WHEN (NEW.health = 'unhealthy' AND OLD.health IS DISTINCT FROM 'unhealthy') EXECUTE FUNCTION taskyard_app_health_event();
