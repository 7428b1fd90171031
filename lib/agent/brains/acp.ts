import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import { env } from "../../env";
import { codingAgentEnvironment } from "../../sandbox/environment";
import { VERSION } from "../../version";
import type { Conversation } from "../conversation";
import { withShippedPrograms } from "../shipped-programs";
import type { RemoteProcess } from "../workspace-channel";
import { AcpTranscript } from "./acp-transcript";
import { permissionOutcome, type PermissionPolicy } from "./acp-permissions";
import { LocalBrain, type Reply, type Responder } from "./local";
import type { BrainOptions } from "./types";

/** How long an agent may take to start: initialize and its session (Claude Code's adapter starts Claude Code then). */
const START_TIMEOUT_MS = 120_000;
/** After a stop is asked for, how long the agent may take to exit by itself (flushing its session) before it is killed. */
const STOP_GRACE_MS = 2000;

/** Where the agent's ACP session id is remembered (in the agent's own state), so a resumed agent loads that session. */
const sessionFile = (dir: string) => path.join(dir, "acp-session.json");

async function savedSessionId(dir: string): Promise<string | undefined> {
  const text = await fs.readFile(sessionFile(dir), "utf8").catch(() => "");
  return text ? (JSON.parse(text) as { session_id?: string }).session_id : undefined;
}

async function saveSessionId(dir: string, sessionId: string) {
  await fs.writeFile(`${sessionFile(dir)}.tmp`, JSON.stringify({ session_id: sessionId }));
  await fs.rename(`${sessionFile(dir)}.tmp`, sessionFile(dir));
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Waits for whatever the connection is still handing to its handlers (see `prompt`). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The turn in progress: where its session updates go. */
type Turn = { transcript: AcpTranscript; changed: () => void; signal: AbortSignal };

/**
 * One ACP agent process, started with the template's command inside the workspace (through its
 * runtime, like Claude Code for the claude-code brain) and spoken to over its stdin and stdout with
 * `@agentclientprotocol/sdk`. It holds one session for the whole life of the task: its id is kept
 * in the agent's state, and a resumed agent takes it up again with `session/load` when the agent
 * can (its `loadSession` capability); one that cannot starts a new session, and the next reply says so.
 */
class AcpAgent {
  private child?: RemoteProcess;
  private connection?: acp.ClientConnection;
  private sessionId?: string;
  private turn?: Turn;
  private stopping = false;
  /** Resolves with why the process ended (its exit and the last of what it said on stderr). */
  private exited?: Promise<string>;
  /** Why the earlier session could not be taken up, until a reply has said so. */
  private lostSession?: string;

  constructor(
    private readonly options: BrainOptions,
    private readonly policy: PermissionPolicy,
  ) {}

  async start() {
    const { command: argv, workspace, codeDir } = this.options;
    if (argv.length === 0) throw new Error("the template has no ACP command");
    const environment = codingAgentEnvironment({
      HOME: workspace.workspaceDir,
      // Claude Code (through its ACP adapter) keeps its sessions here, in the workspace: a resumed agent loads them from there.
      CLAUDE_CONFIG_DIR: path.posix.join(workspace.workspaceDir, ".claude"),
      ...this.options.codingEnv,
      // With the model gateway, the task's model (one of its template's), else the server's default, as the claude-code brain does.
      ...(this.options.codingEnv?.ANTHROPIC_BASE_URL ? { ANTHROPIC_MODEL: this.options.parameters.model || env().ANTHROPIC_MODEL } : {}),
    });
    environment.PATH = withShippedPrograms(environment.PATH);
    const child = (this.child = workspace.spawn({ argv, cwd: codeDir, env: environment }));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-4096)));
    this.exited = new Promise<string>((resolve) => {
      child.once("error", (e: Error) => resolve(`cannot run ${argv[0]}: ${e.message}`));
      child.once("exit", (code: number | null, signal: NodeJS.Signals | null) =>
        // The runtime sends the end of stderr with the exit: let it arrive first.
        setImmediate(() => {
          const said = stderr.trim().split("\n").at(-1)?.trim();
          resolve(`${path.posix.basename(argv[0])} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${said ? ` (${said})` : ""}`);
        }),
      );
    });

    const app = acp
      .client({ name: "taskyard" })
      .onNotification(acp.methods.client.session.update, ({ params }) => this.update(params))
      .onRequest(acp.methods.client.session.requestPermission, ({ params }) => this.permission(params));
    this.connection = app.connect(acp.ndJsonStream(Writable.toWeb(child.stdin), Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>));

    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.openSession(),
        this.exited.then((reason) => Promise.reject(new Error(reason))),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the ACP agent did not start a session within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS))),
      ]);
    } catch (error) {
      // A closed connection says less than how the process ended: wait a moment for that.
      const ended = await Promise.race([this.exited, new Promise<undefined>((r) => setTimeout(r, 1000))]);
      await this.stop();
      throw new Error(ended ?? reasonOf(error));
    } finally {
      clearTimeout(timer);
    }
    void this.exited.then((reason) => this.stopping || this.options.onCrash(`the ACP agent stopped: ${reason}`));
  }

  /** `initialize`, then the earlier session loaded (if there is one and the agent can) or a new one. */
  private async openSession() {
    const agent = this.connection!.agent;
    const cwd = this.options.codeDir;
    // No file system or terminal of ours is offered: the agent works in the workspace itself, in its sandbox.
    const init = await agent.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
      clientInfo: { name: "taskyard", version: VERSION },
    });
    const saved = await savedSessionId(this.options.stateDir);
    if (saved && init.agentCapabilities?.loadSession) {
      try {
        // The agent replays the session as updates meanwhile; no turn runs, so they are not taken (the conversation has them).
        await agent.request(acp.methods.agent.session.load, { sessionId: saved, cwd, mcpServers: [] });
        this.sessionId = saved;
        return;
      } catch (error) {
        this.lostSession = `could not load its earlier session (${reasonOf(error)})`;
      }
    } else if (saved) {
      this.lostSession = "cannot load an earlier session (it does not offer loadSession)";
    }
    const created = await agent.request(acp.methods.agent.session.new, { cwd, mcpServers: [] });
    this.sessionId = created.sessionId;
    await saveSessionId(this.options.stateDir, created.sessionId);
  }

  /** Why the earlier session was lost, once: the first reply after it says so. */
  takeLostSession(): string | undefined {
    const lost = this.lostSession;
    this.lostSession = undefined;
    return lost;
  }

  private update(notification: acp.SessionNotification) {
    const turn = this.turn;
    if (!turn || notification.sessionId !== this.sessionId) return;
    if (turn.transcript.apply(notification.update)) turn.changed();
  }

  private permission(request: acp.RequestPermissionRequest): acp.RequestPermissionResponse {
    const turn = this.turn;
    // A cancelled turn's pending requests are answered "cancelled", as the protocol asks.
    if (turn?.signal.aborted) return { outcome: { outcome: "cancelled" } };
    const outcome = permissionOutcome(request.options, this.policy);
    const chosen = outcome.outcome === "selected" ? request.options.find((o) => o.optionId === outcome.optionId) : undefined;
    if (turn && !chosen?.kind.startsWith("allow")) {
      turn.transcript.note(`Permission refused (the template's permission policy is "${this.policy}"): ${request.toolCall.title ?? request.toolCall.toolCallId}`);
      turn.changed();
    }
    return { outcome };
  }

  /** One prompt turn; the user's interrupt (`signal`) is `session/cancel`, after which the agent ends the turn as cancelled. */
  async prompt(input: string, turn: Turn): Promise<acp.PromptResponse> {
    const agent = this.connection!.agent;
    const sessionId = this.sessionId!;
    const cancel = () => void agent.notify(acp.methods.agent.session.cancel, { sessionId }).catch(() => {});
    this.turn = turn;
    if (turn.signal.aborted) cancel();
    else turn.signal.addEventListener("abort", cancel, { once: true });
    try {
      const response = await agent.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: input }] });
      // Updates are handed to their handler asynchronously, the answer at once: the turn's last
      // updates, sent before its answer, may still be on their way.
      await settle();
      return response;
    } catch (error) {
      // The agent died under the turn: say how, not only that the connection closed.
      const ended = await Promise.race([this.exited!, new Promise<undefined>((r) => setTimeout(r, 500))]);
      throw new Error(ended ? `the ACP agent stopped: ${ended}` : reasonOf(error));
    } finally {
      turn.signal.removeEventListener("abort", cancel);
      // An interrupted turn may answer after the next one has begun (the brain waits only so long).
      if (this.turn === turn) this.turn = undefined;
    }
  }

  async stop() {
    this.stopping = true;
    this.connection?.close();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const gone = await Promise.race([this.exited!.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS))]);
    if (!gone) child.kill("SIGKILL");
  }
}

