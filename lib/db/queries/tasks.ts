import "server-only";
import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { taskChangeSnapshots, taskSnapshots, taskToolCalls, tasks, type AgentLifecycle, type SnapshotMessage, type TaskPullRequest, type TemplateConfig, type WorkspaceRepo } from "../schema";
import { isUuid } from "../../validation/common";
import { CURRENT_SNAPSHOT } from "../snapshot-cache";
import { BUILDS_CHANNEL } from "./workspaces";
import type { TaskStatus } from "../../validation/tasks";
import type { RepoChanges, ToolCall } from "../../agents/agentapi-client";
import type { BudgetLimit } from "../../gateway/budgets";


/** One task with everything its API object and status need, as the single query below returns it. */
export type TaskRow = {
  id: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  owner_avatar_url: string;
  name: string;
  display_name: string;
  prompt: string;
  template_id: string;
  template_version_id: string;
  template_version_preset_id: string | null;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  workspace_id: string | null;
  workspace_name: string | null;
  build_id: string | null;
  build_number: number | null;
  build_transition: "start" | "stop" | "delete" | null;
  job_status: "pending" | "running" | "succeeded" | "failed" | "canceling" | "canceled" | null;
  job_error: string | null;
  build_created_at: Date | null;
  /** Why the latest build was queued: `initiator`, `autostart`, `autostop` (idle auto-pause). */
  build_reason: string | null;
  /** An `autostop` build's idle time. */
  build_idle_seconds: number | null;
  start_build_created_at: Date | null;
  /** A pending start no live provisioner can take: the tags it requires (lib/provisioners/waiting.ts). */
  waiting_for: Record<string, string> | null;
  agent_id: string | null;
  agent_lifecycle: AgentLifecycle | null;
  agent_api_url: string | null;
  /** Never leaves the server: it is what the agent's port demands. */
  agent_api_secret: string | null;
  /** The certificate an agent on another host registered: the only one the server trusts for it. */
  agent_api_certificate: string | null;
  app_id: string | null;
  app_health: string | null;
  state: "working" | "idle" | "complete" | "failure" | null;
  state_message: string | null;
  state_uri: string | null;
  state_at: Date | null;
  rich_parameter_values: { name: string; value: string }[];
  /** The checkout at the first start; null without a repository. */
  repo: WorkspaceRepo | null;
  /** Whether a start build of the workspace ever succeeded: its agent has had the prompt. */
  has_started: boolean;
  /** From the latest change snapshot: what the list shows. */
  changed_files: number | null;
  additions: number | null;
  deletions: number | null;
  /** What the last push left on the remote branch; null before the first. */
  pushed_commit: string | null;
  pull_request: TaskPullRequest | null;
  pull_request_checked_at: Date | null;
  /** The budget limit that stopped the task's model calls, if one did (lib/gateway/budgets.ts). */
  stopped_by: BudgetLimit | null;
  /** Its template's model budget, if it has one. */
  template_budget: TemplateConfig["budget"] | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** numeric comes back as a string: exact, converted once in the serializer. */
  cost_usd: string;
  created_at: Date;
  updated_at: Date;
  status: TaskStatus;
  total_count: number;
  /** The snapshot the row was read under: what lib/db/snapshot-cache.ts keeps an answer by. */
  snapshot: string;
};

