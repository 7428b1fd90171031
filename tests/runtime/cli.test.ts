import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freeLoopbackPort } from "../../lib/ports";
import { TaskyardClient, TaskyardError } from "../../lib/sdk/client";
import { baseUrl, createTestUser, echoTemplateVersion, type TestUser } from "../support/api";
import { newConfigDir, runCli, runCliInTerminal, startCli, type CliResult } from "../support/cli";
import { waitFor, waitForState, waitForStatus } from "../support/runtime";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ESC = "\x1b[";

/** A failure as the issue wants it: exit 1, and one line on stderr naming the problem. */
function expectOneLineFailure(result: CliResult, text: string | RegExp) {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^taskyard: /);
  expect(lines[0]).toMatch(text);
}

const lines = (text: string) => text.trimEnd().split("\n");

describe("the taskyard CLI: login, logout, whoami", () => {
  it("logs in with --token, keeps the session in a 0600 file, and says who I am", async () => {
    const user = await createTestUser();
    const config = await newConfigDir();
    const login = await runCli(["login", baseUrl(), "--token", user.token], { config });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Welcome to Taskyard, ${user.username}!`);
    const file = path.join(config, "taskyard/session.json");
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(file, "utf8"))).toEqual({ url: baseUrl(), token: user.token });

    const whoami = await runCli(["whoami"], { config });
    expect(whoami.stdout).toContain(`authenticated as ${user.username} (${user.username}@example.com)`);
    expect(whoami.stdout).toContain(baseUrl());
  });

  it("logs in with the email and password read from stdin when it is not a terminal", async () => {
    const user = await createTestUser();
    const config = await newConfigDir();
    const login = await runCli(["login", baseUrl()], { config, input: `${user.username}@example.com\npassword-123\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout + login.stderr).not.toContain("password-123");
    expect((await runCli(["whoami"], { config })).stdout).toContain(`authenticated as ${user.username}`);
  });

  it("asks for the password in a terminal without echoing it", async () => {
    const user = await createTestUser();
    const config = await newConfigDir();
    const { code, screen } = await runCliInTerminal(["login", baseUrl(), "--email", `${user.username}@example.com`], {
      config,
      answers: [["Password: ", "password-123\r"]],
    });
    expect(code, screen).toBe(0);
    expect(screen).toContain("Password: ");
    expect(screen).toContain(`Welcome to Taskyard, ${user.username}!`);
    expect(screen).not.toContain("password-123");
    expect((await runCli(["whoami"], { config })).stdout).toContain(`authenticated as ${user.username}`);
  });

  it("TASKYARD_URL and TASKYARD_SESSION_TOKEN work without a saved session and win over one", async () => {
    const [saved, fromEnv] = await Promise.all([createTestUser(), createTestUser()]);
    const config = await newConfigDir();
    const env = { TASKYARD_URL: baseUrl(), TASKYARD_SESSION_TOKEN: fromEnv.token };
    expect((await runCli(["whoami"], { config, env })).stdout).toContain(`authenticated as ${fromEnv.username}`);
    await runCli(["login", baseUrl(), "--token", saved.token], { config });
    expect((await runCli(["whoami"], { config })).stdout).toContain(`authenticated as ${saved.username}`);
    expect((await runCli(["whoami"], { config, env })).stdout).toContain(`authenticated as ${fromEnv.username}`);
  });

  it("logout revokes the session on the server and removes the file", async () => {
    const user = await createTestUser();
    const { session_token } = await new TaskyardClient({ baseUrl: baseUrl() }).login(`${user.username}@example.com`, "password-123");
    const config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", session_token], { config });
    const logout = await runCli(["logout"], { config });
    expect(logout.code, logout.stderr).toBe(0);
    await expect(fs.stat(path.join(config, "taskyard/session.json"))).rejects.toThrow();
    const revoked = await new TaskyardClient({ baseUrl: baseUrl(), token: session_token }).me().catch((e: unknown) => e);
    expect((revoked as TaskyardError).status).toBe(401);
    expectOneLineFailure(await runCli(["whoami"], { config }), /not logged in/);
  });
});

