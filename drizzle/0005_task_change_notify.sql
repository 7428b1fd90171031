-- Every write that can change what a task looks like through the API (its row, its workspace's
-- builds, agents, app health and statuses, its snapshots and usage) tells listeners which task and
-- whose: NOTIFY task_changes '{"t":"<task id>","o":"<owner id>"}'. Sent at commit; one per task
-- per transaction (PostgreSQL folds identical payloads). A build's lease renewals change nothing visible and stay quiet.
CREATE FUNCTION taskyard_notify_task(task_id uuid, owner_id uuid) RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('task_changes', json_build_object('t', task_id, 'o', owner_id)::text)
  WHERE task_id IS NOT NULL;
$$;
--> statement-breakpoint
CREATE FUNCTION taskyard_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
  PERFORM taskyard_notify_task(r.id, r.owner_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION taskyard_task_child_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
  PERFORM taskyard_notify_task(t.id, t.owner_id) FROM tasks t WHERE t.id = r.task_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION taskyard_workspace_child_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
  PERFORM taskyard_notify_task(t.id, t.owner_id) FROM tasks t WHERE t.workspace_id = r.workspace_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION taskyard_app_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
  PERFORM taskyard_notify_task(t.id, t.owner_id)
    FROM workspace_agents a JOIN tasks t ON t.workspace_id = a.workspace_id
    WHERE a.id = r.agent_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tasks_notify AFTER INSERT OR UPDATE OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION taskyard_task_changed();
--> statement-breakpoint
CREATE TRIGGER task_snapshots_notify AFTER INSERT OR UPDATE OR DELETE ON task_snapshots FOR EACH ROW EXECUTE FUNCTION taskyard_task_child_changed();
--> statement-breakpoint
CREATE TRIGGER task_change_snapshots_notify AFTER INSERT OR UPDATE OR DELETE ON task_change_snapshots FOR EACH ROW EXECUTE FUNCTION taskyard_task_child_changed();
--> statement-breakpoint
CREATE TRIGGER workspace_builds_notify AFTER INSERT OR UPDATE OF job_status ON workspace_builds FOR EACH ROW EXECUTE FUNCTION taskyard_workspace_child_changed();
--> statement-breakpoint
CREATE TRIGGER workspace_agents_notify AFTER INSERT OR UPDATE ON workspace_agents FOR EACH ROW EXECUTE FUNCTION taskyard_workspace_child_changed();
--> statement-breakpoint
CREATE TRIGGER workspace_app_statuses_notify AFTER INSERT ON workspace_app_statuses FOR EACH ROW EXECUTE FUNCTION taskyard_workspace_child_changed();
--> statement-breakpoint
CREATE TRIGGER workspace_apps_notify AFTER INSERT OR UPDATE ON workspace_apps FOR EACH ROW EXECUTE FUNCTION taskyard_app_changed();
