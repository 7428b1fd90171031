import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createTestUser, echoTemplateVersion, ownerClient, type TestUser } from "../support/api";
import { newConfigDir, runCli } from "../support/cli";
import { startGitHubStandIn } from "../support/forge-stand-ins";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server";
import { waitFor, waitForState } from "../support/runtime";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;

const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });

describe("the taskyard CLI: taskyard task push and taskyard task pr", () => {
  let user: TestUser;
  let config: string;
  let git: GitHttpServer;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  let providerId: string | undefined;
  // The stand-in knows the repository's branches from this list, not from the git server: a pushed branch is added.
  const standInRepository = { branches: ["main"] };
  const cli = (...args: string[]) => runCli(args, { config });

  beforeAll(async () => {
    // "acme/cli": a path GitHub's API can name (owner/repository).
    git = await startGitHttpServer({ token: TOKEN, name: "acme/cli" });
    github = await startGitHubStandIn({ [TOKEN]: { login: "cli-pusher", scopes: ["repo"] } }, { repositories: { "acme/cli": standInRepository } });
    providerId = (await ownerClient().createGitProvider({ kind: "github", host: git.host, api_url: github.url })).id;
    user = await createTestUser();
    await user.client.createGitCredential({ host: git.host, token: TOKEN });
    config = await newConfigDir();
    await runCli(["login", baseUrl(), "--token", user.token], { config });
  });
  afterAll(async () => {
    if (providerId) await ownerClient().deleteGitProvider(providerId).catch(() => {});
    await github?.close();
    await git?.close();
  });

  const say = async (task: string, input: string) => {
    const before = (await user.client.logs("me", task)).logs.length;
    await user.client.send("me", task, input);
    await waitFor("the reply", async () => (await user.client.logs("me", task)).logs.length >= before + 2, 20_000);
    await waitForState(user.client, task, "idle");
  };

  it("pushes the task's branch (committing what the agent left) and says where; -o json prints the API's answer", async () => {
    const task = await user.client.createTask({
      input: "Greet the remote",
      name: "push-me",
      template_version_id: await echoTemplateVersion(),
      rich_parameter_values: [{ name: "repo_url", value: git.url }],
    });
    await waitForState(user.client, task.id, "idle", 60_000);
    await say(task.id, "/write hello.txt hello from the agent");
    const branch = "taskyard/push-me";

    const pushed = await cli("task", "push", "push-me");
    expect(pushed.code, pushed.stderr).toBe(0);
    const head = git.log(branch).split(" ")[0];
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(pushed.stdout).toBe(`Pushed ${head.slice(0, 7)} to ${branch} on ${git.url}\n`);
    // The progress line, on stderr (not a terminal: one line a CI log keeps).
    expect(pushed.stderr).toBe(`Pushing ${user.username}/push-me…\n`);
    expect(gitIn(git.bare, "show", `${branch}:hello.txt`)).toBe("hello from the agent\n");

    await say(task.id, "/sh echo more >> hello.txt && git commit -qam 'Say more'");
    const json = await cli("task", "push", `${user.username}/push-me`, "-o", "json");
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer).toEqual({ branch, head_commit: git.log(branch).split(" ")[0], remote: git.url });
    expect(git.log(branch).split("\n")[0]).toBe(`${answer.head_commit} Say more`);
    await user.client.deleteTask("me", task.id);
  });

  it("pr pushes, opens a pull request and prints its URL and \"#N · state\"; asked again, the same one; -o json prints the answer", async () => {
    const task = await user.client.createTask({
      input: "Open a pull request",
      name: "pr-me",
      template_version_id: await echoTemplateVersion(),
      rich_parameter_values: [{ name: "repo_url", value: git.url }],
    });
    await waitForState(user.client, task.id, "idle", 60_000);
    await say(task.id, "/write pr.txt for review");
    standInRepository.branches.push("taskyard/pr-me");

    const opened = await cli("task", "pr", "pr-me", "--title", "Add pr.txt", "--body", "Please review.", "--draft");
    expect(opened.code, opened.stderr).toBe(0);
    const { pull_request } = await user.client.task("me", task.id);
    expect(pull_request).toMatchObject({ provider: "github", number: 1, state: "open", draft: true });
    expect(opened.stdout).toBe(`${pull_request!.url}\n#1 · draft\n`);
    expect(github.pulls).toEqual([expect.objectContaining({ project: "acme/cli", head: "taskyard/pr-me", base: "main", title: "Add pr.txt", body: "Please review.", draft: true })]);
    // Pushed first.
    expect(gitIn(git.bare, "show", "taskyard/pr-me:pr.txt")).toBe("for review\n");

    const again = await cli("task", "pr", `${user.username}/pr-me`, "-o", "json");
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(pull_request);
    expect(github.pulls).toHaveLength(1);
    expect(github.problems).toEqual([]);
    await user.client.deleteTask("me", task.id);
  });

  it("fails with exit 1 and the server's reason as the last stderr line: no repository, no credential, unknown task", async () => {
    const plain = await user.client.createTask({ input: "No repository", name: "push-plain", template_version_id: await echoTemplateVersion() });
    const noRepo = await cli("task", "push", plain.id);
    expect(noRepo.code).toBe(1);
    // Before its first start it has none; after, one of its own with no remote (whichever this is).
    expect(noRepo.stderr.trimEnd().split("\n").at(-1)).toMatch(/^taskyard: push the task's branch: This task(?: has no repository|'s repository has no remote)/);
    const noRepoPr = await cli("task", "pr", plain.id, "-o", "json");
    expect(noRepoPr.code).toBe(1);
    expect(noRepoPr.stdout).toBe("");
    expect(noRepoPr.stderr.trimEnd().split("\n").at(-1)).toMatch(/^taskyard: create the pull request: This task(?: has no repository|'s repository has no remote)/);
    await user.client.deleteTask("me", plain.id);

    const unknown = await cli("task", "push", "no-such-task");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^taskyard: resolve task "no-such-task": /)]);

    // The credential removed after the clone: the detail says where to add one.
    const task = await user.client.createTask({
      input: "No credential",
      name: "push-nocred",
      template_version_id: await echoTemplateVersion(),
      rich_parameter_values: [{ name: "repo_url", value: git.url }],
    });
    await waitForState(user.client, task.id, "idle", 60_000);
    const [credential] = (await user.client.gitCredentials()).filter((c) => c.host === git.host);
    await user.client.deleteGitCredential(credential.id);
    try {
      const noCred = await cli("task", "push", "push-nocred");
      expect(noCred.code).toBe(1);
      expect(noCred.stderr.trimEnd().split("\n").at(-1)).toMatch(/^taskyard: push the task's branch: .*Settings → Git credentials/);
    } finally {
      await user.client.createGitCredential({ host: git.host, token: TOKEN });
    }
    await user.client.deleteTask("me", task.id);
  });

  it("--help teaches push and pr with examples", async () => {
    const push = await cli("task", "push", "--help");
    expect(push.stdout).toContain("Examples:");
    expect(push.stdout).toContain("$ taskyard task push fix-login-bug");
    const pr = await cli("task", "pr", "--help");
    expect(pr.stdout).toContain("--draft");
    expect(pr.stdout).toContain("--title <title>");
    expect(pr.stdout).toContain("$ taskyard task pr fix-login-bug --draft");
  });
});