describe("the taskyard CLI: taskyard task …", () => {
  let user: TestUser;
  let config: string;
  const cli = (...args: string[]) => runCli(args, { config });

  beforeAll(async () => {
    user = await createTestUser();
    config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", user.token], { config });
  });

  it("create -q prints only the id; list shows Coder's default columns, JSON, chosen columns and filters", async () => {
    const created = await cli("task", "create", "--template", "echo", "--name", "tidy-changelog", "-q", "Tidy the changelog");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(UUID);
    const id = created.stdout.trim();
    await waitForState(user.client, id, "idle", 30_000);

    // The template comes from TASKYARD_TASK_TEMPLATE_NAME when --template is not given.
    const fromEnv = await runCli(["task", "create", "--name", "from-env", "Write the docs"], { config, env: { TASKYARD_TASK_TEMPLATE_NAME: "echo" } });
    expect(fromEnv.stdout).toMatch(/^The task from-env has been created at .+!$/m);
    expect((await user.client.task("me", "from-env")).template_name).toBe("echo");
    await waitForState(user.client, "from-env", "idle", 30_000);

    const table = lines((await cli("task", "list")).stdout);
    expect(table[0]).toMatch(/^NAME\s+STATUS\s+STATE\s+STATE CHANGED\s+MESSAGE$/);
    const row = table.find((l) => l.startsWith("tidy-changelog "));
    expect(row).toMatch(/^tidy-changelog\s+active\s+idle\s+\d+[smh] ago\s+You said: Tidy the changelog$/);
    expect(table.join("\n")).not.toContain(ESC); // not a terminal: no colour

    const json = JSON.parse((await cli("task", "ls", "-o", "json")).stdout) as { id: string; name: string; status: string }[];
    expect(json.map((t) => t.name).sort()).toEqual(["from-env", "tidy-changelog"]);
    expect(json.find((t) => t.name === "tidy-changelog")).toMatchObject({ id, status: "active" });

    const columns = lines((await cli("task", "list", "-c", "name,template name", "-c", "initial prompt,workspace id,cost")).stdout);
    expect(columns[0]).toMatch(/^NAME\s+TEMPLATE NAME\s+INITIAL PROMPT\s+WORKSPACE ID\s+COST$/);
    const task = await user.client.task("me", id);
    expect(columns.find((l) => l.startsWith("tidy-changelog "))).toMatch(new RegExp(`^tidy-changelog\\s+echo\\s+Tidy the changelog\\s+${task.workspace_id}$`));

    expect(lines((await cli("task", "list", "-q")).stdout).sort()).toEqual(json.map((t) => t.id).sort());
    const none = await cli("task", "list", "--status", "paused");
    expect(none.stdout).toBe("");
    expect(none.stderr.trim()).toBe("No tasks found.");

    // Someone else's tasks are not mine: --user and --all ask the server, which shows a member only theirs.
    const other = await createTestUser();
    await other.client.createTask({ input: "Not yours", template_version_id: await echoTemplateVersion(), name: "not-yours" });
    expect((await cli("task", "list", "--all", "-q")).stdout).not.toContain((await other.client.task("me", "not-yours")).id);
    expect((await cli("task", "list", "--user", other.username)).stderr.trim()).toBe("No tasks found.");
  });

  it("status shows Coder's status columns, and --watch streams the changes until the agent is idle", async () => {
    // A reply that takes 4 s: the watch starts well before the agent is done.
    const created = await user.client.createTask({
      input: "Think it over",
      template_version_id: await echoTemplateVersion(),
      name: "think-it-over",
      rich_parameter_values: [{ name: "reply_delay_ms", value: "4000" }],
    });
    const watch = await cli("task", "status", created.id, "--watch");
    expect(watch.code, watch.stderr).toBe(0);
    const out = lines(watch.stdout);
    expect(out[0]).toMatch(/^STATE CHANGED\s+STATUS\s+HEALTHY\s+STATE\s+MESSAGE\s+COST$/);
    expect(out.length).toBeGreaterThanOrEqual(3); // the header, the first row, and at least one change
    expect(out.slice(1).some((l) => /\bworking\b/.test(l))).toBe(true);
    expect(out.at(-1)).toMatch(/^\d+s ago\s+active\s+true\s+idle\s+You said: Think it over$/);

    const once = lines((await cli("task", "stat", "think-it-over")).stdout);
    expect(once).toHaveLength(2);
    expect(JSON.parse((await cli("task", "status", `${user.username}/think-it-over`, "-o", "json")).stdout)).toMatchObject({ id: created.id, status: "active" });
  });

  it("logs prints the conversation; --follow streams it as it grows and ends when the task is paused", async () => {
    const created = await user.client.createTask({ input: "Say hello", template_version_id: await echoTemplateVersion(), name: "say-hello" });
    await waitForState(user.client, created.id, "idle", 30_000);
    const logs = await cli("task", "logs", "say-hello");
    expect(lines(logs.stdout)).toEqual([expect.stringMatching(/^TYPE\s+CONTENT$/), expect.stringMatching(/^input\s+Say hello$/), expect.stringMatching(/^output\s+You said: Say hello$/)]);
    const withIds = lines((await cli("task", "logs", "say-hello", "-c", "id,type,time,content")).stdout);
    expect(withIds[0]).toMatch(/^ID\s+TYPE\s+TIME\s+CONTENT$/);

    const follow = startCli(["task", "logs", "say-hello", "--follow"], { config });
    await waitFor("the first messages", async () => follow.result.stdout.includes("You said: Say hello"), 20_000);
    await user.client.send("me", created.id, "And goodbye");
    await waitFor("the new message", async () => follow.result.stdout.includes("You said: And goodbye"), 20_000);
    await user.client.pause("me", created.id);
    const ended = await follow.done;
    expect(ended.code, ended.stderr).toBe(0);
    expect(ended.stdout).toMatch(/^input\s+And goodbye$/m);
    expect(ended.stderr).toContain("snapshot");

    await waitForStatus(user.client, created.id, "paused", 30_000);
    const snapshot = await cli("task", "logs", "say-hello", "-o", "json");
    expect(snapshot.stderr).toMatch(/snapshot taken \d+s ago/);
    expect((JSON.parse(snapshot.stdout) as { content: string }[]).map((e) => e.content)).toEqual(["Say hello", "You said: Say hello", "And goodbye", "You said: And goodbye"]);
  });

  it("send resumes a paused task, waits until it is ready, and delivers the input", async () => {
    const created = await user.client.createTask({ input: "Start", template_version_id: await echoTemplateVersion(), name: "send-paused" });
    await waitForState(user.client, created.id, "idle", 30_000);
    await user.client.pause("me", created.id);
    await waitForStatus(user.client, created.id, "paused", 30_000);

    const sent = await cli("task", "send", "send-paused", "After the pause");
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toContain(`Resuming ${user.username}/send-paused`);
    expect((await user.client.task("me", created.id)).status).toBe("active");
    await waitFor("the reply", async () => (await user.client.logs("me", created.id)).logs.some((l) => l.content === "You said: After the pause"), 20_000);

    const fromStdin = await runCli(["task", "send", "send-paused", "--stdin"], { config, input: "From stdin\n" });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    await waitFor("the stdin reply", async () => (await user.client.logs("me", created.id)).logs.some((l) => l.content === "You said: From stdin"), 20_000);
  });

  it("send queues the input while the agent works, as the dashboard does; --wait waits until it is delivered", async () => {
    const created = await user.client.createTask({ input: "Busy", template_version_id: await echoTemplateVersion(), name: "send-queued" });
    await waitForState(user.client, created.id, "idle", 30_000);
    await user.client.queueInput("me", created.id, "/sleep 2500");
    await waitForState(user.client, created.id, "working");

    const queued = await cli("task", "send", "send-queued", "Queued from the CLI");
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain(`Input queued for task "${user.username}/send-queued"`);
    const waited = await cli("task", "send", "send-queued", "--wait", "Waited for");
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toContain(`Input delivered to task "${user.username}/send-queued"`);
    // By then the first is delivered too, in order, and the second is in the conversation.
    const inputs = (await user.client.inputs("me", created.id)).inputs;
    expect(inputs.map((i) => [i.input, i.state])).toEqual([
      ["/sleep 2500", "delivered"],
      ["Queued from the CLI", "delivered"],
      ["Waited for", "delivered"],
    ]);
    await waitFor("the reply", async () => (await user.client.logs("me", created.id)).logs.some((l) => l.content === "You said: Waited for"), 20_000);
  });

  it("send shows a spinner while it waits, on a terminal", async () => {
    const created = await user.client.createTask({ input: "Spin", template_version_id: await echoTemplateVersion(), name: "spinner" });
    await waitForState(user.client, created.id, "idle", 30_000);
    await user.client.pause("me", created.id);
    await waitForStatus(user.client, created.id, "paused", 30_000);
    const { code, screen } = await runCliInTerminal(["task", "send", "spinner", "Spun up"], { config });
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Resuming [\w-]+\/spinner/);
    expect(screen).toContain("\r\x1b[2K"); // each frame redraws the same line
    await waitFor("the reply", async () => (await user.client.logs("me", created.id)).logs.some((l) => l.content === "You said: Spun up"), 20_000);
  });

  it("pause and resume wait for the task (or not, with --no-wait), ask first unless -y; delete removes several", async () => {
    const a = await user.client.createTask({ input: "A", template_version_id: await echoTemplateVersion(), name: "task-a" });
    const b = await user.client.createTask({ input: "B", template_version_id: await echoTemplateVersion(), name: "task-b" });
    await waitForStatus(user.client, a.id, "active", 30_000);

    const declined = await runCli(["task", "pause", "task-a"], { config, input: "no\n" });
    expectOneLineFailure(declined, /canceled/);
    expect((await user.client.task("me", a.id)).status).toBe("active");

    const paused = await runCli(["task", "pause", "task-a"], { config, input: "yes\n" });
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toContain(`The ${user.username}/task-a task has been paused at`);
    expect((await user.client.task("me", a.id)).status).toBe("paused");

    const resumed = await cli("task", "resume", "task-a", "-y");
    expect(resumed.stdout).toContain(`The ${user.username}/task-a task has been resumed.`);
    expect((await user.client.task("me", a.id)).status).toBe("active");
    expectOneLineFailure(await cli("task", "resume", "task-a", "-y"), /cannot be resumed \(current status: active\)/);

    const background = await cli("task", "pause", "task-a", "--yes", "--no-wait");
    expect(background.stdout).toContain("in the background");
    await waitForStatus(user.client, a.id, "paused", 30_000);

    // One unknown name and nothing is deleted.
    expectOneLineFailure(await cli("task", "delete", "task-a", "no-such-task", "-y"), /resolve task "no-such-task": Resource not found/);
    expect((await user.client.task("me", a.id)).id).toBe(a.id);
    const deleted = await cli("task", "rm", "task-a", `${user.username}/task-b`, "-y");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`Deleted task ${user.username}/task-a at .*\\nDeleted task ${user.username}/task-b at `));
    for (const id of [a.id, b.id]) expect(((await user.client.task("me", id).catch((e: unknown) => e)) as TaskyardError).status).toBe(404);
  });

  it("prints every failure on one stderr line and exits 1: unknown task, server down, bad token, invalid input", async () => {
    const before = (await user.client.tasks()).count;
    expectOneLineFailure(await cli("task", "status", "no-such-task"), /resolve task "no-such-task": Resource not found/);
    expectOneLineFailure(await cli("task", "logs", "someone/no-such-task"), /Resource not found/);

    const down = `http://127.0.0.1:${await freeLoopbackPort()}`;
    expectOneLineFailure(await runCli(["task", "list"], { config, env: { TASKYARD_URL: down } }), new RegExp(`cannot reach the Taskyard server at ${down} \\(ECONNREFUSED\\)`));
    expectOneLineFailure(await runCli(["login", down, "--token", "x"], { config: await newConfigDir() }), /cannot reach the Taskyard server/);

    expectOneLineFailure(await runCli(["task", "list"], { config, env: { TASKYARD_SESSION_TOKEN: "not-a-token" } }), /Invalid session token.*run `taskyard login`/);
    expectOneLineFailure(await runCli(["login", baseUrl(), "--token", "not-a-token"], { config: await newConfigDir() }), /Invalid session token/);
    expectOneLineFailure(await runCli(["login", baseUrl(), "--email", `${user.username}@example.com`], { config: await newConfigDir(), input: "wrong-password\n" }), /log in: Incorrect email or password/);
    expectOneLineFailure(await runCli(["task", "list"], { config: await newConfigDir() }), /You are not logged in: run `taskyard login <url>`/);

    expectOneLineFailure(await cli("task", "create", "--template", "echo", "--name", "bad name", "x"), /create task: .*\(name: must be alphanumeric words joined by single dashes\)/);
    expectOneLineFailure(await cli("task", "create", "--template", "echo", "--param", "repo_url=--upload-pack=evil", "x"), /repo_url: is not a repository URL git may clone/);
    expectOneLineFailure(await cli("task", "create", "--template", "no-such-template", "x"), /get template "no-such-template": Resource not found/);
    expectOneLineFailure(await cli("task", "create", "--template", "echo", "--template-version", "v99", "x"), /get template version: Resource not found/);
    expectOneLineFailure(await cli("task", "create", "--template", "echo", "--preset", "Nope", "x"), /preset "Nope" not found; available presets: Default, Slow/);
    // Nothing was created by any of them.
    expect((await user.client.tasks()).count).toBe(before);
  });

  it("exits 2 on bad usage", async () => {
    for (const args of [
      ["task", "list", "--bogus"],
      ["task", "list", "--status", "sleeping"],
      ["task", "list", "-c", "name,colour"],
      ["task", "list", "-o", "yaml"],
      ["task", "status"],
      ["task", "frobnicate"],
      ["task", "create", "--template", "echo"],
      ["task", "create", "--template", "echo", "--param", "no-equals-sign", "x"],
      ["task", "send", "some-task"],
      ["task", "diff"],
      ["task", "diff", "some-task", "--numstat"],
      ["login", "not a url", "--token", "x"],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/--help/);
    }
  });

  it("--help of every command explains it with an example", async () => {
    const commands = [["task"], ...["create", "list", "status", "logs", "send", "diff", "push", "pr", "pause", "resume", "edit", "delete"].map((c) => ["task", c]), ["login"], ["logout"], ["whoami"]];
    const helps = await Promise.all(commands.map((c) => cli(...c, "--help")));
    helps.forEach((help, i) => {
      expect(help.code, commands[i].join(" ")).toBe(0);
      expect(help.stdout).toContain("Examples:");
      expect(help.stdout).toMatch(/\$ (id=\$\()?taskyard /);
    });
    expect(helps[2].stdout).toContain("-c, --column <columns>");
    expect(helps[2].stdout).toContain("initial prompt");
  });

  it("colours statuses only on a terminal, and not with NO_COLOR", async () => {
    const created = await user.client.createTask({ input: "Colours", template_version_id: await echoTemplateVersion(), name: "colours" });
    await waitForStatus(user.client, created.id, "active", 30_000);
    const coloured = await runCliInTerminal(["task", "list"], { config });
    expect(coloured.screen).toContain(`${ESC}32mactive${ESC}0m`);
    const plain = await runCliInTerminal(["task", "list"], { config, env: { NO_COLOR: "1" } });
    expect(plain.screen).toMatch(/colours\s+active/);
    expect(plain.screen).not.toContain(ESC);
    expect((await cli("task", "list")).stdout).not.toContain(ESC);
  });

  it("keeps the old top-level commands for one release, naming the task command that replaces each", async () => {
    const created = await cli("create", "Tidy", "the", "readme", "--name", "old-style");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain("`taskyard create` is deprecated and will be removed in the next release; use `taskyard task create`.");
    expect((await user.client.task("me", "old-style")).initial_prompt).toBe("Tidy the readme");
    const listed = await cli("tasks");
    expect(listed.stderr).toContain("use `taskyard task list`");
    expect(listed.stdout).toMatch(/^old-style\s/m);
    expect((await cli("show", "old-style")).stderr).toContain("use `taskyard task status`");
    const removed = await cli("delete", "old-style");
    expect(removed.stderr).toContain("use `taskyard task delete`");
    expect(removed.stdout).toContain(`Deleted task ${user.username}/old-style`);
  });
});

