import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { agentEnv } from "../agent-env";
import { gatewayKeyOf } from "../auth/tokens";
import { MODEL_GATEWAY_PATH } from "../sandbox/environment";
import { serveAgentApi } from "./agentapi-server";
import { echoResponder } from "./brains/echo";
import { LocalBrain } from "./brains/local";
import type { Brain, BrainOptions, StatusReport } from "./brains/types";
import { firstLine, summary } from "./brains/local";
import { Conversation } from "./conversation";
import { commitAttributionEnv } from "./commit-attribution";
import { createControlPlaneClient, type Manifest } from "./control-plane";
import { gatewayRelay, type WorkspaceChannel } from "./workspace-channel";
import { uploadWorkSnapshot } from "./work-snapshot";

const HEARTBEAT_MS = agentEnv().TASKYARD_AGENT_HEARTBEAT_MS;

export type AgentOptions = {
  serverUrl: string;
  token: string;
  /** The agent's own directory (conversation, prompt, session id): never the workspace, which the model can write. */
  stateDir: string;
  /** The workspace, reached only through its runtime. */
  workspace: WorkspaceChannel;
  /** Disk the workspace may take; past it its processes are stopped and the task says why. */
  diskLimitBytes?: number;
  /** The workspace is from an earlier version, which kept the agent's state in it. */
  adoptWorkspaceState?: boolean;
  /** The coding agent's Anthropic API is the server's model gateway, with this agent's own key. */
  modelGateway?: boolean;
  /**
   * Serve AgentAPI on this address (an agent on another host) over TLS with a certificate made at
   * this start, registered for the server to pin; loopback or absent: plain HTTP on 127.0.0.1.
   */
  listen?: string;
  /** The CA (PEM) the server's https certificate is checked against; the system's CAs without it. */
  serverCa?: string;
};

const LOOPBACK_ADDRESS = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/i;

/** The AgentAPI listener's TLS: only for an address beyond loopback, where the traffic leaves this host. */
async function listenerFor(address: string | undefined) {
  if (!address || LOOPBACK_ADDRESS.test(address)) return undefined;
  const bare = address.replace(/^\[|\]$/g, "");
  // Loaded only here: an agent on the server's own host never pays for the X.509 library.
  const { createAgentCertificate } = await import("./agent-certificate");
  return { address: bare, ...(await createAgentCertificate(bare)) };
}

const MiB = 1024 * 1024;

/**
 * Watches the workspace's disk use. Past the limit, every process in the workspace is stopped (the
 * turn with them) and, once the brain has settled, the task's state says why and what to do; the
 * next input is taken as usual (to free space), and is watched the same way.
 */
