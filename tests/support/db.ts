import postgres from "postgres";
import { afterAll, inject } from "vitest";

export type Sql = postgres.Sql;

let client: Sql | undefined;

/** The test run's database, for arranging states the (not yet existing) runtime would produce and for checking what is stored. */
export function testSql(): Sql {
  if (!client) {
    client = postgres(inject("databaseUrl"), { max: 3, onnotice: () => {} });
    const opened = client;
    afterAll(async () => {
      await opened.end({ timeout: 5 });
      if (client === opened) client = undefined;
    });
  }
  return client;
}

export type JobStatus = "pending" | "running" | "succeeded" | "failed" | "canceling" | "canceled";
export type Transition = "start" | "stop" | "delete";
export type Lifecycle =
  | "created"
  | "starting"
  | "start_timeout"
  | "start_error"
  | "ready"
  | "shutting_down"
  | "shutdown_timeout"
  | "shutdown_error"
  | "off";
export type AppHealth = "disabled" | "initializing" | "healthy" | "unhealthy";

/** Plays the provisioner and the agent for one task: builds, agents, apps and app statuses, written straight to the tables. */
export class TaskFixture {
  constructor(
    readonly sql: Sql,
    readonly taskId: string,
    readonly workspaceId: string,
    readonly templateVersionId: string,
  ) {}

  static async of(sql: Sql, taskId: string): Promise<TaskFixture> {
    const [row] = await sql`SELECT workspace_id, template_version_id FROM tasks WHERE id = ${taskId}`;
    if (!row?.workspace_id) throw new Error(`task ${taskId} has no workspace`);
    return new TaskFixture(sql, taskId, row.workspace_id, row.template_version_id);
  }

  async builds() {
    return this.sql<{ id: string; build_number: number; transition: Transition; job_status: JobStatus; created_at: Date }[]>`
      SELECT id, build_number, transition, job_status, created_at FROM workspace_builds
      WHERE workspace_id = ${this.workspaceId} ORDER BY build_number`;
  }

  async latestBuild() {
    const all = await this.builds();
    return all[all.length - 1];
  }

  /** Sets the job status of the latest build (the one the API queued). */
  async setLatestJob(jobStatus: JobStatus, error = "") {
    const latest = await this.latestBuild();
    await this.sql`UPDATE workspace_builds SET job_status = ${jobStatus}, job_error = ${error} WHERE id = ${latest.id}`;
    return latest;
  }

  /** Appends a build as the provisioner would see it; `createdAt` defaults to now. */
  async addBuild(transition: Transition, jobStatus: JobStatus, createdAt?: Date) {
    const [row] = await this.sql<{ id: string; build_number: number; created_at: Date }[]>`
      INSERT INTO workspace_builds (workspace_id, build_number, transition, template_version_id, job_status, created_at)
      VALUES (${this.workspaceId},
              (SELECT coalesce(max(build_number), 0) + 1 FROM workspace_builds WHERE workspace_id = ${this.workspaceId}),
              ${transition}, ${this.templateVersionId}, ${jobStatus}, ${createdAt ?? new Date()})
      RETURNING id, build_number, created_at`;
    return row;
  }

  async addAgent(buildId: string, lifecycle: Lifecycle, apiUrl: string | null = null, apiSecret: string | null = null) {
    const [row] = await this.sql<{ id: string }[]>`
      INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, lifecycle_state, api_url, api_secret)
      VALUES (${this.workspaceId}, ${buildId}, ${"test-" + Math.random().toString(16).slice(2)}, ${lifecycle}, ${apiUrl}, ${apiSecret})
      RETURNING id`;
    return row.id;
  }

  async addApp(agentId: string, health: AppHealth, slug = "agent") {
    const [row] = await this.sql<{ id: string }[]>`
      INSERT INTO workspace_apps (agent_id, slug, display_name, health) VALUES (${agentId}, ${slug}, ${"Agent"}, ${health})
      RETURNING id`;
    return row.id;
  }

  async addStatus(agentId: string, appId: string, state: "working" | "idle" | "complete" | "failure", message: string, createdAt: Date, uri = "") {
    await this.sql`
      INSERT INTO workspace_app_statuses (workspace_id, agent_id, app_id, state, message, uri, created_at)
      VALUES (${this.workspaceId}, ${agentId}, ${appId}, ${state}, ${message}, ${uri}, ${createdAt})`;
  }

  /** The first start build succeeded, its agent is `lifecycle` and its app `health`: the usual "running" arrangement. */
  async running(options: { lifecycle?: Lifecycle; health?: AppHealth | null; apiUrl?: string | null; apiSecret?: string | null } = {}) {
    const build = await this.setLatestJob("succeeded");
    const agentId = await this.addAgent(build.id, options.lifecycle ?? "ready", options.apiUrl ?? null, options.apiSecret ?? null);
    const health = options.health === undefined ? "healthy" : options.health;
    const appId = health ? await this.addApp(agentId, health) : null;
    return { buildId: build.id, agentId, appId };
  }

  async setSnapshot(messages: { id: number; content: string; role: "user" | "agent"; time: string }[], capturedAt = new Date()) {
    await this.sql`
      INSERT INTO task_snapshots (task_id, messages, captured_at) VALUES (${this.taskId}, ${this.sql.json(messages)}, ${capturedAt})
      ON CONFLICT (task_id) DO UPDATE SET messages = excluded.messages, captured_at = excluded.captured_at`;
  }
}