/** What a turn that did not simply end says at its end (a cancelled one is the interrupt's, which says so itself). */
const STOPPED: Partial<Record<acp.StopReason, string>> = {
  max_tokens: "(Stopped: the agent reached its token limit.)",
  max_turn_requests: "(Stopped: the agent reached its limit of model requests for one turn.)",
  refusal: "(The agent refused to go on.)",
};

function acpResponder(agent: AcpAgent): Responder {
  return async (input, _history, progress, signal): Promise<Reply> => {
    const transcript = new AcpTranscript();
    const show = () => progress(transcript.content(), { step: transcript.step, tools: transcript.tools() });
    const lost = agent.takeLostSession();
    if (lost) {
      transcript.note(`(The agent ${lost}: it started a new session and does not remember the conversation above.)`);
      show();
    }
    const { stopReason } = await agent.prompt(input, { transcript, changed: show, signal });
    const stopped = STOPPED[stopReason];
    if (stopped) transcript.note(stopped);
    const content = transcript.content() || "(no reply)";
    return { content, state: stopReason === "refusal" ? "failure" : "idle", headline: stopped ?? (transcript.headline() || content), tools: transcript.tools() };
  };
}

/** The acp brain: any agent that speaks the Agent Client Protocol, its conversation kept as the local brains keep theirs. */
export class AcpBrain extends LocalBrain {
  private readonly agent: AcpAgent;

  constructor(options: BrainOptions, conversation: Conversation) {
    const agent = new AcpAgent(options, options.permissionPolicy ?? "allow");
    super("custom", conversation, acpResponder(agent));
    this.agent = agent;
  }

  async start() {
    await this.agent.start();
  }

  async stop() {
    await super.stop();
    await this.agent.stop();
  }
}
