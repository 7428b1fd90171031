import type { AgentMessage, ToolCall } from "../../agents/agentapi-client";
import { Conversation, type AgentStatus } from "../conversation";
import { NotStableError, type AgentApiAgentType, type Brain, type StatusReport } from "./types";

/** What one turn used of a model, as agents report it (zeros for agents that use none). */
export type TurnUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number;
};

/**
 * A turn's outcome. `headline` is its final answer, whose first line the task's status shows (the
 * whole reply, tool lines and all, otherwise); `tools` the structured calls behind its tool lines.
 */
export type Reply = { content: string; state: "idle" | "complete" | "failure"; usage?: TurnUsage; headline?: string; tools?: ToolCall[] };
/** What a turn has made so far: `step` is what it is doing now (its latest tool call or text), for the task's status. */
export type Progress = { step?: string; tools?: ToolCall[] };
/**
 * Thinks of the reply to `input`; `progress` shows the reply so far while it is being made.
 * `signal` aborts when the user interrupts the turn: a responder stops what it runs and answers soon.
 */
export type Responder = (input: string, history: AgentMessage[], progress: (partial: string, more?: Progress) => void, signal: AbortSignal) => Promise<Reply>;

/** The last line of a reply its turn was interrupted in: what it said so far stays above it. */
export const INTERRUPTED_NOTE = "(Interrupted)";
/** The state message of an agent whose turn was interrupted. */
export const INTERRUPTED_STATE = "Interrupted";
/** How long an interrupted responder may take to stop by itself before its turn ends without it. */
const INTERRUPT_GRACE_MS = 1000;
/** A turn's step is said at most this often (a looping turn makes hundreds): the latest one wins. */
const STEP_REPORT_MS = 250;

/** A brain that thinks in this process (echo, claude): a responder plus the persisted conversation. */
export class LocalBrain implements Brain {
  private lastReport: StatusReport = { state: "idle", message: "Waiting for input" };
  private statusListeners: ((status: AgentStatus, report: StatusReport) => void)[] = [];
  private usageListeners: ((usage: TurnUsage) => void)[] = [];
  private reportListeners: ((report: StatusReport) => void)[] = [];
  /** An input is being saved: the agent takes no other meanwhile. */
  private taking = false;
  /** The running turn: how to stop it, and when it has ended. */
  private turn?: { abort: AbortController; ended: Promise<void> };

  constructor(
    readonly agentType: AgentApiAgentType,
    private readonly conversation: Conversation,
    private readonly respond: Responder,
  ) {
    conversation.on("status", (status) => this.statusListeners.forEach((l) => l(status, this.lastReport)));
  }

  async start() {}

  status() {
    return this.conversation.status;
  }

  messages() {
    return this.conversation.all();
  }

  onMessage(listener: (message: AgentMessage) => void) {
    this.conversation.on("message", listener);
  }

  onStatus(listener: (status: AgentStatus, report: StatusReport) => void) {
    this.statusListeners.push(listener);
  }

  /**
   * All or nothing: the input is taken only once it is saved. One that cannot be saved (a full
   * disk) leaves the conversation as it was, reports `failure` with the reason and is refused.
   */
  async send(content: string) {
    if (this.conversation.status !== "stable" || this.taking) throw new NotStableError();
    this.taking = true;
    try {
      await this.conversation.append("user", content);
    } catch (error) {
      this.report({ state: "failure", message: summary(`Could not take the input: ${reason(error)}`) });
      throw new InputNotSavedError(reason(error));
    } finally {
      this.taking = false;
    }
    this.lastReport = { state: "working", message: summary(`Working on: ${content}`) };
    this.conversation.setStatus("running");
    const abort = new AbortController();
    const turn = { abort, ended: this.think(content, abort.signal) };
    this.turn = turn;
    void turn.ended.finally(() => {
      if (this.turn === turn) this.turn = undefined;
    });
  }

  async interrupt() {
    const turn = this.turn;
    if (!turn || this.conversation.status !== "running") return;
    turn.abort.abort();
    await turn.ended;
  }

