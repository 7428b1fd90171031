// A tiny ACP agent for the acp brain's tests, written with the SDK's agent side. It runs inside a
// task's sandbox, where only Taskyard's own parts are visible: the test hands it to `node -e` with
// the SDK's import resolved to its file (tests/runtime/acp-brain.test.ts). Its argument
// `no-load-session` makes it an agent without the loadSession capability.
//
// What it does with a prompt (the first word):
//   /where       says its working directory and uid (it runs where the brain started it)
//   /tool CMD    a tool call (kind execute) running `sh -c CMD`: pending, in progress, then completed
//                with the command's output, or failed with it when the command fails
//   /plan        a plan of two entries, updated as it goes, between two pieces of text
//   /permission  asks permission to write allowed.txt; writes it only if allowed; says the outcome
//   /sleep       says it is sleeping, then waits for session/cancel (ends the turn "cancelled")
//   /cancels     says how many session/cancel notifications it has received
//   /remember    lists the prompts its session has heard (kept in $HOME, so a loaded session has them)
//   /crash       says something, then exits with code 7 (a message on stderr first)
//   anything else: "You said: <prompt>", in two chunks
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";

const loadable = !process.argv.includes("no-load-session");
const store = path.join(process.env.HOME ?? process.cwd(), ".acp-test-agent");
fs.mkdirSync(store, { recursive: true });
const historyFile = (id) => path.join(store, `${id.replace(/[^\w-]/g, "")}.json`);
const readHistory = (id) => (fs.existsSync(historyFile(id)) ? JSON.parse(fs.readFileSync(historyFile(id), "utf8")) : null);
const writeHistory = (id, history) => fs.writeFileSync(historyFile(id), JSON.stringify(history));

let cancels = 0;
/** The running turn of each session: aborted by session/cancel. */
const running = new Map();
const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

async function turn(sessionId, text, client, signal) {
  const say = (words) => client.notify(acp.methods.client.session.update, { sessionId, update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: words } } });
  const update = (u) => client.notify(acp.methods.client.session.update, { sessionId, update: u });
  const [word] = text.trim().split(/\s+/, 1);
  const rest = text.trim().slice(word.length).trim();
  switch (word) {
    case "/where":
      await say(`cwd ${process.cwd()} uid ${process.getuid()}`);
      return { reply: `cwd ${process.cwd()}`, stopReason: "end_turn" };
    case "/tool": {
      const toolCallId = `call-${randomUUID()}`;
      await say("Running it.");
      await update({ sessionUpdate: "tool_call", toolCallId, title: rest, kind: "execute", status: "pending", rawInput: { command: rest } });
      await update({ sessionUpdate: "tool_call_update", toolCallId, status: "in_progress" });
      let output;
      let failed = false;
      try {
        output = execFileSync("sh", ["-c", rest], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (error) {
        failed = true;
        output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
      }
      await update({ sessionUpdate: "tool_call_update", toolCallId, status: failed ? "failed" : "completed", content: [{ type: "content", content: { type: "text", text: output } }] });
      await say(failed ? "It failed." : "It worked.");
      return { reply: "ran a tool", stopReason: "end_turn" };
    }
    case "/plan": {
      const plan = (a, b) => update({ sessionUpdate: "plan", entries: [{ content: "Look around", priority: "high", status: a }, { content: "Write it down", priority: "medium", status: b }] });
      await plan("in_progress", "pending");
      await say("Looking around.");
      await plan("completed", "in_progress");
      await plan("completed", "completed");
      await say("\n\nAll done.");
      return { reply: "planned", stopReason: "end_turn" };
    }
    case "/permission": {
      const toolCallId = `call-${randomUUID()}`;
      await update({ sessionUpdate: "tool_call", toolCallId, title: "Write allowed.txt", kind: "edit", status: "pending", rawInput: { path: "allowed.txt" } });
      const { outcome } = await client.request(acp.methods.client.session.requestPermission, {
        sessionId,
        toolCall: { toolCallId, title: "Write allowed.txt" },
        options: [
          { optionId: "yes-once", name: "Allow", kind: "allow_once" },
          { optionId: "yes-always", name: "Always allow", kind: "allow_always" },
          { optionId: "no-once", name: "Reject", kind: "reject_once" },
        ],
      });
      const chosen = outcome.outcome === "selected" ? outcome.optionId : "cancelled";
      const allowed = chosen.startsWith("yes");
      if (allowed) fs.writeFileSync("allowed.txt", "written with permission\n");
      await update({ sessionUpdate: "tool_call_update", toolCallId, status: allowed ? "completed" : "failed", content: [{ type: "content", content: { type: "text", text: allowed ? "wrote allowed.txt" : "not allowed" } }] });
      await say(`Permission answer: ${chosen}.`);
      return { reply: chosen, stopReason: "end_turn" };
    }
    case "/sleep":
      await say("Sleeping until cancelled.");
      await sleep(60_000, signal);
      return signal.aborted ? { reply: "cancelled", stopReason: "cancelled" } : { reply: "woke", stopReason: "end_turn" };
    case "/cancels":
      await say(`Cancels received: ${cancels}.`);
      return { reply: String(cancels), stopReason: "end_turn" };
    case "/remember": {
      const heard = (readHistory(sessionId) ?? []).map((h) => h.prompt);
      await say(`This session has heard: ${heard.join(" | ")}.`);
      return { reply: "remembered", stopReason: "end_turn" };
    }
    case "/crash":
      await say("About to crash.");
      await sleep(200);
      process.stderr.write("acp-test-agent: crashing on purpose\n");
      process.exit(7);
    // falls through (never reached)
    default:
      await say("You said: ");
      await say(text);
      return { reply: `You said: ${text}`, stopReason: "end_turn" };
  }
}

acp
  .agent({ name: "acp-test-agent" })
  .onRequest(acp.methods.agent.initialize, () => ({ protocolVersion: acp.PROTOCOL_VERSION, agentCapabilities: { loadSession: loadable }, authMethods: [] }))
  .onRequest(acp.methods.agent.session.new, () => {
    const sessionId = `test-${randomUUID()}`;
    writeHistory(sessionId, []);
    return { sessionId };
  })
  .onRequest(acp.methods.agent.session.load, async ({ params, client }) => {
    const history = readHistory(params.sessionId);
    if (!history) throw new Error(`no session ${params.sessionId}`);
    // As real agents do: the whole session again, as updates.
    for (const { prompt, reply } of history) {
      await client.notify(acp.methods.client.session.update, { sessionId: params.sessionId, update: { sessionUpdate: "user_message_chunk", content: { type: "text", text: prompt } } });
      await client.notify(acp.methods.client.session.update, { sessionId: params.sessionId, update: { sessionUpdate: "agent_message_chunk", content: { type: "text", text: reply } } });
    }
    return {};
  })
  .onNotification(acp.methods.agent.session.cancel, ({ params }) => {
    cancels++;
    running.get(params.sessionId)?.abort();
  })
  .onRequest(acp.methods.agent.session.prompt, async ({ params, client }) => {
    const text = params.prompt.map((b) => (b.type === "text" ? b.text : "")).join("");
    const abort = new AbortController();
    running.set(params.sessionId, abort);
    try {
      const { reply, stopReason } = await turn(params.sessionId, text, client, abort.signal);
      writeHistory(params.sessionId, [...(readHistory(params.sessionId) ?? []), { prompt: text, reply }]);
      return { stopReason };
    } finally {
      running.delete(params.sessionId);
    }
  })
  .connect(acp.ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
