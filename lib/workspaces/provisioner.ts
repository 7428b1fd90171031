import { randomBytes } from "node:crypto";
import os from "node:os";
import { createAgentApiClient, type AgentEndpoint } from "../agents/agentapi-client";
import type { Db } from "../db/client";
import type { ClaimedBuild, ClaimKind } from "../db/queries/jobs";
import { describeDatabaseError, isDatabaseUnreachable } from "../db/health";
import { pauseIdleTasks } from "../db/queries/auto-pause";
import { logger } from "../logger";
import type { WorkspaceDriver } from "./driver";
import type { ProvisionerStore } from "./provisioner-store";
import { ProvisionerKeyRefused, ServerUnreachable } from "../provisioners/remote-store";
import { runSetupScript, SetupInterrupted, SetupScriptFailed } from "./setup-script";
import { restoreLostWorkspace } from "../work-snapshots/restore";

export type ProvisionerOptions = {
  /** Where builds come from and results go: the database, or the server's provisioner API (lib/workspaces/provisioner-store.ts). */
  store: (holder: string) => ProvisionerStore;
  driver: WorkspaceDriver;
  /** The database, for the server-side sweeps only the built-in provisioner runs (idle auto-pause); none for a remote one. */
  db?: Db;
  leaseMs?: number;
  agentConnectTimeoutMs?: number;
  pollMs?: number;
  /**
   * How many start builds this provisioner carries out at once (each claimed and leased on its
   * own); stop and delete builds have as many slots again of their own.
   */
  concurrency?: number;
  /** Start builds one user may have running at once, across provisioners. */
  buildsPerUser?: number;
  /** Called once the server refuses this provisioner's key (revoked): it has stopped claiming, and stopped its agents. */
  onRefused?: (error: Error) => void;
  /** How long a remote claim waits on the server for a build before asking again. */
  claimWaitMs?: number;
  /** How often it looks for tasks idle past their `auto_pause_after_idle` (lib/db/queries/auto-pause.ts); 0: never. */
  autoPauseSweepMs?: number;
};

/**
 * Claims builds from PostgreSQL and carries them out with a driver, up to `concurrency` at once.
 * Safe to run many of: claims use SKIP LOCKED, each claim holds a lease renewed while it runs, and
 * an expired lease (a crashed provisioner) lets another one take the build over and redo it —
 * every step is idempotent. The claim never hands out a workspace's build while an earlier one of
 * the same workspace is unfinished, so builds in parallel are always of different workspaces.
 */
export class Provisioner {
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private readonly leaseMs: number;
  private readonly connectTimeoutMs: number;
  private readonly pollMs: number;
  readonly concurrency: number;
  private readonly buildsPerUser: number;
  private running = false;
  /** Set by whatever may have made a build claimable (a NOTIFY, a build finishing) while the loop was busy claiming. */
  private nudged = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private reaper?: NodeJS.Timeout;
  private idleSweep?: NodeJS.Timeout;
  private idleSweeping = false;
  private unlisten?: () => Promise<void>;
  private readonly log = logger.child({ component: "provisioner" });
  /** What went out of reach (said once when it goes, once when it is back), if anything. */
  private storeLost?: "database" | "server";
  /** Agents that builds in hand are waiting on to report in. */
  private readonly awaited = new Set<string>();
  private lifecycleRound?: Promise<Map<string, string>>;
  /** Aborted by `stop`: a setup script in hand ends then instead of holding the shutdown up to its time limit. */
  private stopping = new AbortController();
  /** The agents this provisioner knows run on its host (its own starts and the reaper's last list): what a revoked key's daemon stops without asking. */
  private readonly known = new Map<string, { pid: number | null; workspaceId: string }>();
  private refused = false;

  private readonly store: ProvisionerStore;

  constructor(private readonly options: ProvisionerOptions) {
    this.store = options.store(this.id);
    this.leaseMs = options.leaseMs ?? 10_000;
    this.connectTimeoutMs = options.agentConnectTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.buildsPerUser = Math.max(1, options.buildsPerUser ?? this.concurrency);
  }