  private report(report: StatusReport) {
    this.lastReport = report;
    this.statusListeners.forEach((l) => l(this.conversation.status, report));
  }

  onReport(listener: (report: StatusReport) => void) {
    this.reportListeners.push(listener);
  }
  toolCalls(messageId: number) {
    return this.conversation.toolCalls(messageId);
  }
  onUsage(listener: (usage: TurnUsage) => void) {
    this.usageListeners.push(listener);
  }

  private async think(content: string, signal: AbortSignal) {
    // The reply is one message: made at the first progress, rewritten as it grows, final at the end.
    let replyId: number | undefined;
    let shown = "";
    let shownTools: ToolCall[] | undefined;
    let writing: Promise<unknown> = Promise.resolve();
    const show = (text: string, tools?: ToolCall[]) =>
      (writing = writing.catch(() => {}).then(async () => {
        if (replyId === undefined) replyId = (await this.conversation.append("agent", text)).id;
        else await this.conversation.update(replyId, text);
        if (tools?.length) await this.conversation.setToolCalls(replyId, tools);
      }));
    // The current step, said as the turn's status (coalesced: the latest step within STEP_REPORT_MS).
    let step: string | undefined;
    let stepTimer: NodeJS.Timeout | undefined;
    let turnOver = false;
    const sayStep = (next: string) => {
      step = next;
      stepTimer ??= setTimeout(() => {
        stepTimer = undefined;
        if (turnOver || !step) return;
        this.lastReport = { state: "working", message: summary(step) };
        this.reportListeners.forEach((l) => l(this.lastReport));
      }, STEP_REPORT_MS);
    };
    const progress = (partial: string, more?: Progress) => {
      // Once interrupted, the reply is what the user saw then: a responder winding down adds nothing.
      if (signal.aborted) return;
      shown = partial;
      shownTools = more?.tools ?? shownTools;
      void show(partial, more?.tools).catch(() => {});
      if (more?.step?.trim()) sayStep(firstLine(more.step));
    };
    const answer = this.respond(content, this.conversation.all(), progress, signal).catch(
      (error): Reply => ({ content: `Error: ${reason(error)}`, state: "failure" }),
    );
    const stopped = new Promise<undefined>((resolve) => signal.addEventListener("abort", () => setTimeout(resolve, INTERRUPT_GRACE_MS), { once: true }));
    const answered = await Promise.race([answer, stopped]);
    turnOver = true;
    clearTimeout(stepTimer);
    let reply: Reply;
    if (signal.aborted) {
      // What the turn used counts even when it arrives after the turn has ended here.
      void answer.then((r) => r.usage && this.usageListeners.forEach((l) => l(r.usage!)));
      reply = { content: shown.trim() ? `${shown}\n\n${INTERRUPTED_NOTE}` : INTERRUPTED_NOTE, state: "idle", tools: shownTools };
    } else {
      reply = answered!;
      if (reply.usage) this.usageListeners.forEach((l) => l(reply.usage!));
    }
    try {
      await show(reply.content, reply.tools);
      this.lastReport = signal.aborted
        ? { state: "idle", message: INTERRUPTED_STATE }
        : { state: reply.state, message: summary(firstLine(reply.headline?.trim() ? reply.headline : reply.content)) };
    } catch (error) {
      this.lastReport = { state: "failure", message: summary(`Could not save the reply: ${reason(error)}`) };
    }
    this.conversation.setStatus("stable");
  }

  async stop() {
    await this.conversation.save();
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The agent could not save an input, so it did not take it. */
export class InputNotSavedError extends Error {
  constructor(why: string) {
    super(`the agent could not save the input: ${why}`);
  }
}

/** A reply's headline: its first line with text (Markdown markers and all). */
export function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim()) ?? text;
}

/** App status messages are capped at 160 bytes; cut on a character boundary. */
export function summary(text: string, maxBytes = 160): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (Buffer.byteLength(oneLine) <= maxBytes) return oneLine;
  let out = "";
  for (const ch of oneLine) {
    if (Buffer.byteLength(out + ch + "…") > maxBytes) break;
    out += ch;
  }
  return out + "…";
}
