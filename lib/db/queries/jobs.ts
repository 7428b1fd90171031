import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import type { TemplateSandbox } from "../../sandbox/settings";
import type { WorkspaceBuild } from "../schema";

export type ClaimedBuild = {
  id: string;
  workspace_id: string;
  build_number: number;
  transition: WorkspaceBuild["transition"];
  template_version_id: string;
  reason: string;
  /** The server environment variables the template lets its agent see. */
  env: string[];
  /** The template's network and limits for the workspace's sandbox. */
  sandbox: TemplateSandbox | null;
  /** The uid the workspace runs as (its agent: uid + 1). */
  uid: number;
  /** The template's setup script, run before the agent at every start (lib/workspaces/setup-script.ts). */
  setup_script: string | null;
  /** Its time limit as the template gives it (bounded where it is used). */
  setup_timeout_s: unknown;
};

/** Which builds a claim may take: start builds, the others (stop, delete), or either. */
export type ClaimKind = "start" | "other" | "any";

export type ClaimOptions = {
  kind?: ClaimKind;
  perUser?: number;
  /** The claiming provisioner's tags: it gets only builds whose template version requires a subset of them (default none: untagged templates only). */
  tags?: Record<string, string>;
  /** The host it runs agents on (its driver's `host`, as `workspace_agents.host` records it). */
  host?: string;
  /** A provisioner not seen for this long no longer holds its host's builds (default 30 s). */
  staleMs?: number;
};

/**
 * Claims the oldest runnable build: pending, or running under a lease that expired (its provisioner
 * died). Only the earliest unfinished build of a workspace is runnable, so a workspace's builds run
 * strictly in order and never two at once. SKIP LOCKED lets many provisioners claim side by side.
 *
 * Fairness: stop and delete builds come first (a pause or delete is quick and must not queue behind
 * other tasks' starts), and a start build is not claimed while its owner already has `perUser`
 * start builds running under a live lease, so one user's slow or hanging starts cannot take every
 * slot. (Counted without a lock: provisioners claiming at the same instant may each let one more
 * through; the cap is for fairness, not accounting.)
 *
 * Routing: a build goes only to a provisioner whose `tags` include every tag its template version
 * requires (`config.provisioner_tags`, jsonb `<@`). And a workspace that has had an agent is
 * bound to that agent's host (its directory, its running agent are there): its builds — the stop
 * that must reach the live agent, the delete that must remove the directory, the resume that finds
 * them — go only to that host while a provisioner there is alive (seen within `staleMs`) with the
 * required tags; once none is, any matching provisioner may take them (the host is lost).
 */
export async function claimBuild(db: DbOrTx, owner: string, leaseMs: number, options: ClaimOptions = {}): Promise<ClaimedBuild | undefined> {
  const kind = options.kind ?? "any";
  const perUser = options.perUser ?? 2_147_483_647;
  const tags = JSON.stringify(options.tags ?? {});
  const host = options.host ?? null;
  const staleMs = options.staleMs ?? 30_000;
  const rows = await db.execute(sql`
    UPDATE workspace_builds b
    SET job_status = 'running', lease_owner = ${owner},
        lease_expires_at = now() + ${leaseMs} * interval '1 millisecond',
        started_at = coalesce(b.started_at, now()), waiting_for = NULL
    WHERE b.id = (
      SELECT c.id FROM workspace_builds c
      JOIN template_versions ctv ON ctv.id = c.template_version_id
      LEFT JOIN LATERAL (
        SELECT la.host FROM workspace_agents la
        WHERE la.workspace_id = c.workspace_id AND la.host IS NOT NULL
        ORDER BY la.created_at DESC LIMIT 1) agent_host ON true
      WHERE (c.job_status = 'pending' OR (c.job_status = 'running' AND c.lease_expires_at < now()))
        AND (${kind} = 'any' OR (c.transition = 'start') = (${kind} = 'start'))
        AND coalesce(ctv.config->'provisioner_tags', '{}'::jsonb) <@ ${tags}::jsonb
        AND (agent_host.host IS NULL OR agent_host.host = ${host}::text OR NOT EXISTS (
          SELECT 1 FROM provisioners p
          WHERE p.host = agent_host.host AND p.last_seen_at >= now() - ${staleMs} * interval '1 millisecond'
            AND p.tags @> coalesce(ctv.config->'provisioner_tags', '{}'::jsonb)))
        AND NOT EXISTS (
          SELECT 1 FROM workspace_builds e
          WHERE e.workspace_id = c.workspace_id AND e.build_number < c.build_number
            AND e.job_status IN ('pending', 'running'))
        AND (c.transition <> 'start' OR (
          SELECT count(*) FROM workspace_builds r
          JOIN workspaces rw ON rw.id = r.workspace_id
          WHERE rw.owner_id = (SELECT cw.owner_id FROM workspaces cw WHERE cw.id = c.workspace_id)
            AND r.transition = 'start' AND r.job_status = 'running' AND r.lease_expires_at >= now()) < ${perUser})
      ORDER BY c.transition = 'start', c.created_at
      LIMIT 1
      FOR UPDATE OF c SKIP LOCKED)
    RETURNING b.id, b.workspace_id, b.build_number, b.transition, b.template_version_id, b.reason,
      coalesce((SELECT tv.config->'env' FROM template_versions tv WHERE tv.id = b.template_version_id), '[]'::jsonb) AS env,
      (SELECT tv.config->'sandbox' FROM template_versions tv WHERE tv.id = b.template_version_id) AS sandbox,
      (SELECT tv.config->>'setup_script' FROM template_versions tv WHERE tv.id = b.template_version_id) AS setup_script,
      (SELECT tv.config->'setup_timeout_s' FROM template_versions tv WHERE tv.id = b.template_version_id) AS setup_timeout_s,
      (SELECT w.uid FROM workspaces w WHERE w.id = b.workspace_id) AS uid`);
  return (rows as unknown as ClaimedBuild[])[0];
}

