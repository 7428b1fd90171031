import { createInterface } from "node:readline/promises";
import Table from "cli-table3";
import type { Command } from "commander";
import { EventSourceParserStream } from "eventsource-parser/stream";
import { TaskyardClient, TaskyardError, type LogEntry, type Task } from "../../lib/sdk/client";
import { loadClient, saveConfig } from "../config";

const STATUS_COLOURS: Record<string, string> = { active: "32", pending: "34", initializing: "33", paused: "90", error: "31", unknown: "35" };
const colour = (status: string) => (process.stdout.isTTY ? `\x1b[${STATUS_COLOURS[status] ?? "0"}m${status}\x1b[0m` : status);

function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** `owner/name`, or just a name or id (the caller's own task). */
function taskRef(ref: string): [string, string] {
  const [a, b] = ref.split("/", 2);
  return b ? [a, b] : ["me", a];
}

function printLog(entry: LogEntry) {
  const who = entry.type === "input" ? "you  " : "agent";
  console.log(`${new Date(entry.time).toLocaleTimeString()}  ${who}  ${entry.content}`);
}

async function waitForStatus(client: TaskyardClient, ref: [string, string], until: (t: Task) => boolean, timeoutMs = 60_000) {
  const started = Date.now();
  let last = "";
  while (Date.now() - started < timeoutMs) {
    const task = await client.task(...ref);
    const line = `${task.status}${task.current_state?.message ? ` — ${task.current_state.message}` : ""}`;
    if (line !== last) process.stderr.write(`  ${colour(task.status)}${line.slice(task.status.length)}\n`);
    last = line;
    if (until(task)) return task;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`gave up waiting after ${timeoutMs / 1000} s`);
}

async function followLogs(client: TaskyardClient, ref: [string, string]) {
  const res = await fetch(client.logStreamUrl(...ref), { headers: { "Coder-Session-Token": client.token ?? "" } });
  if (!res.ok || !res.body) throw new TaskyardError(res.status, await res.json().catch(() => ({ message: res.statusText })));
  const seen = new Set<number>();
  const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    const data = JSON.parse(event.data);
    const entries: LogEntry[] = event.event === "logs" ? data.logs : event.event === "log" ? [data] : [];
    for (const entry of entries.filter((e) => !seen.has(e.id))) {
      seen.add(entry.id);
      printLog(entry);
    }
    if (event.event === "task") process.stderr.write(`  [${colour(data.status)}] ${data.current_state?.message ?? ""}\n`);
  }
}

