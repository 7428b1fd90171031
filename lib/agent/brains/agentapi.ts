import { EventSourceParserStream } from "eventsource-parser/stream";
import { createAgentApiClient, type AgentMessage } from "../../agents/agentapi-client";
import type { AgentStatus } from "../conversation";
import { freeLoopbackPort } from "../../ports";
import { codingAgentEnvironment } from "../../sandbox/environment";
import type { RemoteProcess } from "../workspace-channel";
import { INTERRUPT_KEY, readRawInput } from "../../agents/raw-input";
import { INTERRUPTED_STATE, summary } from "./local";
import { knownAgentType, NotStableError, type AgentApiAgentType, type Brain, type BrainOptions, type StatusReport } from "./types";

/**
 * Runs any AgentAPI-speaking command (e.g. `agentapi server --port $PORT -- claude`) and proxies
 * to it, mirroring its messages and status from its `/events` stream.
 */
export class AgentApiBrain implements Brain {
  /** The agent's own type, as its AgentAPI server says it (AgentAPI clients see the agent, not us). */
  agentType: AgentApiAgentType = "custom";
  /** An interrupt was sent while it ran: its next `stable` is the interrupted turn's end. */
  private interrupting = false;
  private stableWaiters: (() => void)[] = [];
  private child?: RemoteProcess;
  private tunnel?: { port: number; close: () => void };
  private client?: ReturnType<typeof createAgentApiClient>;
  private mirror: AgentMessage[] = [];
  private listed?: { from: AgentMessage[]; messages: AgentMessage[] };
  private current: AgentStatus = "running";
  private messageListeners: ((m: AgentMessage) => void)[] = [];
  private statusListeners: ((s: AgentStatus, r: StatusReport) => void)[] = [];
  private abort = new AbortController();

  constructor(private readonly options: BrainOptions) {}

  async start() {
    if (this.options.command.length === 0) throw new Error("the template has no AgentAPI command");
    // The command runs inside the workspace and listens on the workspace's own loopback; the agent reaches it through a tunnel.
    const port = await freeLoopbackPort();
    const argv = this.options.command.map((a) => a.replaceAll("$PORT", String(port)));
    const workspace = this.options.workspace;
    this.child = workspace.spawn({ argv, cwd: workspace.workspaceDir, env: codingAgentEnvironment({ HOME: workspace.workspaceDir, PORT: String(port), ...this.options.codingEnv }) });
    this.child.stdout.pipe(process.stderr);
    this.child.stderr.pipe(process.stderr);
    this.child.stdin.end();
    // In a sandbox the port is the workspace's own (another network); without one it is this host's already.
    if (workspace.sandboxed) this.tunnel = await workspace.forwardPort(port);
    let failure: string | undefined;
    this.child.once("error", (e) => (failure = `cannot run ${argv[0]}: ${e.message}`));
    this.child.once("exit", (code) => (failure ??= `${argv[0]} exited with code ${code}`));
    this.client = createAgentApiClient({ url: `http://127.0.0.1:${port}` });
    for (let i = 0; ; i++) {
      if (failure) throw new Error(failure);
      const status = await this.client.status().catch(() => undefined);
      if (status) {
        this.agentType = knownAgentType(status.agent_type);
        break;
      }
      if (i > 300) throw new Error(`the AgentAPI command did not answer on port ${port} within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    this.child.once("exit", (code) => void this.options.onCrash(`the AgentAPI command exited with code ${code}`));
    this.mirror = await this.client.messages();
    void this.follow(`http://127.0.0.1:${port}/events`);
  }

  private async follow(url: string) {
    const res = await fetch(url, { signal: this.abort.signal });
    const events = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    for await (const event of events) {
      const data = JSON.parse(event.data);
      if (event.event === "message_update") {
        const message: AgentMessage = { id: data.id, role: data.role, content: data.message, time: data.time };
        // Replaced, not changed in place: the agent's `/messages` tags each array as one version.
        const next = [...this.mirror];
        next[message.id] = message;
        this.mirror = next;
        this.messageListeners.forEach((l) => l(message));
      } else if (event.event === "status_change" && data.status !== this.current) {
        this.current = data.status;
        const last = [...this.mirror].reverse().find((m) => m?.role === "agent");
        const interrupted = data.status === "stable" && this.interrupting;
        if (data.status === "stable") this.interrupting = false;
        const report: StatusReport =
          data.status === "running"
            ? { state: "working", message: "Working" }
            : { state: "idle", message: interrupted ? INTERRUPTED_STATE : summary(last?.content ?? "Waiting for input") };
        this.statusListeners.forEach((l) => l(this.current, report));
        if (data.status === "stable") this.stableWaiters.splice(0).forEach((w) => w());
      }
    }
  }

  status() {
    return this.current;
  }

  /** The same array until the mirror changes (the agent's `/messages` ETag follows the array). */
  messages() {
    if (this.listed?.from !== this.mirror) this.listed = { from: this.mirror, messages: this.mirror.filter(Boolean) };
    return this.listed.messages;
  }

  async send(content: string) {
    if (this.current !== "stable") throw new NotStableError();
    await this.client!.send(content);
  }

  /** ESC, as AgentAPI's own Stop sends it, to the agent's terminal; then waits (a while) for it to settle. */
  async interrupt() {
    if (this.current !== "stable") await this.raw(INTERRUPT_KEY);
  }

  /** Keystrokes go to the agent as they are: it has the terminal they mean something to. */
  async raw(content: string) {
    const running = this.current !== "stable";
    const stopping = running && readRawInput(content).kind === "interrupt";
    if (stopping) this.interrupting = true;
    await this.client!.send(content, "raw");
    if (!stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      this.stableWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      if (this.current === "stable") this.stableWaiters.splice(0).forEach((w) => w());
    });
  }

  onMessage(listener: (m: AgentMessage) => void) {
    this.messageListeners.push(listener);
  }

  onStatus(listener: (s: AgentStatus, r: StatusReport) => void) {
    this.statusListeners.push(listener);
  }

  async stop() {
    this.abort.abort();
    this.child?.removeAllListeners("exit");
    this.child?.kill("SIGTERM");
    this.tunnel?.close();
  }
}