/** Extends the lease; false means another provisioner took the build over. */
export async function renewLease(db: DbOrTx, buildId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.execute(sql`
    UPDATE workspace_builds SET lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
    WHERE id = ${buildId} AND lease_owner = ${owner} AND job_status = 'running' RETURNING id`);
  return (rows as unknown as unknown[]).length > 0;
}

export async function finishBuild(db: DbOrTx, buildId: string, owner: string, outcome: { error?: string }): Promise<boolean> {
  const rows = await db.execute(sql`
    UPDATE workspace_builds
    SET job_status = ${outcome.error === undefined ? "succeeded" : "failed"}, job_error = ${outcome.error ?? ""},
        completed_at = now(), lease_owner = NULL, lease_expires_at = NULL
    WHERE id = ${buildId} AND lease_owner = ${owner} AND job_status = 'running' RETURNING id`);
  return (rows as unknown as unknown[]).length > 0;
}

export type LiveAgent = {
  agent_id: string;
  workspace_id: string;
  build_id: string;
  pid: number | null;
  host: string | null;
  lifecycle_state: string;
  api_url: string | null;
  app_health: string | null;
  latest_transition: string;
  latest_job_status: string;
  is_current: boolean;
  task_id: string | null;
};

/**
 * Every agent with a pid on `host` that is not known to be off, with what its workspace should be
 * doing: the reaper and the restart reconciliation both decide from this one list.
 */
export async function selectAgentsOnHost(db: DbOrTx, host: string): Promise<LiveAgent[]> {
  const rows = await db.execute(sql`
    SELECT a.id AS agent_id, a.workspace_id, a.build_id, a.pid, a.host, a.lifecycle_state, a.api_url,
           ap.health AS app_health, lb.transition AS latest_transition, lb.job_status AS latest_job_status,
           (lb.id = a.build_id AND a.id = (
              SELECT a2.id FROM workspace_agents a2 WHERE a2.build_id = a.build_id ORDER BY a2.created_at DESC LIMIT 1)) AS is_current,
           t.id AS task_id
    FROM workspace_agents a
    JOIN LATERAL (SELECT * FROM workspace_builds b WHERE b.workspace_id = a.workspace_id ORDER BY b.build_number DESC LIMIT 1) lb ON true
    LEFT JOIN workspace_apps ap ON ap.agent_id = a.id
    LEFT JOIN tasks t ON t.workspace_id = a.workspace_id AND t.deleted_at IS NULL
    WHERE a.host = ${host} AND a.pid IS NOT NULL AND a.lifecycle_state <> 'off'`);
  return rows as unknown as LiveAgent[];
}

/** Workspaces that should be running (latest build: a succeeded start) and their current agent on `host`. */
export async function selectRunningWorkspaces(db: DbOrTx, host: string) {
  const rows = await db.execute(sql`
    SELECT lb.id AS build_id, lb.workspace_id, lb.template_version_id, ag.id AS agent_id, ag.pid
    FROM workspaces w
    JOIN LATERAL (SELECT * FROM workspace_builds b WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1) lb ON true
    JOIN LATERAL (SELECT * FROM workspace_agents a WHERE a.build_id = lb.id ORDER BY a.created_at DESC LIMIT 1) ag ON true
    WHERE w.deleted_at IS NULL AND lb.transition = 'start' AND lb.job_status = 'succeeded' AND ag.host = ${host}`);
  return rows as unknown as { build_id: string; workspace_id: string; template_version_id: string; agent_id: string; pid: number | null }[];
}
