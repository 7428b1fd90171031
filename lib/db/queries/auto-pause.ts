import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { AUTO_PAUSE_PARAMETER, AUTO_PAUSE_REASON, DEFAULT_AUTO_PAUSE_SECONDS } from "../../tasks/auto-pause";
import { BUILDS_CHANNEL } from "./workspaces";

/** A task the sweep paused: its stop build, and the idle time that made it. */
export type IdlePause = { task_id: string; workspace_id: string; build_id: string; idle_seconds: number };

/** A setting as stored (text, from a task, a preset or an admin's template config) that the sweep may cast without failing. */
const WHOLE_SECONDS = "^[0-9]{1,8}$";

/**
 * Queues a stop build (reason `autostop`, with the idle time) for every task idle past its
 * `auto_pause_after_idle`, in ONE statement, and wakes the provisioners. Idle means: running (its
 * latest build a succeeded start, its agent ready, its app healthy), its agent's latest word in this
 * lifetime `idle` or `complete` (waiting for input), no input still on its way, and nothing since
 * for that long — no status from the agent, no turn the server handed it (a send, a delivered
 * input), no input queued. The setting: the task's parameter, else its preset's, else its
 * template's config, else 30 min; 0 is off.
 *
 * Exactly once, however many provisioners sweep at once: each candidate workspace is locked (SKIP
 * LOCKED: a pause, resume or another sweep holding it is left to them), and the stop build takes the
 * build number after the latest one this statement saw. A statement whose snapshot predates a build
 * another transaction committed in the meantime (another sweep's stop, a person's resume) computes
 * a number that now exists: the unique (workspace, build number) index turns that insert into
 * nothing, so a stale view never queues a second build.
 */
export async function pauseIdleTasks(db: DbOrTx, options: { defaultSeconds?: number; limit?: number } = {}): Promise<IdlePause[]> {
  const defaultSeconds = options.defaultSeconds ?? DEFAULT_AUTO_PAUSE_SECONDS;
  const setting = (params: SQL) => sql`
    (SELECT (e->>'value')::int FROM jsonb_array_elements(${params}) e
     WHERE e->>'name' = ${AUTO_PAUSE_PARAMETER} AND e->>'value' ~ ${WHOLE_SECONDS} LIMIT 1)`;
  const rows = await db.execute(sql`
    WITH due AS (
      SELECT w.id AS workspace_id, t.id AS task_id, t.template_version_id, lb.build_number, s.seconds
      FROM workspaces w
      JOIN tasks t ON t.workspace_id = w.id AND t.deleted_at IS NULL
      JOIN template_versions tv ON tv.id = t.template_version_id
      LEFT JOIN template_version_presets p ON p.id = t.template_version_preset_id
      CROSS JOIN LATERAL (SELECT coalesce(
        ${setting(sql`t.parameters`)},
        ${setting(sql`coalesce(p.parameters, '[]'::jsonb)`)},
        CASE WHEN tv.config->>${AUTO_PAUSE_PARAMETER} ~ ${WHOLE_SECONDS} THEN (tv.config->>${AUTO_PAUSE_PARAMETER})::int END,
        ${defaultSeconds}::int) AS seconds) s
      JOIN LATERAL (
        SELECT b.id, b.build_number, b.transition, b.job_status, b.created_at FROM workspace_builds b
        WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb
        ON lb.transition = 'start' AND lb.job_status = 'succeeded'
      JOIN LATERAL (
        SELECT a.id, a.lifecycle_state, a.turn_started_at FROM workspace_agents a
        WHERE a.build_id = lb.id ORDER BY a.created_at DESC LIMIT 1) ag ON ag.lifecycle_state = 'ready'
      JOIN LATERAL (
        SELECT ap.health FROM workspace_apps ap WHERE ap.agent_id = ag.id ORDER BY ap.slug LIMIT 1) app
        ON app.health IN ('healthy', 'disabled')
      JOIN LATERAL (
        SELECT st.state, st.created_at FROM workspace_app_statuses st
        WHERE st.workspace_id = w.id AND st.created_at >= lb.created_at
        ORDER BY st.created_at DESC LIMIT 1) st ON st.state IN ('idle', 'complete')
      LEFT JOIN LATERAL (
        SELECT max(greatest(i.created_at, i.claimed_at, i.delivered_at)) AS at, bool_or(i.state <> 'delivered') AS pending
        FROM task_inputs i WHERE i.task_id = t.id) inp ON true
      WHERE w.deleted_at IS NULL AND s.seconds > 0 AND inp.pending IS NOT TRUE
        AND greatest(st.created_at, ag.turn_started_at, inp.at) < now() - make_interval(secs => s.seconds)
      LIMIT ${options.limit ?? 100}
      FOR UPDATE OF w SKIP LOCKED
    ), paused AS (
      INSERT INTO workspace_builds (workspace_id, build_number, transition, reason, template_version_id, idle_seconds)
      SELECT workspace_id, build_number + 1, 'stop', ${AUTO_PAUSE_REASON}, template_version_id, seconds FROM due
      ON CONFLICT (workspace_id, build_number) DO NOTHING
      RETURNING id, workspace_id, idle_seconds
    )
    SELECT due.task_id, paused.workspace_id, paused.id AS build_id, paused.idle_seconds, pg_notify(${BUILDS_CHANNEL}, paused.id::text)
    FROM paused JOIN due ON due.workspace_id = paused.workspace_id`);
  return (rows as unknown as (IdlePause & { pg_notify: unknown })[]).map(({ task_id, workspace_id, build_id, idle_seconds }) => ({ task_id, workspace_id, build_id, idle_seconds }));
}
