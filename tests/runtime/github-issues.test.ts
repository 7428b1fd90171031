import { randomBytes, randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { startGitHubStandIn } from "../support/forge-stand-ins";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server";
import {
  deliveryHeaders,
  githubRepository,
  issueCommentCreated,
  issuesLabeled,
  webhookHeaderProblems,
  webhookPayloadProblems,
} from "../support/github-webhooks";
import { say, waitFor, waitForState } from "../support/runtime";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const SECRET = `whsec-test-${randomBytes(12).toString("hex")}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("GitHub issue → task → comments", () => {
  let server: ExtraServer;
  let git: GitHttpServer;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  let sql: postgres.Sql;
  let owner: TaskyardClient;
  let alice: TaskyardClient;
  let repository: ReturnType<typeof githubRepository>;
  let providerId: string;

  beforeAll(async () => {
    git = await startGitHttpServer({ token: TOKEN, name: "alice/private" });
    cleanups.push(() => git.close());
    github = await startGitHubStandIn({ [TOKEN]: { login: "Alice-GH", scopes: ["repo"] } }, { repositories: { "alice/private": { get branches() { return git.branches(); } } } });
    cleanups.push(() => github.close());
    // Links on GitHub point at the server's access URL (TASKYARD_ACCESS_URL, else its own address: here 127.0.0.1).
    server = await startExtraServer({ LOG_LEVEL: "info" });
    cleanups.push(() => server.stop());
    sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = await ownerOf(server);
    const echo = (await owner.templates()).find((t) => t.name === "echo")!;
    const provider = await owner.createGitProvider({ kind: "github", host: git.host, api_url: github.url, webhook_secret: SECRET });
    expect(provider).toMatchObject({ webhook_secret_set: true, issue_label: "taskyard", issue_template_id: null });
    // The issue template is the owner's to choose; these tests run the offline echo agent.
    const updated = await owner.updateGitProvider(provider.id, { issue_template_id: echo.id });
    expect(updated).toMatchObject({ id: provider.id, webhook_secret_set: true, issue_label: "taskyard", issue_template_id: echo.id });
    providerId = provider.id;
    const created = await owner.createUser({ email: "alice@example.com", username: "alice", password: "password-123", role: "member" });
    alice = new TaskyardClient({ baseUrl: server.baseUrl, token: (await owner.createApiKey(created.id)).key });
    // Saved as "Alice-GH" (GitHub's spelling); deliveries name her "alice-gh": logins match without regard to case.
    await alice.createGitCredential({ host: git.host, token: TOKEN });
    repository = githubRepository("alice/private", git.url);
  });
  afterAll(async () => {
    if (!process.env.DEBUG_GH) return;
    console.log(JSON.stringify({ comments: github.comments, outbox: await sql`SELECT c.*, l.issue_number FROM github_issue_comments c JOIN github_issue_tasks l ON l.id = c.issue_task_id ORDER BY c.id`, events: await sql`SELECT e.*, l.issue_number FROM task_events e JOIN github_issue_tasks l ON l.task_id = e.task_id ORDER BY e.id` }, null, 1));
  });

  /** Posts a delivery as GitHub would, after checking it against GitHub's published schema and headers. */
  async function deliver(event: "issues" | "issue_comment", payload: object, options: { secret?: string; deliveryId?: string; body?: string } = {}) {
    const [schema, webhook] = event === "issues" ? ["webhook-issues-labeled", "issues-labeled"] : ["webhook-issue-comment-created", "issue-comment-created"];
    expect(webhookPayloadProblems(schema, payload)).toEqual([]);
    const body = options.body ?? JSON.stringify(payload);
    const headers = deliveryHeaders(event, body, options.secret ?? SECRET, options.deliveryId);
    expect(webhookHeaderProblems(webhook, headers)).toEqual([]);
    const res = await fetch(`${server.baseUrl}/api/v2/integrations/github/events`, { method: "POST", headers, body });
    return { status: res.status, body: await res.json(), deliveryId: headers["x-github-delivery"] };
  }
  const labeled = (number: number, sender = "alice-gh", label = "taskyard", repo = repository) =>
    issuesLabeled({ repository: repo, issue: { number, title: `Greet the world ${number}`, body: "Write hello.txt with a greeting." }, label, sender });
  const aliceTasks = async () => (await alice.tasks()).tasks;
  const links = async () => sql`SELECT issue_number, task_id, delivery_id, released_at FROM github_issue_tasks ORDER BY created_at`;
  const commentsOn = (issue: number) => github.comments.filter((c) => c.project === "alice/private" && c.issue === issue);
  const waitForComments = (issue: number, count: number, timeoutMs = 30_000) =>
    waitFor(`${count} comment(s) on issue #${issue}`, async () => (commentsOn(issue).length >= count ? commentsOn(issue) : undefined), timeoutMs);
  const taskPage = (task: Task) => `${server.baseUrl}/tasks/alice/${task.name}`;

  let labeledTask: Task;

  it("refuses a delivery not signed with a provider's secret (401) and does nothing", async () => {
    const wrong = await deliver("issues", labeled(1), { secret: "not-the-secret" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/not signed/);
    const unsigned = await fetch(`${server.baseUrl}/api/v2/integrations/github/events`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": randomUUID() }, body: JSON.stringify(labeled(1)) });
    expect(unsigned.status).toBe(401);
    // A signature over another body (the payload changed on the way) is no signature.
    const payload = labeled(1);
    const tampered = await fetch(`${server.baseUrl}/api/v2/integrations/github/events`, {
      method: "POST",
      headers: deliveryHeaders("issues", JSON.stringify(payload), SECRET),
      body: JSON.stringify({ ...payload, sender: { ...payload.sender, login: "someone-else" } }),
    });
    expect(tampered.status).toBe(401);
    expect(await aliceTasks()).toEqual([]);
    expect(await links()).toEqual([]);
  });

  it("answers ping, and a body past the cap with 413", async () => {
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 512345678 });
    const ping = await fetch(`${server.baseUrl}/api/v2/integrations/github/events`, { method: "POST", headers: deliveryHeaders("ping", body, SECRET), body });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ outcome: "pong" });
    const huge = JSON.stringify({ padding: "x".repeat(1024 * 1024) });
    const tooLarge = await fetch(`${server.baseUrl}/api/v2/integrations/github/events`, { method: "POST", headers: deliveryHeaders("issues", huge, SECRET), body: huge });
    expect(tooLarge.status).toBe(413);
    expect(await aliceTasks()).toEqual([]);
  });

  it("ignores another label (200, with the reason)", async () => {
    const other = await deliver("issues", labeled(1, "alice-gh", "bug"));
    expect(other).toMatchObject({ status: 200, body: { outcome: "ignored", reason: 'the label "bug" is not "taskyard"' } });
    expect(await aliceTasks()).toEqual([]);
  });

  it("an issue labelled `taskyard` by a linked user becomes one task of theirs on that repository, and the issue hears of it", async () => {
    const answer = await deliver("issues", labeled(1));
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ outcome: "created", task_id: expect.any(String) });
    const tasks = await aliceTasks();
    expect(tasks.map((t) => t.id)).toEqual([answer.body.task_id]);
    labeledTask = tasks[0];
    expect(labeledTask).toMatchObject({ owner_name: "alice", template_name: "echo", initial_prompt: "Greet the world 1\n\nWrite hello.txt with a greeting.", display_name: "Greet the world 1" });
    const [row] = await sql`SELECT parameters FROM tasks WHERE id = ${labeledTask.id}`;
    expect(row.parameters).toEqual([{ name: "repo_url", value: git.url }]);
    expect(await links()).toEqual([{ issue_number: 1, task_id: labeledTask.id, delivery_id: answer.deliveryId, released_at: null }]);

    const [comment] = await waitForComments(1, 1);
    expect(comment.body).toBe(`Taskyard started a task for this issue: [Greet the world 1](${taskPage(labeledTask)}) (as alice).`);
    // Posted with Alice's own token, and GitHub's description accepts every request the server made.
    const posted = github.requests.filter((r) => r.method === "POST" && r.path === "/repos/alice/private/issues/1/comments");
    expect(posted).toHaveLength(1);
    expect(posted[0].authorization).toMatch(new RegExp(`^(token|Bearer) ${TOKEN}$`));
    expect(github.problems).toEqual([]);
    const outbox = await waitFor("the comment marked delivered", async () => {
      const rows = await sql`SELECT status, attempts, comment_url FROM github_issue_comments`;
      return rows[0]?.status === "delivered" ? rows : undefined;
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toEqual({ status: "delivered", attempts: 1, comment_url: "https://github.com/alice/private/issues/1#issuecomment-1" });
    await waitForState(alice, labeledTask.id, "idle", 60_000);
  }, 120_000);

  it("a replayed delivery creates nothing", async () => {
    const [link] = await links();
    const again = await deliver("issues", labeled(1), { deliveryId: link.delivery_id as string });
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect((await aliceTasks()).map((t) => t.id)).toEqual([labeledTask.id]);
  });

  it("a second label or command on an issue whose task lives creates nothing", async () => {
    const relabel = await deliver("issues", labeled(1));
    expect(relabel).toMatchObject({ status: 200, body: { outcome: "ignored", reason: "issue #1 already has a task" } });
    const command = await deliver("issue_comment", issueCommentCreated({ repository, issue: { number: 1, title: "Greet the world 1", body: null }, body: "/taskyard again", sender: "alice-gh" }));
    expect(command).toMatchObject({ status: 200, body: { outcome: "ignored", reason: "issue #1 already has a task" } });
    expect((await aliceTasks()).map((t) => t.id)).toEqual([labeledTask.id]);
  });

  it("two deliveries for one issue at once make one task", async () => {
    const answers = await Promise.all([
      deliver("issues", labeled(2)),
      deliver("issue_comment", issueCommentCreated({ repository, issue: { number: 2, title: "Greet the world 2", body: "Race." }, body: "/taskyard go", sender: "alice-gh" })),
      deliver("issues", labeled(2)),
    ]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200).map((a) => a.body.outcome)).toEqual(["ignored", "ignored"]);
    expect((await links()).filter((l) => l.issue_number === 2)).toHaveLength(1);
    expect(await aliceTasks()).toHaveLength(2);
  });

  it("ignores a sender who is not linked and a repository on no configured provider, saying why in the log", async () => {
    const stranger = await deliver("issues", labeled(3, "mallory-gh"));
    expect(stranger).toMatchObject({ status: 200, body: { outcome: "ignored", reason: `the GitHub user mallory-gh is not linked to a Taskyard account (a saved git credential for ${git.host})` } });
    const elsewhere = githubRepository("alice/elsewhere", "https://gitlab.example.com/alice/elsewhere.git");
    const unknown = await deliver("issues", labeled(4, "alice-gh", "taskyard", elsewhere));
    expect(unknown).toMatchObject({ status: 200, body: { outcome: "ignored", reason: expect.stringMatching(/^the repository alice\/elsewhere is not on a configured GitHub provider/) } });
    expect(await aliceTasks()).toHaveLength(2);
    await waitFor("the reasons in the log", async () => server.output().includes("mallory-gh is not linked") && server.output().includes("alice/elsewhere is not on a configured"));
    expect(server.output()).toContain("GitHub delivery ignored");
  });

  it("the task's pull request is the issue's second comment", async () => {
    await say(alice, labeledTask.id, "/write hello.txt hello from the agent");
    const pull = await alice.pullRequest("me", labeledTask.id);
    expect(pull.url).toBe("https://github.com/alice/private/pull/1");
    const comments = await waitForComments(1, 2);
    expect(comments.map((c) => c.body)).toEqual([
      `Taskyard started a task for this issue: [Greet the world 1](${taskPage(labeledTask)}) (as alice).`,
      `The Taskyard task [Greet the world 1](${taskPage(labeledTask)}) opened a pull request: https://github.com/alice/private/pull/1`,
    ]);
    expect(github.problems).toEqual([]);
  }, 120_000);

  it("a `/taskyard <prompt>` comment makes a task with the comment's prompt; its failure is commented, once", async () => {
    const answer = await deliver("issue_comment", issueCommentCreated({ repository, issue: { number: 5, title: "Flaky test", body: "It fails on Mondays." }, body: "/taskyard Add a test first", sender: "ALICE-gh" }));
    expect(answer.status).toBe(201);
    const task = await alice.task("me", answer.body.task_id);
    expect(task.initial_prompt).toBe("Flaky test\n\nIt fails on Mondays.\n\nAdd a test first");
    await waitForComments(5, 1);
    await waitForState(alice, task.id, "idle", 60_000);
    await alice.send("me", task.id, "/fail");
    await waitForState(alice, task.id, "failed", 30_000);
    const comments = await waitForComments(5, 2);
    expect(comments[1].body).toMatch(new RegExp(`^The Taskyard task \\[Flaky test\\]\\(${taskPage(task).replaceAll(/[.?/]/g, "\\$&")}\\) reports that it failed\\.`));
    // Deleting the task releases the issue: a new label makes a new task.
    await alice.deleteTask("me", task.id);
    await waitFor("the issue released", async () => (await sql`SELECT released_at FROM github_issue_tasks WHERE task_id = ${task.id}`)[0].released_at !== null);
    const again = await deliver("issues", labeled(5));
    expect(again.status).toBe(201);
    expect(again.body.task_id).not.toBe(task.id);
    expect(commentsOn(5).filter((c) => /reports that it failed|stopped with an error/.test(c.body))).toHaveLength(1);
    expect(github.problems).toEqual([]);
  }, 180_000);

  it("a comment GitHub does not take is retried with backoff", async () => {
    github.fail("bad-gateway", { method: "POST", path: /\/issues\/6\/comments$/, times: 1 });
    const answer = await deliver("issues", labeled(6));
    expect(answer.status).toBe(201);
    const started = Date.now();
    await waitForComments(6, 1, 30_000);
    // The first attempt met the 502; the retry came about 5 s later.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    const row = await waitFor("the comment marked delivered", async () => {
      const [found] = await sql`SELECT c.status, c.attempts, c.last_error FROM github_issue_comments c JOIN github_issue_tasks l ON l.id = c.issue_task_id WHERE l.issue_number = 6 AND c.kind = 'task_created'`;
      return found?.status === "delivered" ? found : undefined;
    });
    expect(row).toMatchObject({ status: "delivered", attempts: 2, last_error: null });
    expect(github.problems).toEqual([]);
  }, 60_000);

  it("measures: ten labelled issues, one after another, each answered and commented once", async () => {
    const answered: number[] = [];
    const commented: number[] = [];
    const issues = Array.from({ length: 10 }, (_, i) => 100 + i);
    for (const n of issues) {
      const start = performance.now();
      const answer = await deliver("issues", labeled(n));
      const done = performance.now();
      expect(answer.status).toBe(201);
      answered.push(done - start);
      await waitFor(`the comment on #${n}`, async () => commentsOn(n).length > 0, 30_000, 5);
      commented.push(performance.now() - done);
    }
    for (const n of issues) expect(commentsOn(n)).toHaveLength(1);
    const pct = (xs: number[], p: number) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]);
    console.log(`github issues: delivery → 201 p50 ${pct(answered, 50)} ms, max ${pct(answered, 100)} ms; 201 → comment at GitHub p50 ${pct(commented, 50)} ms, max ${pct(commented, 100)} ms`);
    for (const n of issues) {
      const [link] = await sql`SELECT task_id FROM github_issue_tasks WHERE issue_number = ${n}`;
      await alice.deleteTask("me", link.task_id as string);
    }
    expect(github.problems).toEqual([]);
  }, 120_000);

  it("the owner can turn inbound deliveries off: the secret cleared, deliveries are 401", async () => {
    const off = await owner.updateGitProvider(providerId, { webhook_secret: null, issue_label: "ai" });
    expect(off).toMatchObject({ webhook_secret_set: false, issue_label: "ai" });
    expect((await deliver("issues", labeled(7, "alice-gh", "ai"))).status).toBe(401);
    expect((await links()).filter((l) => l.issue_number === 7)).toEqual([]);
  });
});
