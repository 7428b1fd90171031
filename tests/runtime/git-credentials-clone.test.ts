import { randomBytes } from "node:crypto";
import fs from "node:fs";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskyardClient, type Task } from "../../lib/sdk/client";
import { ownerOf, startExtraServer, type ExtraServer } from "../support/extra-server";
import { startGitHubStandIn, startGitLabStandIn } from "../support/forge-stand-ins";
import { startGitHttpServer, type GitHttpServer } from "../support/git-http-server";
import { databaseDump, filesContaining } from "../support/leaks";
import { processesHolding } from "../support/processes";
import { waitFor, waitForStatus } from "../support/runtime";

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
/** A token the forge accepts (it says whose it is) but the git server does not (say, without repository access). */
const WRONG = `ghp_${randomBytes(18).toString("hex")}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("cloning a private repository with the task owner's git credential", () => {
  let server: ExtraServer;
  let git: GitHttpServer;
  let sql: postgres.Sql;
  let owner: TaskyardClient;
  let echo: string;
  const answers: string[] = [];
  const procLeaks = new Set<string>();
  let watching: NodeJS.Timeout | undefined;
  let githubProblems: () => string[];

  beforeAll(async () => {
    git = await startGitHttpServer({ token: TOKEN });
    cleanups.push(() => git.close());
    const github = await startGitHubStandIn({ [TOKEN]: { login: "alice-gh", scopes: ["repo"] }, [WRONG]: { login: "carol-gh", scopes: [] } });
    cleanups.push(() => github.close());
    githubProblems = () => github.problems;
    // debug: the most the server ever logs, all of which must stay free of the token.
    server = await startExtraServer({ LOG_LEVEL: "debug" });
    cleanups.push(() => server.stop());
    sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
    cleanups.push(() => sql.end());
    owner = await ownerOf(server);
    echo = (await owner.templates()).find((t) => t.name === "echo")!.active_version_id;
    // The git server's host (its non-loopback address and port) is a GitHub provider whose API is the stand-in.
    await owner.createGitProvider({ kind: "github", host: git.host, api_url: github.url });
    // Watches every process while the clones run: the token must never be in an argv or environment.
    watching = setInterval(() => processesHolding(TOKEN).forEach((p) => procLeaks.add(p)), 25);
    cleanups.push(async () => clearInterval(watching));
  });

  async function user(name: string) {
    const created = await owner.createUser({ email: `${name}@example.com`, username: name, password: "password-123", role: "member" });
    const { key } = await owner.createApiKey(created.id);
    return new TaskyardClient({ baseUrl: server.baseUrl, token: key });
  }
  const withRepo = (client: TaskyardClient) => client.createTask({ input: "clone it", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: git.url }] });
  const remember = async <T>(p: Promise<T>) => {
    const value = await p;
    answers.push(JSON.stringify(value));
    return value;
  };

  it("clones inside the clone sandbox with the owner's credential (Basic auth as x-access-token) and marks it used", async () => {
    // Where bubblewrap works (as here, as root) the clone runs in the clone sandbox, credential and all.
    const info = (await (await fetch(`${server.baseUrl}/api/v2/buildinfo`)).json()) as { sandbox: string };
    if (fs.existsSync("/usr/bin/bwrap") && process.getuid?.() === 0) expect(info.sandbox).toBe("bubblewrap");
    const alice = await user("alice");
    await remember(alice.createGitCredential({ host: git.host, token: TOKEN }));
    const task = await remember(withRepo(alice));
    await waitForStatus(alice, task.id, "active", 60_000);
    const done = await remember(alice.task("me", task.id));
    expect(done.repository).toMatchObject({ branch: `taskyard/${task.name}`, base_ref: "main" });
    expect(git.log()).toContain(done.repository!.base_commit);
    expect(git.requests.some((r) => r.user === "x-access-token" && r.status === 200 && r.url.includes("git-upload-pack"))).toBe(true);
    await remember(alice.changes("me", task.id));
    await remember(alice.logs("me", task.id));
    const [credential] = await remember(alice.gitCredentials());
    expect(credential.last_used_at).not.toBeNull();
  });

  it("without a credential for the host the create is a 400 naming the host and where to add one", async () => {
    const dave = await user("dave");
    const res = await fetch(`${server.baseUrl}/api/v2/tasks/me`, {
      method: "POST",
      headers: { "content-type": "application/json", "Coder-Session-Token": dave.token! },
      body: JSON.stringify({ input: "clone it", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: git.url }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe(`No git credential for ${git.host}: add a git credential for ${git.host} in Settings → Git credentials or with \`taskyard git-credentials add\`.`);
  });

  it("a token the git server refuses fails the build with git's message, which holds no token", async () => {
    const carol = await user("carol");
    await carol.createGitCredential({ host: git.host, token: WRONG });
    const task = await withRepo(carol);
    const failed: Task = await waitFor("the build to fail", async () => {
      const t = await carol.task("me", task.id);
      return t.status === "error" ? t : undefined;
    }, 60_000);
    const [build] = await sql<{ job_error: string }[]>`SELECT b.job_error FROM workspace_builds b JOIN tasks t ON t.workspace_id = b.workspace_id WHERE t.id = ${task.id}`;
    expect(build.job_error).toMatch(/Cloning http:\/\/.+\/private\.git failed: .*Authentication failed/);
    for (const text of [build.job_error, JSON.stringify(failed), server.output()]) expect(text).not.toContain(WRONG);
  });

  it("GitLab signs in as oauth2 and a generic host as the saved login (servers that accept only that user name)", async () => {
    const gitlabGit = await startGitHttpServer({ token: TOKEN, username: "oauth2", name: "gl" });
    cleanups.push(() => gitlabGit.close());
    const genericGit = await startGitHttpServer({ token: TOKEN, username: "lab-user", name: "lab" });
    cleanups.push(() => genericGit.close());
    const gitlab = await startGitLabStandIn({ [TOKEN]: { username: "erin-gl", scopes: ["read_repository"] } });
    cleanups.push(() => gitlab.close());
    await owner.createGitProvider({ kind: "gitlab", host: gitlabGit.host, api_url: gitlab.apiUrl });
    await owner.createGitProvider({ kind: "generic", host: genericGit.host });
    const erin = await user("erin");
    expect(await remember(erin.createGitCredential({ host: gitlabGit.host, token: TOKEN }))).toMatchObject({ login: "erin-gl" });
    await remember(erin.createGitCredential({ host: genericGit.host, token: TOKEN, username: "lab-user" }));
    for (const repo of [gitlabGit, genericGit]) {
      const task = await remember(erin.createTask({ input: "clone it", template_version_id: echo, rich_parameter_values: [{ name: "repo_url", value: repo.url }] }));
      await waitForStatus(erin, task.id, "active", 60_000).catch(async (error) => {
        const [build] = await sql<{ job_status: string; job_error: string }[]>`SELECT b.job_status, b.job_error FROM workspace_builds b JOIN tasks t ON t.workspace_id = b.workspace_id WHERE t.id = ${task.id}`;
        throw new Error(`${(error as Error).message}; build ${build?.job_status}: ${build?.job_error}`);
      });
      expect((await remember(erin.task("me", task.id))).repository?.base_commit).toBe(repo.log().split(" ")[0]);
    }
    expect(gitlabGit.requests.some((r) => r.user === "oauth2" && r.status === 200)).toBe(true);
    expect(genericGit.requests.some((r) => r.user === "lab-user" && r.status === 200)).toBe(true);
  }, 150_000);

  it("leaves the token nowhere: no process's argv or environment, no file under the data dir, no log line, no API answer, no database row", async () => {
    clearInterval(watching);
    expect(githubProblems()).toEqual([]);
    expect([...procLeaks]).toEqual([]);
    expect(processesHolding(TOKEN)).toEqual([]);
    expect(filesContaining(server.dataDir, TOKEN)).toEqual([]);
    expect(server.output()).not.toContain(TOKEN);
    expect(answers.length).toBeGreaterThan(4);
    for (const answer of answers) expect(answer).not.toContain(TOKEN);
    const dump = await databaseDump(sql);
    expect(dump).toContain(`,${TOKEN.slice(-4)},`); // the credentials' rows are in the dump, sealed
    expect(dump).not.toContain(TOKEN);
    expect(dump).not.toContain(TOKEN.slice(4, 24));
  });
});