  private get driver() {
    return this.options.driver;
  }

  async start(): Promise<void> {
    this.running = true;
    this.stopping = new AbortController();
    this.unlisten = await this.store.listen?.(() => this.nudge());
    await this.reconcile();
    this.loop = this.work();
    this.reaper = setInterval(() => void this.reap().then(() => this.databaseAnswered(), (err) => this.trouble(err, "reaper failed")), 1000);
    const sweepMs = this.options.autoPauseSweepMs ?? 5000;
    if (sweepMs > 0 && this.options.db) this.idleSweep = setInterval(() => void this.pauseIdle(), sweepMs);
    this.log.info({ id: this.id }, "provisioner started");
  }

  /** Stops claiming, lets the builds in hand finish, and (optionally) stops the agents it runs. */
  async stop({ stopAgents = true } = {}): Promise<void> {
    this.running = false;
    this.stopping.abort();
    clearInterval(this.reaper);
    clearInterval(this.idleSweep);
    this.nudge();
    await this.loop;
    await this.unlisten?.().catch(() => {});
    if (stopAgents) {
      // The server (or database) out of reach must not keep this host's agents running: then the ones it knows.
      const agents = await this.store
        .agentsOnHost(this.driver.host)
        .then((list) => list.map((a) => ({ agentId: a.agent_id, pid: a.pid, workspaceId: a.workspace_id })))
        .catch(() => [...this.known].map(([agentId, a]) => ({ agentId, ...a })));
      await Promise.all(agents.map((a) => this.driver.stop(a)));
    }
  }

  private nudge() {
    this.nudged = true;
    this.wake?.();
  }