export function registerClient(program: Command) {
  program
    .command("login")
    .description("sign in to a Taskyard server and remember the session")
    .argument("[url]", "the server", "http://localhost:3000")
    .option("--email <email>")
    .option("--password <password>", "(prompted for when omitted)")
    .action(async (url: string, opts: { email?: string; password?: string }) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const email = opts.email ?? (await rl.question("Email: "));
      const password = opts.password ?? (await rl.question("Password: "));
      rl.close();
      const client = new TaskyardClient({ baseUrl: url.replace(/\/+$/, "") });
      const { session_token } = await client.login(email, password);
      const where = await saveConfig({ url: client.baseUrl, token: session_token });
      console.log(`Logged in to ${client.baseUrl} as ${email} (session saved in ${where}).`);
    });

  program
    .command("tasks")
    .alias("list")
    .description("list tasks, newest first")
    .option("-q, --query <q>", 'filter, e.g. "status:active owner:me search:\\"login\\""', "")
    .option("--json", "print JSON")
    .action(async (opts: { query: string; json?: boolean }) => {
      const { tasks, count } = await (await loadClient()).tasks(opts.query, { limit: 100 });
      if (opts.json) return console.log(JSON.stringify(tasks, null, 2));
      if (tasks.length === 0) return console.log('No tasks. Create one with: taskyard create "Fix the login bug"');
      const table = new Table({ head: ["NAME", "STATUS", "STATE", "TEMPLATE", "OWNER", "CREATED"] });
      for (const t of tasks) {
        table.push([t.name, colour(t.status), (t.current_state?.message ?? "").slice(0, 50), t.template_name, t.owner_name, ago(t.created_at!)]);
      }
      console.log(table.toString());
      if (count > tasks.length) console.log(`(${tasks.length} of ${count}; narrow with --query)`);
    });

  program
    .command("create")
    .description("create a task from a prompt")
    .argument("<prompt...>", "what the agent should do")
    .option("-t, --template <name>", "template name", "echo")
    .option("--preset <name>", "preset name (default: the template's default preset)")
    .option("--name <name>", "task name (generated when omitted)")
    .option("--no-wait", "return at once instead of waiting until the agent is working")
    .action(async (words: string[], opts: { template: string; preset?: string; name?: string; wait: boolean }) => {
      const client = await loadClient();
      const templates = await client.templates();
      const template = templates.find((t) => t.name === opts.template);
      if (!template) throw new Error(`no template "${opts.template}"; there are: ${templates.map((t) => t.name).join(", ")}`);
      let presetId: string | undefined;
      if (opts.preset) {
        const preset = (await client.presets(template.active_version_id)).find((p) => p.Name.toLowerCase() === opts.preset!.toLowerCase());
        if (!preset) throw new Error(`no preset "${opts.preset}" in ${template.name}`);
        presetId = preset.ID;
      }
      const task = await client.createTask({ input: words.join(" "), template_version_id: template.active_version_id, template_version_preset_id: presetId, name: opts.name });
      console.log(`Created ${task.owner_name}/${task.name} — "${task.display_name}"`);
      if (opts.wait) await waitForStatus(client, ["me", task.id], (t) => t.status === "active" || t.status === "error");
    });

  program
    .command("show")
    .description("show one task")
    .argument("<task>", "name, id, or owner/name")
    .action(async (ref: string) => {
      const t = await (await loadClient()).task(...taskRef(ref));
      const table = new Table();
      table.push(
        { Name: `${t.owner_name}/${t.name}` },
        { Title: t.display_name },
        { Status: colour(t.status) },
        { State: t.current_state ? `${t.current_state.state}: ${t.current_state.message}` : "—" },
        { Template: t.template_display_name },
        { Prompt: t.initial_prompt },
        { Created: `${t.created_at} (${ago(t.created_at!)})` },
      );
      console.log(table.toString());
    });

  program
    .command("logs")
    .description("print a task's conversation (live while it runs, the snapshot while paused)")
    .argument("<task>", "name, id, or owner/name")
    .option("-f, --follow", "keep streaming new messages")
    .action(async (ref: string, opts: { follow?: boolean }) => {
      const client = await loadClient();
      if (opts.follow) return followLogs(client, taskRef(ref));
      const logs = await client.logs(...taskRef(ref));
      if (logs.snapshot) console.error(`(snapshot${logs.snapshot_at ? `, captured ${ago(logs.snapshot_at)}` : ""})`);
      logs.logs.forEach(printLog);
    });

  program
    .command("send")
    .description("send follow-up input to a running task")
    .argument("<task>", "name, id, or owner/name")
    .argument("<input...>", "the message")
    .action(async (ref: string, words: string[]) => {
      await (await loadClient()).send(...taskRef(ref), words.join(" "));
      console.log("Sent.");
    });

  for (const action of ["pause", "resume"] as const) {
    program
      .command(action)
      .description(action === "pause" ? "stop a task's workspace (its conversation is kept)" : "start a paused task again")
      .argument("<task>", "name, id, or owner/name")
      .option("--no-wait", "return at once")
      .action(async (ref: string, opts: { wait: boolean }) => {
        const client = await loadClient();
        const { workspace_build } = await client[action](...taskRef(ref));
        console.log(`${action === "pause" ? "Pausing" : "Resuming"} (build #${workspace_build.build_number})…`);
        const done = action === "pause" ? ["paused", "error"] : ["active", "error"];
        if (opts.wait) await waitForStatus(client, taskRef(ref), (t) => done.includes(t.status));
      });
  }

  program
    .command("delete")
    .description("delete a task and its workspace")
    .argument("<task>", "name, id, or owner/name")
    .action(async (ref: string) => {
      await (await loadClient()).deleteTask(...taskRef(ref));
      console.log("Deleted.");
    });
}
