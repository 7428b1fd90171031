import "server-only";
import { EventSourceParserStream } from "eventsource-parser/stream";
import type { Db } from "../db/client";
import { selectTasks, type TaskRow } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { capLines, fetchAgent } from "../agents/agentapi-client";
import { agentOf } from "./agent-endpoint";
import { watchTask } from "./change-feed";
import { openEventChannel } from "./event-channel";
import { taskLogsJson, toLogEntry } from "./logs";
import { toTaskResponse } from "./serialize";
import { selectTaskInputs } from "../db/queries/task-inputs";
import { toTaskInputResponse } from "./input-queue";

/** Changes arrive as notifications; this is only the slowest a missed one could go unseen. */
const FALLBACK_MS = 5000;
const ENDED = new Set(["paused", "error"]);

/**
 * `GET …/logs/stream` (SSE). Events: `task` (the task, on every status/state change), `logs` (the
 * full log as `GET …/logs` returns it: on connect and whenever its source changes) and `log` (one
 * new or updated entry, streamed from the agent's own `/events`) and `inputs` (the queued
 * follow-ups as `GET …/inputs` returns them: on connect and whenever they change). Ends once the
 * task has stopped.
 */
export function streamTaskLogs(db: Db, initial: TaskRow, signal: AbortSignal): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(controller) {
      const channel = openEventChannel(controller, signal);
      if (channel.closed) return;
      const { send } = channel;
      let agentEvents: AbortController | undefined;
      const watch = watchTask(initial.id);
      channel.onClose(() => {
        agentEvents?.abort();
        watch.close();
      });
      const follow = async (task: TaskRow) => {
        // Closed while its logs were read: closing has already aborted the previous one, not this.
        if (channel.closed) return;
        agentEvents = new AbortController();
        try {
          const res = await fetchAgent(agentOf(task), "/events", { signal: agentEvents.signal });
          if (!res.ok || !res.body) return;
          const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(capLines()).pipeThrough(new EventSourceParserStream());
          for await (const event of events) {
            if (event.event !== "message_update") continue;
            const m = JSON.parse(event.data) as { id: number; role: "user" | "agent"; message: string; time: string };
            send("log", toLogEntry({ id: m.id, role: m.role, content: m.message, time: m.time }));
          }
        } catch {
          // The agent went away; the status poll below notices and reports it.
        }
      };
      // While logs are unavailable (error, or `unknown` mid-stop) the client keeps what it has.
      const sendLogs = async (task: TaskRow) => {
        const logs = await taskLogsJson(db, task).catch((e) => (e instanceof ApiError ? null : Promise.reject(e)));
        if (logs) channel.sendJson("logs", logs);
      };

      let inputs: string | undefined;
      const sendInputs = async () => {
        const json = JSON.stringify({ inputs: (await selectTaskInputs(db, initial.id)).map(toTaskInputResponse) });
        if (json !== inputs) channel.sendJson("inputs", json);
        inputs = json;
      };

      const run = async () => {
        let task = initial;
        send("task", toTaskResponse(task));
        await sendLogs(task);
        await sendInputs();
        if (task.status === "active" && task.agent_api_url) void follow(task);

        let fingerprint = JSON.stringify(toTaskResponse(task));
        while (!channel.closed) {
          await watch.changed(FALLBACK_MS);
          if (channel.closed) break;
          const [next] = await selectTasks(db, { id: task.id }).catch(() => [task]);
          if (!next) {
            send("task", { ...toTaskResponse(task), deleted: true });
            break;
          }
          const response = toTaskResponse(next);
          const nextFingerprint = JSON.stringify(response);
          if (nextFingerprint !== fingerprint) send("task", response);
          fingerprint = nextFingerprint;
          await sendInputs().catch(() => {});
          if (next.status !== task.status || next.agent_api_url !== task.agent_api_url) {
            agentEvents?.abort();
            await sendLogs(next);
            if (next.status === "active" && next.agent_api_url) void follow(next);
            if (ENDED.has(next.status)) {
              task = next;
              break;
            }
          }
          task = next;
        }
      };
      // A failure (a database error reading the snapshot) errors the stream, and still cleans up.
      await run().then(() => channel.close(), channel.close);
    },
  });
}