  /**
   * One claim loop; the builds it claims run beside it. Start builds and the others (stop, delete)
   * have `concurrency` slots each, so a pause or a delete never waits for a start slot: starts that
   * hang (a clone of a server that never answers) hold only start slots, and only as many as
   * `buildsPerUser` of one owner's.
   */
  private async work(): Promise<void> {
    const inHand = { start: new Set<Promise<void>>(), other: new Set<Promise<void>>() };
    while (this.running) {
      const startsFull = inHand.start.size >= this.concurrency;
      const othersFull = inHand.other.size >= this.concurrency;
      if (startsFull && othersFull) {
        await Promise.race([...inHand.start, ...inHand.other]);
        continue;
      }
      const kind: ClaimKind = startsFull ? "other" : othersFull ? "start" : "any";
      this.nudged = false;
      let build: ClaimedBuild | undefined;
      let answered = false;
      try {
        build = await this.store.claim({ kind, perUser: this.buildsPerUser, leaseMs: this.leaseMs, waitMs: this.options.claimWaitMs ?? 0 });
        answered = true;
        this.databaseAnswered();
      } catch (err) {
        this.trouble(err, "claiming a build failed");
      }
      if (build) {
        const slots = build.transition === "start" ? inHand.start : inHand.other;
        // A finished build may make the next build of its workspace (or its owner's next start) claimable.
        const running: Promise<void> = this.run(build).finally(() => {
          slots.delete(running);
          this.nudge();
        });
        slots.add(running);
        continue;
      }
      // A remote claim that was answered has waited on the server already; one that failed waits here before asking again.
      if (this.nudged || (!this.store.listen && answered && this.running)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
    await Promise.all([...inHand.start, ...inHand.other]);
  }

  /** Logs a failed loop step; a lost database (or server) once when it goes and once when it is back, never per retry. */
  private trouble(error: unknown, what: string) {
    if (error instanceof ProvisionerKeyRefused) return void this.refuse(error);
    const store = error instanceof ServerUnreachable ? "server" : isDatabaseUnreachable(error) ? "database" : undefined;
    if (!store) return this.log.error(describeDatabaseError(error), what);
    if (this.storeLost) return;
    this.storeLost = store;
    this.log.error(describeDatabaseError(error), `the ${store} is unreachable; builds wait until it is back`);
  }

  /**
   * The server no longer takes this provisioner's key (an owner deleted it): nothing it runs may go
   * on. It claims nothing more and stops every agent it knows of on its host, without asking the
   * server (which would refuse again).
   */
  private async refuse(error: ProvisionerKeyRefused): Promise<void> {
    if (this.refused) return;
    this.refused = true;
    this.log.error({ message: error.message }, "the server refused this provisioner's key; stopping its agents");
    this.running = false;
    this.stopping.abort();
    clearInterval(this.reaper);
    clearInterval(this.idleSweep);
    this.nudge();
    await Promise.all([...this.known].map(([agentId, a]) => this.driver.stop({ agentId, pid: a.pid, workspaceId: a.workspaceId })));
    this.known.clear();
    this.options.onRefused?.(error);
  }

  private databaseAnswered() {
    if (!this.storeLost) return;
    this.log.info(`the ${this.storeLost} is reachable again; claiming builds`);
    this.storeLost = undefined;
  }

  private async run(build: ClaimedBuild): Promise<void> {
    const log = this.log.child({ build: build.id, workspace: build.workspace_id, transition: build.transition });
    let lost = false;
    const renew = setInterval(async () => {
      if (!(await this.store.renew(build.id, this.leaseMs).catch(() => true))) lost = true;
    }, Math.max(100, Math.floor(this.leaseMs / 3)));
    const started = Date.now();
    try {
      if (build.transition === "start") await this.startWorkspace(build);
      else await this.stopWorkspace(build, { remove: build.transition === "delete" });
      if (lost || !(await this.store.finish(build.id, {}))) log.warn("lease lost; another provisioner owns this build now");
      else log.info({ ms: Date.now() - started }, "build succeeded");
    } catch (error) {
      if (error instanceof SetupInterrupted) return log.info("setup script interrupted by the shutdown; the build is redone once its lease expires");
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ err: error instanceof SetupScriptFailed ? error.summary : message }, "build failed");
      await this.store.finish(build.id, { error: message }).catch((err) => this.trouble(err, "recording the failure failed"));
    } finally {
      clearInterval(renew);
    }
  }

  private async startWorkspace(build: ClaimedBuild): Promise<void> {
    // A retried build, a resume after a crash or an old lifetime may have left an agent behind.
    const previous = await this.store.currentAgent(build.workspace_id);
    if (previous) {
      // On a host that is gone (its workspace starts again here) there is nothing of it to stop.
      if (previous.host === this.driver.host) await this.driver.stop({ agentId: previous.id, pid: previous.pid, workspaceId: build.workspace_id });
      // Revokes its token too: an agent we could not find (a provisioner died before recording
      // its pid) learns it is done at its next heartbeat and exits.
      await this.store.agentOff(previous.id);
    }

    // A workspace this host lacks (its host was lost) is rebuilt from its last work snapshot first (lib/work-snapshots/restore.ts).
    await restoreLostWorkspace({
      driver: this.driver,
      workspaceId: build.workspace_id,
      uid: build.uid,
      loadPlan: () => this.store.restorePlan(build.workspace_id),
    });
    await this.checkoutRepository(build.workspace_id, build.uid);
    // At every start, resume included: the environment is set up whatever happened to it meanwhile (README "Setup script").
    const variables = await this.store.templateVariables(build.id);
    if (build.setup_script?.trim()) await runSetupScript({ log: this.store, driver: this.driver, build, variables, script: build.setup_script, timeoutS: build.setup_timeout_s, stopping: this.stopping.signal });
    const { agentId, token } = await this.store.createAgent(build.id, this.driver.host);
    const { pid, host } = await this.driver.start({ workspaceId: build.workspace_id, agentId, agentToken: token, env: build.env, values: variables.values, uid: build.uid, sandbox: build.sandbox });
    this.known.set(agentId, { pid, workspaceId: build.workspace_id });
    await this.store.agentStarted(agentId, { pid, host });
    this.watchExit(agentId, build.workspace_id);
    await this.waitForConnection(agentId, pid, build.workspace_id);
  }