describe("the taskyard CLI: taskyard task diff", () => {
  let user: TestUser;
  let config: string;
  let tmp: string;
  let origin: string;
  const cli = (...args: string[]) => runCli(args, { config });
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "safe.directory=*", "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd, encoding: "utf8" });

  beforeAll(async () => {
    user = await createTestUser();
    config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", user.token], { config });
    // A repository in the directory the test server takes local repositories from.
    tmp = await fs.mkdtemp(path.join(inject("repoRoot"), "cli-repo-"));
    origin = path.join(tmp, "origin.git");
    const work = path.join(tmp, "work");
    git(tmp, "init", "--quiet", "--bare", "--initial-branch=main", origin);
    git(tmp, "clone", "--quiet", origin, work);
    await fs.writeFile(path.join(work, "README.md"), "# Demo\n");
    await fs.writeFile(path.join(work, "app.txt"), "one\ntwo\nthree\n");
    git(work, "add", ".");
    git(work, "commit", "--quiet", "-m", "initial");
    git(work, "push", "--quiet", "origin", "main");
    await fs.chmod(tmp, 0o755);
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it("prints the unified diff (which git apply takes) and, with --stat, the files with +/− counts; paused, from the snapshot", async () => {
    const task = await user.client.createTask({
      input: "Change the app",
      name: "diff-me",
      template_version_id: await echoTemplateVersion(),
      rich_parameter_values: [{ name: "repo_url", value: origin }],
    });
    await waitForState(user.client, task.id, "idle", 30_000);
    const say = async (input: string) => {
      const before = (await user.client.logs("me", task.id)).logs.length;
      await user.client.send("me", task.id, input);
      await waitFor("the reply", async () => (await user.client.logs("me", task.id)).logs.length >= before + 2);
      await waitForState(user.client, task.id, "idle");
    };
    await say("/write app.txt one\n2\nthree\nfour");
    await say("/sh git rm -q README.md && git commit -qm 'Drop the readme'");
    await say("/write docs/new.txt hello");

    const diff = await cli("task", "diff", "diff-me");
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stderr).toBe("");
    expect(diff.stdout).toContain("diff --git a/app.txt b/app.txt");
    expect(diff.stdout).toContain("-two\n+2\n three\n+four\n");
    expect(diff.stdout).toBe((await user.client.changes("me", task.id)).diff);
    // The patch turns a fresh checkout of the base into the task's tree.
    const check = path.join(tmp, `check-${Date.now()}`);
    git(tmp, "clone", "--quiet", origin, check);
    execFileSync("git", ["apply"], { cwd: check, input: diff.stdout });
    expect(await fs.readFile(path.join(check, "app.txt"), "utf8")).toBe("one\n2\nthree\nfour\n");
    expect(await fs.readFile(path.join(check, "docs/new.txt"), "utf8")).toBe("hello\n");
    await expect(fs.stat(path.join(check, "README.md"))).rejects.toThrow();

    const stat = await cli("task", "diff", `${user.username}/diff-me`, "--stat");
    expect(stat.code, stat.stderr).toBe(0);
    expect(stat.stdout).toBe([" README.md    | 1 -", " app.txt      | 3 ++-", " docs/new.txt | 1 +", " 3 files changed, 3 insertions(+), 2 deletions(-)", ""].join("\n"));

    await user.client.pause("me", task.id);
    await waitForStatus(user.client, task.id, "paused");
    const paused = await cli("task", "diff", task.id, "--stat");
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toBe(stat.stdout);
    expect(paused.stderr).toMatch(/^\(a snapshot taken .*: the task is not running\)\n$/);
    await user.client.deleteTask("me", task.id);
  });

  it("fails on one stderr line with exit 1 for an unknown task (and for a task without a repository until its own is made)", async () => {
    const plain = await user.client.createTask({ input: "No repository", name: "no-repo", template_version_id: await echoTemplateVersion() });
    // Until its first start it has no repository; then one of its own, with nothing changed yet.
    const before = await cli("task", "diff", plain.id);
    if (before.code !== 0) expectOneLineFailure(before, /get task changes: This task has no repository/);
    await waitForStatus(user.client, plain.id, "active", 30_000);
    const after = await waitFor("its repository", async () => {
      const ran = await cli("task", "diff", plain.id);
      return ran.code === 0 ? ran : undefined;
    }, 30_000, 200);
    expect(after.stdout.trim()).toBe("");
    expectOneLineFailure(await cli("task", "diff", "no-such-task", "--stat"), /resolve task "no-such-task": Resource not found/);
    await user.client.deleteTask("me", plain.id);
  });
});
