import fs from "node:fs/promises";
import path from "node:path";
import { query, type Options, type SDKMessage } from "@anthropic-ai/claude-agent-sdk";
import { env } from "../../env";
import { codingAgentEnvironment } from "../../sandbox/environment";
import { CODING_TOOLS } from "../tool-line";
import type { ToolCall } from "../../agents/agentapi-client";
import { answered, newToolCall } from "../tool-calls";
import type { Reply, Responder, TurnUsage } from "./local";
import type { BrainOptions } from "./types";

/** The argument that says what a tool call does, for its one line in the transcript. */
function mainArgument(name: string, input: Record<string, unknown>, cwd: string): string {
  const value = input.command ?? input.file_path ?? input.notebook_path ?? input.pattern ?? input.path ?? input.url ?? input.query ?? input.description;
  const text = typeof value === "string" ? value : (Object.values(input).find((v) => typeof v === "string") as string | undefined) ?? "";
  const shown = path.isAbsolute(text) && text.startsWith(cwd + "/") ? path.relative(cwd, text) : text;
  const oneLine = shown.replace(/\s+/g, " ").trim();
  return `${name}: ${oneLine.length > 200 ? oneLine.slice(0, 199) + "…" : oneLine}`;
}

/** A tool result's content (a string, or text and image blocks) as text. */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((b: { type?: string; text?: string }) => (b?.type === "text" ? (b.text ?? "") : b?.type ? `[${b.type}]` : ""))
    .join("\n");
}

function usageOf(result: Extract<SDKMessage, { type: "result" }>): TurnUsage {
  return {
    input_tokens: result.usage.input_tokens ?? 0,
    output_tokens: result.usage.output_tokens ?? 0,
    cache_read_input_tokens: result.usage.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: result.usage.cache_creation_input_tokens ?? 0,
    cost_usd: result.total_cost_usd ?? 0,
  };
}

/** Where the Claude Code session of a workspace is remembered (in the agent's own state), so a resumed agent continues it. */
const sessionFile = (dir: string) => path.join(dir, "claude-session.json");

async function loadSession(dir: string): Promise<string | undefined> {
  const text = await fs.readFile(sessionFile(dir), "utf8").catch(() => "");
  return text ? (JSON.parse(text) as { session_id?: string }).session_id : undefined;
}

async function saveSession(dir: string, sessionId: string) {
  await fs.mkdir(path.dirname(sessionFile(dir)), { recursive: true });
  await fs.writeFile(sessionFile(dir), JSON.stringify({ session_id: sessionId }));
}

/**
 * Claude Code (through @anthropic-ai/claude-agent-sdk) working in the workspace. Each user turn is
 * one `query`, resuming the workspace's session, whose state lives under the workspace (its config
 * dir), so pause and resume keep what the model knows. Claude Code itself runs inside the
 * workspace, started through its runtime; the SDK here only talks to it over its stdin and stdout.
 * The reply is one message: the model's text and a line per tool call, in order, growing as the turn runs.
 */
export function claudeCodeResponder(options: BrainOptions): Responder {
  const cwd = options.codeDir;
  const state = options.stateDir;
  const workspace = options.workspace;
  // Claude Code refuses to bypass permissions as root: the workspace's runtime runs as root only without a sandbox.
  const asRoot = process.getuid?.() === 0 && !workspace.sandboxed;
  return async (input, _history, progress, signal): Promise<Reply> => {
    const parts: string[] = [];
    // The calls behind the tool lines, in the same order; each gets its output when its result comes.
    const tools: ToolCall[] = [];
    // The turn's text since its last tool call: its final answer once the turn is over.
    let answer: string[] = [];
    let step: string | undefined;
    const show = () => progress(parts.join("\n\n"), { step, tools: [...tools] });
    const stderr: string[] = [];
    const resume = await loadSession(state);
    const turn = query({
      prompt: input,
      options: {
        cwd,
        resume,
        // The task's choice (one of its template's), else the server's one default (naming uses it too), not Claude Code's own.
        model: options.parameters.model || env().ANTHROPIC_MODEL,
        env: codingAgentEnvironment({
          HOME: workspace.workspaceDir,
          CLAUDE_CONFIG_DIR: path.posix.join(workspace.workspaceDir, ".claude"),
          ...options.codingEnv,
        }),
        spawnClaudeCodeProcess: ({ command, args, cwd: where, env }) => workspace.spawn({ argv: [command, ...args], cwd: where, env }),
        // The sandbox is the boundary; as root (no sandbox) Claude Code refuses to bypass: it may use these without asking.
        ...(asRoot ? { permissionMode: "acceptEdits" as const, allowedTools: CODING_TOOLS } : { permissionMode: "bypassPermissions" as const, allowDangerouslySkipPermissions: true }),
        settingSources: ["project"],
        // The template's MCP servers, as Claude Code's own `mcpServers` JSON (validated when saved).
        ...(options.mcpServers && Object.keys(options.mcpServers).length ? { mcpServers: options.mcpServers as NonNullable<Options["mcpServers"]> } : {}),
        stderr: (line) => stderr.push(line),
      },
    });
    // Stop: the Agent SDK's own interrupt, so Claude Code ends the turn (its tools with it), keeps the
    // session and still reports what the turn used.
    const interrupt = () => void turn.interrupt().catch(() => {});
    if (signal.aborted) interrupt();
    else signal.addEventListener("abort", interrupt, { once: true });
    let result: Extract<SDKMessage, { type: "result" }> | undefined;
    let apiError: string | undefined;
    for await (const message of turn) {
      if (message.type === "assistant" && !message.parent_tool_use_id) {
        if (message.error) apiError = message.error;
        for (const block of message.message.content) {
          if (block.type === "text" && block.text.trim()) {
            parts.push(block.text.trim());
            answer.push(block.text.trim());
            step = block.text.trim();
          } else if (block.type === "tool_use") {
            step = mainArgument(block.name, block.input as Record<string, unknown>, cwd);
            parts.push(step);
            tools.push(newToolCall(block));
            answer = [];
          }
        }
        show();
      } else if (message.type === "user" && !message.parent_tool_use_id && Array.isArray(message.message.content)) {
        let anyAnswered = false;
        for (const block of message.message.content) {
          if (block.type !== "tool_result") continue;
          const at = tools.findIndex((t) => t.id === block.tool_use_id);
          if (at === -1) continue;
          tools[at] = answered(tools[at], resultText(block.content), block.is_error === true);
          anyAnswered = true;
        }
        if (anyAnswered) show();
      } else if (message.type === "result") {
        result = message;
        if (message.session_id) await saveSession(state, message.session_id);
      }
    }
    signal.removeEventListener("abort", interrupt);
    if (signal.aborted) return { content: parts.join("\n\n"), state: "idle", usage: result && usageOf(result) };
    if (!result) throw new Error(`Claude Code ended without a result${stderr.length ? `: ${stderr.join("").trim().split("\n").at(-1)}` : ""}`);
    const usage = usageOf(result);
    if (result.subtype !== "success" || result.is_error) {
      const reason = ("errors" in result && result.errors.length ? result.errors.join("; ") : "") || (result.subtype === "success" ? result.result : "") || apiError || result.subtype;
      return { content: [...parts, `Error: ${reason}`].join("\n\n"), state: "failure", usage, headline: `Error: ${reason}`, tools };
    }
    if (!parts.length && result.result) parts.push(result.result);
    const content = parts.join("\n\n") || "(no reply)";
    return { content, state: "idle", usage, headline: answer.join("\n\n") || result.result || content, tools };
  };
}