  /**
   * A task with a `repo_url` gets its checkout at the first start, one without an empty repository
   * (no remote: `url` ""), so every task has Changes; later starts find it in place. A workspace
   * that ran before it got one (an earlier version's) is left as it is.
   */
  private async checkoutRepository(workspaceId: string, uid: number): Promise<void> {
    const plan = await this.store.checkoutPlan(workspaceId);
    if (plan.kind === "none") return;
    if (plan.kind === "init") {
      const created = await this.driver.initRepository({ workspaceId, uid, branch: plan.branch, identity: plan.identity });
      return this.store.recordCheckout(workspaceId, { url: "", ...created });
    }
    const checkout = await this.driver.checkout({ workspaceId, uid, url: plan.url, credential: plan.credential, baseRef: plan.baseRef, branch: plan.branch, identity: plan.identity });
    await this.store.recordCheckout(workspaceId, { url: plan.url, ...checkout });
  }

  /**
   * The awaited agents' lifecycle states, 20 ms from now: every build waiting joins the same query,
   * so polling costs one query per round however many builds are in hand.
   */
  private nextLifecycles(): Promise<Map<string, string>> {
    this.lifecycleRound ??= new Promise((r) => setTimeout(r, 20)).then(() => {
      this.lifecycleRound = undefined;
      return this.store.lifecycles([...this.awaited]);
    });
    return this.lifecycleRound;
  }

  /** The build succeeds once the agent has reported in; an agent that never does fails it. */
  private async waitForConnection(agentId: string, pid: number, workspaceId: string): Promise<void> {
    const deadline = Date.now() + this.connectTimeoutMs;
    let exit: string | undefined;
    void this.driver.exited(agentId)?.then((e) => (exit = e));
    this.awaited.add(agentId);
    try {
      while (Date.now() < deadline) {
        const state = (await this.nextLifecycles()).get(agentId);
        if (state && state !== "created") return;
        if (exit || !this.driver.isAlive({ agentId, pid })) throw new Error(`The agent process ${exit ?? "exited"} before it connected (see its log in the data dir's logs/).`);
      }
    } finally {
      this.awaited.delete(agentId);
    }
    // Off first: its exit is ours, not a crash for the exit watcher to report.
    await this.store.agentOff(agentId);
    await this.driver.stop({ agentId, pid, workspaceId });
    throw new Error(`The agent did not connect within ${Math.round(this.connectTimeoutMs / 1000)} s.`);
  }

  private async stopWorkspace(build: ClaimedBuild, { remove }: { remove: boolean }): Promise<void> {
    const agent = await this.store.currentAgent(build.workspace_id);
    if (agent) {
      // An agent on a host that is gone has nothing left to snapshot or stop; it is only retired.
      if (agent.host === this.driver.host) {
        if (!remove && agent.apiUrl) await this.snapshotFromAgent(build.workspace_id, { url: agent.apiUrl, secret: agent.apiSecret, certificate: agent.apiCertificate });
        await this.driver.stop({ agentId: agent.id, pid: agent.pid, workspaceId: build.workspace_id });
        this.known.delete(agent.id);
      }
      await this.store.agentOff(agent.id);
    }
    if (remove) {
      await this.driver.remove({ workspaceId: build.workspace_id });
      await this.store.workspaceRemoved(build.workspace_id);
    }
  }