function watchDisk(input: { workspace: WorkspaceChannel; limitBytes: number; everyMs: number; brain: Brain; report: (message: string) => void }) {
  let over = false;
  let checking = false;
  const timer = setInterval(async () => {
    if (checking) return;
    checking = true;
    try {
      const used = await input.workspace.diskUsage();
      const wasOver = over;
      over = used > input.limitBytes;
      if (!over || wasOver) return;
      await input.workspace.stopAll();
      for (let i = 0; i < 100 && input.brain.status() !== "stable"; i++) await new Promise((r) => setTimeout(r, 50));
      input.report(`The workspace uses ${Math.ceil(used / MiB)} MiB of disk, over its limit of ${Math.floor(input.limitBytes / MiB)} MiB: its processes were stopped. Free space, then send again.`);
    } catch {
      // The runtime is going away: its own watcher says so.
    } finally {
      checking = false;
    }
  }, input.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The agent as its commits name it: the coding agent, not our brain's name for it. */
function agentName(manifest: Manifest): string {
  if (manifest.brain === "claude-code") return "claude";
  if (manifest.brain === "agentapi" || manifest.brain === "acp") return path.posix.basename(manifest.command[0] ?? "") || manifest.brain;
  return manifest.brain;
}

async function createBrain(manifest: Manifest, options: BrainOptions): Promise<Brain> {
  const conversation = () => Conversation.load(options.stateDir);
  switch (manifest.brain) {
    // Loaded on demand: Claude Code's SDK and the SSE parser cost an echo agent's start time.
    case "agentapi": {
      const { AgentApiBrain } = await import("./brains/agentapi");
      return new AgentApiBrain(options);
    }
    case "acp": {
      const { AcpBrain } = await import("./brains/acp");
      return new AcpBrain(options, await conversation());
    }
    case "claude-code": {
      const { claudeCodeResponder } = await import("./brains/claude-code");
      return new LocalBrain("claude", await conversation(), claudeCodeResponder(options));
    }
    default:
      return new LocalBrain("custom", await conversation(), echoResponder(options));
  }
}

/**
 * Workspaces from before the agent had a state dir of its own kept the conversation, the prompt
 * and the Claude Code session id in the workspace: read them once, through the runtime (as the
 * workspace's user), into the state dir.
 */
async function adoptOlderState(workspace: WorkspaceChannel, stateDir: string) {
  const files = { "conversation.json": "conversation.json", "prompt.txt": "prompt.txt", ".taskyard/claude-session.json": "claude-session.json" };
  if (await fs.stat(path.join(stateDir, "conversation.json")).then(() => true, () => false)) return;
  for (const [inWorkspace, inState] of Object.entries(files)) {
    const text = await workspace.readFile(path.posix.join(workspace.workspaceDir, inWorkspace));
    if (text) await fs.writeFile(path.join(stateDir, inState), text);
  }
}

/**
 * What the coding agent (and everything in the workspace) sees of the model: the server's gateway,
 * and a key good for it alone. A server over https is reached through this agent's relay (the
 * workspace's forwarded address, lib/agent/workspace-channel.ts `gatewayRelay`), which adds the TLS.
 */
function modelGatewayEnv(options: AgentOptions): Record<string, string> {
  const relay = options.workspace.sandboxed ? gatewayRelay(options.serverUrl, options.serverCa) : undefined;
  const base = relay ? `http://${relay.authority}` : options.serverUrl;
  return { ANTHROPIC_BASE_URL: `${base}${MODEL_GATEWAY_PATH}`, ANTHROPIC_API_KEY: gatewayKeyOf(options.token) };
}

/** The task's status as the agent last reported it, kept beside the conversation so a restart or a resume says it again. */
const statusFile = (dir: string) => path.join(dir, "status.json");

/**
 * What a resumed agent says: the last status it reported (a turn cut short by the stop is over
 * now: idle, its last step kept), else the first line of the conversation's last reply (an agent
 * from before the status was kept), else that it waits.
 */
async function resumedStatus(dir: string, messages: { role: string; content: string }[]): Promise<StatusReport> {
  const kept = await fs
    .readFile(statusFile(dir), "utf8")
    .then((text) => JSON.parse(text) as StatusReport)
    .catch(() => undefined);
  if (kept?.message) return { state: kept.state === "working" ? "idle" : kept.state, message: kept.message };
  const last = messages.findLast((m) => m.role === "agent");
  return { state: "idle", message: last ? summary(firstLine(last.content)) : "Waiting for input" };
}

/** The prompt last handed to the brain, kept beside the conversation so a resume sends only an edit. */
async function deliveredPrompt(dir: string): Promise<string | null> {
  return fs.readFile(path.join(dir, "prompt.txt"), "utf8").catch(() => null);
}

/**
 * `taskyard agent`: reports lifecycle, serves AgentAPI on a port it registers (loopback, or TLS on
 * the address it is told to listen on), hands the
 * prompt to its brain, mirrors every message to the server as a snapshot, and shuts down on SIGTERM.
 */
export async function runAgent(options: AgentOptions): Promise<void> {
  const server = createControlPlaneClient(options.serverUrl, options.token, { ca: options.serverCa });
  await server.lifecycle("starting");
  const manifest = await server.manifest();
  const slug = manifest.app_slug;
  await fs.mkdir(options.stateDir, { recursive: true });
  const workspace = options.workspace;

  // The brain needs `crash` and `crash` needs the brain: the first is created before the second exists.
  const holder: { brain?: Brain } = {};
  // Reports go out one at a time, in order: a late "working" must never land after its "idle".
  let outbox: Promise<unknown> = Promise.resolve();
  const enqueue = (report: () => Promise<unknown>) => (outbox = outbox.then(report).catch(() => {}));
  // Every status said is also kept (last one wins), for a restart or a resume to say again.
  const reportStatus = (report: StatusReport) =>
    void enqueue(async () => {
      await fs.writeFile(statusFile(options.stateDir), JSON.stringify(report)).catch(() => {});
      await server.appStatus(slug, report.state, report.message);
    });
  const uploadSnapshot = () => enqueue(async () => manifest.task_id && holder.brain && server.snapshot(manifest.task_id, holder.brain.messages()));
  const crash = async (reason: string): Promise<never> => {
    await uploadSnapshot();
    process.stderr.write(`taskyard agent: ${reason}\n`);
    process.exit(3);
  };

  // The runtime gone (killed with its sandbox, say) leaves the agent nothing to work with.
  let stopping = false;
  workspace.onClose(() => stopping || void crash("the workspace runtime has stopped"));
  if (options.adoptWorkspaceState) await adoptOlderState(workspace, options.stateDir);
  const repoDir = path.posix.join(workspace.workspaceDir, "repo");
  const hasRepo = manifest.repo_base_commit !== null;
  const brain = (holder.brain = await createBrain(manifest, {
    workspace,
    stateDir: options.stateDir,
    codeDir: hasRepo ? repoDir : workspace.workspaceDir,
    parameters: manifest.parameters,
    command: manifest.command,
    permissionPolicy: manifest.permission_policy,
    mcpServers: manifest.mcp_servers ?? {},
    codingEnv: { ...commitAttributionEnv(agentName(manifest)), ...(options.modelGateway ? modelGatewayEnv(options) : {}) },
    onCrash: crash,
  }));
  await server.appHealth(slug, "initializing");
  // Until the agent is up with its prompt delivered, a failure (a brain that cannot start, a full
  // disk) is said in the task's state before the agent leaves: "exited with code 1" alone helps
  // nobody, and on a full disk its log cannot say it either.
  let api: Awaited<ReturnType<typeof serveAgentApi>>;
  let pending: NodeJS.Timeout | undefined;
  try {
    await brain.start();

    // Mirror the conversation to the server as it grows (coalesced), so a crash loses nothing.
    brain.onMessage(() => {
      pending ??= setTimeout(() => {
        pending = undefined;
        void uploadSnapshot();
      }, 25);
    });
    brain.onStatus((_status, report) => reportStatus(report));
    brain.onReport?.(reportStatus);
    // After each turn, on a queue of their own (the next turn's status must not wait behind them):
    // the tool calls behind its reply, which a paused task's conversation opens to; and what the
    // repository looks like now (the list's +N −M, and Changes if the agent dies).
    let afterTurn: Promise<unknown> = Promise.resolve();
    const taskId = manifest.task_id;
    const base = manifest.repo_base_commit;
    if (taskId) {
      brain.onStatus((status) => {
        if (status !== "stable") return;
        afterTurn = afterTurn
          .then(async () => {
            const reply = brain.messages().findLast((m) => m.role === "agent");
            const calls = reply && (await brain.toolCalls?.(reply.id));
            if (reply && calls?.length) await server.toolCalls(taskId, reply.id, calls);
          })
          .catch(() => {})
          .then(async () => {
            if (hasRepo && base) await server.changes(taskId, await workspace.changes(repoDir, base));
          })
          .catch(() => {});
        // And the work itself, for a host that takes over if this one is lost (README "What survives a lost host").
        afterTurn = afterTurn.then(() => uploadWorkSnapshot({ server, manifest, brain, stateDir: options.stateDir, workspace, repoDir: hasRepo ? repoDir : null }));
      });
    }
    brain.onUsage?.((usage) => void enqueue(() => server.usage({ turn_id: randomUUID(), ...usage })));

    const listen = await listenerFor(options.listen);
    api = await serveAgentApi(brain, { secret: manifest.api_secret, workspace, repoDir: hasRepo ? repoDir : undefined, listen });
    await server.connection(api.url, listen?.cert);
    await server.appHealth(slug, "healthy");
    await server.lifecycle("ready");
    if (options.diskLimitBytes) {
      watchDisk({
        workspace,
        limitBytes: options.diskLimitBytes,
        everyMs: Math.max(1000, HEARTBEAT_MS * 5),
        brain,
        report: (message) => reportStatus({ state: "failure", message }),
      });
    }

    const previous = await deliveredPrompt(options.stateDir);
    if (manifest.prompt && manifest.prompt !== previous) {
      await fs.writeFile(path.join(options.stateDir, "prompt.txt"), manifest.prompt);
      await brain.send(manifest.prompt);
    } else {
      const report = await resumedStatus(options.stateDir, brain.messages());
      await enqueue(() => server.appStatus(slug, report.state, report.message));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await outbox;
    // In this order: the task turns `error` only with the last report, when its state says why.
    await server.appStatus(slug, "failure", `The agent could not start: ${reason}`.slice(0, 150)).catch(() => {});
    await server.appHealth(slug, "unhealthy").catch(() => {});
    await server.lifecycle("start_error").catch(() => {});
    throw error;
  }

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.lifecycle("shutting_down").catch(() => {});
    clearTimeout(pending);
    await uploadSnapshot();
    await brain.stop();
    await api.close();
    workspace.close();
    await server.lifecycle("off").catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());

  // A heartbeat: an agent whose state directory is gone (its workspace was removed), or whose token
  // the server no longer accepts (the provisioner replaced it), has nothing left to do and must not linger.
  const heartbeat = setInterval(async () => {
    // Inside the sandbox the directory is a bind mount that outlives its removal: a removed directory has no links left.
    const dirGone = await fs.stat(options.stateDir).then((st) => st.nlink === 0, () => true);
    const revoked = await server.manifest().then(() => false, (e: Error) => / 401 /.test(e.message));
    if (dirGone || revoked) {
      clearInterval(heartbeat);
      process.stderr.write(`taskyard agent: ${dirGone ? "workspace directory removed" : "token revoked"}; exiting\n`);
      await brain.stop().catch(() => {});
      process.exit(0);
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
}