export type TaskFilter = {
  /** Restricts to one owner: a member's own tasks, or `owner:` in `q`. */
  ownerId?: string;
  organizationId?: string;
  status?: TaskStatus;
  /** `current_state.state`; the stored app state says `failure` where the API says `failed`. */
  state?: "working" | "idle" | "complete" | "failed";
  search?: string;
  id?: string;
  /** Case-insensitive name match; only meaningful with ownerId. */
  name?: string;
  limit?: number;
  offset?: number;
  /** Deleted tasks too (a webhook still describes the task its `task.deleted` event is about). */
  includeDeleted?: boolean;
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Tasks with their derived status, in ONE round trip. The status decision table of api.md lives
 * here and only here, shared by list and get. Latest build, latest start build (the current
 * lifetime), its agent, app and newest app status come from indexed LATERAL lookups.
 */
export async function selectTasks(db: DbOrTx, filter: TaskFilter): Promise<TaskRow[]> {
  const where: SQL[] = [filter.includeDeleted ? sql`true` : sql`t.deleted_at IS NULL`];
  if (filter.ownerId) where.push(sql`t.owner_id = ${filter.ownerId}`);
  if (filter.organizationId) where.push(sql`t.organization_id = ${filter.organizationId}`);
  if (filter.id) where.push(sql`t.id = ${filter.id}`);
  if (filter.name) where.push(sql`lower(t.name) = lower(${filter.name})`);
  if (filter.search) {
    const pattern = `%${escapeLike(filter.search)}%`;
    where.push(sql`(t.name ILIKE ${pattern} OR t.display_name ILIKE ${pattern} OR t.prompt ILIKE ${pattern})`);
  }
  const conditions = sql.join(where, sql` AND `);
  // status and state are derived: they can only filter the derived rows.
  const derived: SQL[] = [];
  if (filter.status) derived.push(sql`x.status = ${filter.status}`);
  if (filter.state) derived.push(sql`x.state = ${filter.state === "failed" ? "failure" : filter.state}`);
  // Parameters, not text: every page size and offset shares one prepared statement per connection
  // (its generic plan is as good as a custom one here; see createDb).
  const page = filter.limit ? sql`LIMIT ${filter.limit} OFFSET ${filter.offset ?? 0}` : sql``;
  // Without a status/state filter the page is cut from `tasks` first, so only its rows pay for the
  // status lookups; with one, every matching row needs its status before it can be counted.
  const source = derived.length
    ? sql`(SELECT * FROM tasks t WHERE ${conditions}) t`
    : sql`(SELECT * FROM tasks t WHERE ${conditions} ORDER BY t.created_at DESC, t.id DESC ${page}) t`;
  const outer = derived.length
    ? sql`SELECT x.*, count(*) OVER ()::int AS total_count, (SELECT ${CURRENT_SNAPSHOT}) AS snapshot FROM inner_rows x WHERE ${sql.join(derived, sql` AND `)} ORDER BY x.created_at DESC, x.id DESC ${page}`
    : sql`SELECT x.*, (SELECT count(*) FROM tasks t WHERE ${conditions})::int AS total_count, (SELECT ${CURRENT_SNAPSHOT}) AS snapshot FROM inner_rows x ORDER BY x.created_at DESC, x.id DESC`;

  const result = await db.execute(sql`
    WITH inner_rows AS (
      SELECT
        t.id, t.organization_id, t.owner_id, u.username AS owner_name, u.avatar_url AS owner_avatar_url,
        t.name, t.display_name, t.prompt, t.template_version_id, t.template_version_preset_id,
        tpl.id AS template_id, tpl.name AS template_name, tpl.display_name AS template_display_name,
        tpl.icon AS template_icon, t.workspace_id, w.name AS workspace_name,
        b.id AS build_id, b.build_number, b.transition AS build_transition, b.job_status, b.job_error,
        b.created_at AS build_created_at, b.reason AS build_reason, b.idle_seconds AS build_idle_seconds, ls.created_at AS start_build_created_at, b.waiting_for,
        a.id AS agent_id, a.lifecycle_state AS agent_lifecycle, a.api_url AS agent_api_url, a.api_secret AS agent_api_secret, a.api_certificate AS agent_api_certificate,
        app.id AS app_id, app.health AS app_health,
        st.state, st.message AS state_message, st.uri AS state_uri, st.created_at AS state_at,
        t.input_tokens::float8 AS input_tokens, t.output_tokens::float8 AS output_tokens,
        t.cache_read_input_tokens::float8 AS cache_read_input_tokens, t.cache_creation_input_tokens::float8 AS cache_creation_input_tokens,
        t.cost_usd, t.parameters AS rich_parameter_values, w.repo,
        EXISTS (SELECT 1 FROM workspace_builds sb WHERE sb.workspace_id = t.workspace_id AND sb.transition = 'start' AND sb.job_status = 'succeeded') AS has_started,
        cs.file_count AS changed_files, cs.additions, cs.deletions, t.created_at, t.updated_at,
        t.pushed_commit, t.pull_request, t.pull_request_checked_at, t.stopped_by, tv.config->'budget' AS template_budget,
        CASE
          WHEN t.workspace_id IS NULL OR b.id IS NULL THEN 'pending'
          WHEN b.job_status IN ('failed', 'canceling', 'canceled') THEN 'error'
          WHEN b.transition <> 'start' AND b.job_status = 'succeeded' THEN 'paused'
          WHEN b.transition = 'start' AND b.job_status = 'pending' THEN 'pending'
          WHEN b.transition <> 'start' THEN 'unknown'
          WHEN a.id IS NULL OR a.lifecycle_state IN ('created', 'starting') THEN 'initializing'
          WHEN a.lifecycle_state IN ('shutting_down', 'shutdown_timeout', 'shutdown_error', 'off') THEN 'unknown'
          WHEN app.health = 'initializing' THEN 'initializing'
          WHEN app.health = 'unhealthy' THEN 'error'
          WHEN app.health IN ('healthy', 'disabled') THEN 'active'
          ELSE 'unknown'
        END AS status
      FROM ${source}
      JOIN users u ON u.id = t.owner_id
      JOIN template_versions tv ON tv.id = t.template_version_id
      JOIN templates tpl ON tpl.id = tv.template_id
      -- LIMIT 1 keeps this a lookup by primary key per row of the page: as a plain join the
      -- planner hashed the whole workspaces table for a page of 100 (1 ms at 10k tasks, growing).
      LEFT JOIN LATERAL (SELECT ws.name, ws.repo FROM workspaces ws WHERE ws.id = t.workspace_id LIMIT 1) w ON true
      LEFT JOIN task_change_snapshots cs ON cs.task_id = t.id
      LEFT JOIN LATERAL (
        SELECT * FROM workspace_builds wb WHERE wb.workspace_id = t.workspace_id
        ORDER BY wb.build_number DESC LIMIT 1) b ON true
      LEFT JOIN LATERAL (
        SELECT wb.id, wb.created_at FROM workspace_builds wb
        WHERE wb.workspace_id = t.workspace_id AND wb.transition = 'start'
        ORDER BY wb.build_number DESC LIMIT 1) ls ON true
      LEFT JOIN LATERAL (
        SELECT * FROM workspace_agents ag WHERE ag.build_id = ls.id
        ORDER BY ag.created_at DESC LIMIT 1) a ON true
      LEFT JOIN LATERAL (
        SELECT * FROM workspace_apps ap WHERE ap.agent_id = a.id ORDER BY ap.slug LIMIT 1) app ON true
      LEFT JOIN LATERAL (
        SELECT * FROM workspace_app_statuses s
        WHERE s.workspace_id = t.workspace_id AND s.created_at >= ls.created_at
        ORDER BY s.created_at DESC LIMIT 1) st ON true
    )
    ${outer}
  `);
  return result as unknown as TaskRow[];
}

/**
 * One statement: the task, its workspace and the workspace's first start build — unless the
 * template version (or preset) does not exist or the owner already has `maxLiveTasks` tasks — and
 * the provisioners' wake-up, which PostgreSQL delivers when the transaction commits. Nothing
 * comes back when it inserted nothing.
 */
export async function insertTaskWithWorkspace(
  db: DbOrTx,
  v: {
    ownerId: string;
    initiatorId: string;
    name: string;
    displayName: string;
    prompt: string;
    templateVersionId: string;
    presetId?: string;
    parameters: { name: string; value: string }[];
    maxLiveTasks: number;
  },
): Promise<{ task_id: string; build_id: string } | undefined> {
  const preset = v.presetId ?? null;
  const rows = await db.execute(sql`
    WITH tv AS (
      SELECT ver.id, ver.template_id FROM template_versions ver
      WHERE ver.id = ${v.templateVersionId}
        AND (${preset}::uuid IS NULL OR EXISTS (
          SELECT 1 FROM template_version_presets p WHERE p.id = ${preset}::uuid AND p.template_version_id = ver.id))
        AND (SELECT count(*) FROM tasks WHERE owner_id = ${v.ownerId} AND deleted_at IS NULL) < ${v.maxLiveTasks}
    ), org AS (
      SELECT id FROM organizations WHERE is_default LIMIT 1
    ), w AS (
      INSERT INTO workspaces (organization_id, owner_id, template_id, name)
      SELECT org.id, ${v.ownerId}, tv.template_id, ${v.name} FROM tv, org
      RETURNING id, organization_id
    ), t AS (
      INSERT INTO tasks (organization_id, owner_id, name, display_name, prompt, template_version_id, template_version_preset_id, workspace_id, parameters)
      SELECT w.organization_id, ${v.ownerId}, ${v.name}, ${v.displayName}, ${v.prompt}, ${v.templateVersionId}, ${preset}::uuid, w.id,
             ${JSON.stringify(v.parameters)}::jsonb FROM w
      RETURNING id
    ), b AS (
      INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, initiator_id)
      SELECT w.id, 1, 'start', ${v.templateVersionId}, ${v.initiatorId} FROM w
      RETURNING id
    )
    SELECT t.id AS task_id, b.id AS build_id, pg_notify(${BUILDS_CHANNEL}, b.id::text) FROM t, b`);
  return (rows as unknown as { task_id: string; build_id: string }[])[0];
}

/** What a creation checks before it names the task (which may ask a model): the version, and how many tasks the owner has. */
export async function creationContext(db: DbOrTx, ownerId: string, templateVersionId: string) {
  const version = isUuid(templateVersionId) ? templateVersionId : null;
  const [row] = await db.execute<{ config: TemplateConfig | null; archived: boolean | null; live_tasks: number }>(sql`
    SELECT (SELECT config FROM template_versions WHERE id = ${version}::uuid) AS config,
           (SELECT t.archived_at IS NOT NULL FROM template_versions v JOIN templates t ON t.id = v.template_id WHERE v.id = ${version}::uuid) AS archived,
           (SELECT count(*)::int FROM tasks WHERE owner_id = ${ownerId} AND deleted_at IS NULL) AS live_tasks`);
  return { config: row.config, archived: row.archived === true, liveTasks: row.live_tasks };
}

export async function updateTaskPrompt(db: DbOrTx, id: string, prompt: string) {
  await db.update(tasks).set({ prompt, updatedAt: new Date() }).where(and(eq(tasks.id, id), isNull(tasks.deletedAt)));
}

export async function updateTaskParameters(db: DbOrTx, id: string, parameters: { name: string; value: string }[]) {
  await db.update(tasks).set({ parameters, updatedAt: new Date() }).where(and(eq(tasks.id, id), isNull(tasks.deletedAt)));
}

/** Returns false when the task was already deleted (someone else got there first). */
export async function softDeleteTask(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db
    .update(tasks)
    .set({ deletedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(tasks.id, id), isNull(tasks.deletedAt)))
    .returning({ id: tasks.id });
  return rows.length > 0;
}

export async function selectSnapshot(db: DbOrTx, taskId: string) {
  const [row] = await db.select().from(taskSnapshots).where(eq(taskSnapshots.taskId, taskId));
  return row;
}

export async function upsertSnapshot(db: DbOrTx, taskId: string, messages: SnapshotMessage[]) {
  const capturedAt = new Date();
  await db
    .insert(taskSnapshots)
    .values({ taskId, messages, capturedAt })
    .onConflictDoUpdate({ target: taskSnapshots.taskId, set: { messages, capturedAt } });
}

export async function deleteSnapshot(db: DbOrTx, taskId: string) {
  await db.delete(taskSnapshots).where(eq(taskSnapshots.taskId, taskId));
}

/** The legacy prompts endpoint: build id → the prompt of the task whose workspace the build belongs to. */
export async function selectPromptsByBuildIds(db: DbOrTx, buildIds: string[], ownerId?: string) {
  const result = await db.execute(sql`
    SELECT wb.id AS build_id, t.prompt FROM workspace_builds wb
    JOIN tasks t ON t.workspace_id = wb.workspace_id AND t.deleted_at IS NULL
    WHERE wb.id IN (${sql.join(buildIds.map((id) => sql`${id}::uuid`), sql`, `)})
    ${ownerId ? sql`AND t.owner_id = ${ownerId}` : sql``}`);
  return result as unknown as { build_id: string; prompt: string }[];
}

/** The live (not deleted) task that owns a workspace. */
export type UsageReport = {
  turn_id: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number;
};

/**
 * Records one turn's usage as its agent reports it, once per turn id (a repeated report changes
 * nothing). It adds to the task's totals only for a task whose calls the model gateway never
 * metered (a template without it): otherwise the gateway's account is the task's, and the report
 * is kept as a cross-check.
 */
export async function addTurnUsage(db: DbOrTx, taskId: string, u: UsageReport) {
  await db.execute(sql`
    WITH turn AS (
      INSERT INTO task_usage_turns (task_id, turn_id, input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens, cost_usd)
      VALUES (${taskId}, ${u.turn_id}, ${u.input_tokens}, ${u.output_tokens}, ${u.cache_read_input_tokens}, ${u.cache_creation_input_tokens}, ${u.cost_usd})
      ON CONFLICT DO NOTHING
      RETURNING task_id)
    UPDATE tasks t SET
      input_tokens = t.input_tokens + ${u.input_tokens},
      output_tokens = t.output_tokens + ${u.output_tokens},
      cache_read_input_tokens = t.cache_read_input_tokens + ${u.cache_read_input_tokens},
      cache_creation_input_tokens = t.cache_creation_input_tokens + ${u.cache_creation_input_tokens},
      cost_usd = t.cost_usd + ${u.cost_usd}
    FROM turn WHERE t.id = turn.task_id AND NOT EXISTS (SELECT 1 FROM model_calls m WHERE m.task_id = t.id)`);
}

/** Keeps the tool calls behind one message (a later upload for the same message, as its turn grows, replaces them). */
export async function upsertToolCalls(db: DbOrTx, taskId: string, messageId: number, calls: ToolCall[]) {
  await db
    .insert(taskToolCalls)
    .values({ taskId, messageId, calls })
    .onConflictDoUpdate({ target: [taskToolCalls.taskId, taskToolCalls.messageId], set: { calls, capturedAt: sql`now()` } });
}

/** The tool calls kept for one message, or none. */
export async function selectToolCalls(db: DbOrTx, taskId: string, messageId: number): Promise<ToolCall[]> {
  const [row] = await db.select({ calls: taskToolCalls.calls }).from(taskToolCalls).where(and(eq(taskToolCalls.taskId, taskId), eq(taskToolCalls.messageId, messageId)));
  return row?.calls ?? [];
}

export async function upsertChangeSnapshot(db: DbOrTx, taskId: string, changes: RepoChanges) {
  const summary = {
    fileCount: changes.files.length,
    additions: changes.files.reduce((n, f) => n + f.additions, 0),
    deletions: changes.files.reduce((n, f) => n + f.deletions, 0),
  };
  await db
    .insert(taskChangeSnapshots)
    .values({ taskId, changes, ...summary })
    .onConflictDoUpdate({ target: taskChangeSnapshots.taskId, set: { changes, ...summary, capturedAt: sql`now()` } });
}

export async function selectChangeSnapshot(db: DbOrTx, taskId: string) {
  const [row] = await db.select().from(taskChangeSnapshots).where(eq(taskChangeSnapshots.taskId, taskId));
  return row;
}