  /**
   * Pause keeps the conversation and the repository's changes: read both from the agent before it
   * stops (the agent also uploads its own as it goes); a paused task's logs and Changes come from these.
   */
  private async snapshotFromAgent(workspaceId: string, endpoint: AgentEndpoint): Promise<void> {
    const plan = await this.store.snapshotPlan(workspaceId);
    if (!plan) return;
    const agent = createAgentApiClient(endpoint);
    const messages = (await agent.messages(2000).catch(() => null)) ?? undefined;
    const changes = plan.baseCommit
      ? await agent
          .changes(plan.baseCommit, 10_000)
          .catch((err) => void this.log.warn({ err: err instanceof Error ? err.message : err, workspace: workspaceId }, "could not read the changes before pausing"))
      : undefined;
    await this.store.storeSnapshot(workspaceId, { messages, changes: changes ?? undefined });
  }

  /** A spawned agent that exits while its workspace should run has crashed: the task shows error. */
  private watchExit(agentId: string, workspaceId: string) {
    void this.driver
      .exited(agentId)
      ?.then((how) => (this.running ? this.markCrashed(agentId, workspaceId, how) : undefined))
      .catch((err) => this.trouble(err, "recording an agent crash failed"));
  }

  private async markCrashed(agentId: string, workspaceId: string, how: string): Promise<void> {
    if (await this.store.markCrashed(agentId, workspaceId, how)) this.log.warn({ agent: agentId, how }, "agent crashed");
  }

  /**
   * Idle auto-pause: queues the stop builds of tasks idle past their setting, in one statement that
   * every provisioner may run at once (exactly one stop per task; see pauseIdleTasks). The builds
   * are then claimed like a person's pause, so the snapshot is taken as for any pause.
   */
  private async pauseIdle(): Promise<void> {
    if (!this.running || this.idleSweeping || !this.options.db) return;
    this.idleSweeping = true;
    try {
      for (const p of await pauseIdleTasks(this.options.db!)) this.log.info({ task: p.task_id, workspace: p.workspace_id, build: p.build_id, idle_seconds: p.idle_seconds }, "pausing an idle task");
      this.databaseAnswered();
    } catch (err) {
      this.trouble(err, "the idle auto-pause sweep failed");
    } finally {
      this.idleSweeping = false;
    }
  }

  /** Catches agents that died while no provisioner was watching them (e.g. `kill -9` across a restart). */
  private async reap(): Promise<void> {
    if (!this.running) return;
    const agents = await this.store.agentsOnHost(this.driver.host);
    for (const a of agents) this.known.set(a.agent_id, { pid: a.pid, workspaceId: a.workspace_id });
    for (const a of agents) {
      if (a.is_current && a.latest_transition === "start" && a.latest_job_status === "succeeded" && a.app_health !== "unhealthy") {
        // One this driver started is reported by its exit watcher, with its last words: the reaper would only race it.
        if (this.driver.exited(a.agent_id)) continue;
        if (!this.driver.isAlive({ agentId: a.agent_id, pid: a.pid })) await this.markCrashed(a.agent_id, a.workspace_id, "is no longer running");
      }
    }
  }

  /**
   * After a restart: agents whose workspace should no longer run are stopped; workspaces that
   * should run but whose agent is gone get a fresh start build (the conversation is in the directory).
   */
  private async reconcile(): Promise<void> {
    for (const a of await this.store.agentsOnHost(this.driver.host)) {
      const shouldRun = a.is_current && a.latest_transition === "start" && a.latest_job_status !== "failed";
      if (!shouldRun && this.driver.isAlive({ agentId: a.agent_id, pid: a.pid })) {
        this.log.info({ agent: a.agent_id }, "stopping an orphaned agent");
        await this.driver.stop({ agentId: a.agent_id, pid: a.pid, workspaceId: a.workspace_id });
        await this.store.agentOff(a.agent_id);
      }
    }
    for (const w of await this.store.runningWorkspaces(this.driver.host)) {
      if (this.driver.isAlive({ agentId: w.agent_id, pid: w.pid })) continue;
      await this.store.restartWorkspace(w);
      this.log.info({ workspace: w.workspace_id }, "restarting a workspace whose agent is gone");
    }
  }
}
