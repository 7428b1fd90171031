import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCoAuthor, commitAll } from "../git";
import { ensureAgentBundle } from "../workspaces/agent-bundle";
import { commitAttributionEnv } from "./commit-attribution";
import { WorkspaceChannel } from "./workspace-channel";

/**
 * Real git in a real workspace runtime (started locally, as without a sandbox): what the coding
 * agent's own commits carry, and the runtime's commit of everything (push's first step).
 */
describe("commits in a workspace", () => {
  let dir: string;
  let repo: string;
  let base: string;
  let channel: WorkspaceChannel;
  const hostGit = (...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", ...args], { cwd: repo, encoding: "utf8" }).trim();
  const coAuthor = agentCoAuthor("claude");
  /** A command as the coding agent runs it: its environment carries the attribution. */
  const agentSh = async (command: string) => {
    const result = await channel.exec({ argv: ["sh", "-c", command], cwd: repo, env: { PATH: "/usr/bin:/bin", HOME: dir, ...commitAttributionEnv("claude") } });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-commits-"));
    repo = path.join(dir, "repo");
    await fs.mkdir(repo);
    hostGit("init", "--quiet", "--initial-branch=main");
    hostGit("config", "user.name", "Alice Owner");
    hostGit("config", "user.email", "alice@example.com");
    await fs.writeFile(path.join(repo, "README.md"), "# Demo\n");
    hostGit("add", ".");
    hostGit("commit", "--quiet", "-m", "initial");
    base = hostGit("rev-parse", "HEAD");
    channel = WorkspaceChannel.startLocal(dir, [process.execPath, await ensureAgentBundle(), "workspace-runtime"]);
  });
  afterAll(async () => {
    channel.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("a coding agent's `git commit -m` (even --no-verify) is the owner's, with the agent as co-author once; the repository's own hooks still run", async () => {
    await agentSh("echo one > one.txt && git add one.txt && git commit -qm 'Add one'");
    expect(hostGit("log", "-1", "--format=%an <%ae>%n%B")).toBe(`Alice Owner <alice@example.com>\nAdd one\n\nCo-authored-by: ${coAuthor}`);

    // A project's own hook (here .git/hooks; husky's core.hooksPath alike) runs after ours.
    await fs.writeFile(path.join(repo, ".git/hooks/commit-msg"), '#!/bin/sh\necho "Signed-off-by: project hook" >> "$1"\n', { mode: 0o755 });
    await agentSh("echo two > two.txt && git add two.txt && git commit -qm 'Add two'");
    expect(hostGit("log", "-1", "--format=%B")).toBe(`Add two\n\nCo-authored-by: ${coAuthor}\nSigned-off-by: project hook`);
    await fs.rm(path.join(repo, ".git/hooks/commit-msg"));

    // --no-verify skips commit-msg, not prepare-commit-msg; an amend does not add the trailer twice.
    await agentSh("echo three > three.txt && git add three.txt && git commit -q --no-verify -m 'Add three' && git commit -q --amend -m 'Add three, amended'");
    expect(hostGit("log", "-1", "--format=%B")).toBe(`Add three, amended\n\nCo-authored-by: ${coAuthor}`);
  });

  it("lists the commits since the base, newest first, with subject, author and time", async () => {
    const changes = await channel.changes(repo, base);
    expect(changes.commits.map((c) => c.subject)).toEqual(["Add three, amended", "Add two", "Add one"]);
    expect(changes.commits[0]).toEqual({ sha: hostGit("rev-parse", "HEAD"), subject: "Add three, amended", author: "Alice Owner <alice@example.com>", created_at: expect.any(String) });
    expect(Math.abs(Date.parse(changes.commits[0].created_at) - Date.now())).toBeLessThan(60_000);
    expect((await channel.changes(repo, hostGit("rev-parse", "HEAD"))).commits).toEqual([]);
  });

  it("commits everything uncommitted (new, changed, deleted) as the given author with the trailer, skipping the repository's hooks; nothing left is no error", async () => {
    // A hook that would fail the commit (a project's lint, or the model's doing) does not stop this one.
    await fs.writeFile(path.join(repo, ".git/hooks/pre-commit"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    await fs.writeFile(path.join(repo, "one.txt"), "one, changed\n");
    await fs.rm(path.join(repo, "two.txt"));
    await fs.writeFile(path.join(repo, "new file.txt"), "new\n");
    const result = await commitAll(repo, { message: "Fix the login bug", coAuthor, author: { name: "Alice Owner", email: "alice@example.com" } });
    expect(result).toEqual({ committed: true, head_commit: hostGit("rev-parse", "HEAD") });
    expect(hostGit("log", "-1", "--format=%an <%ae>|%cn <%ce>%n%B")).toBe(`Alice Owner <alice@example.com>|Alice Owner <alice@example.com>\nFix the login bug\n\nCo-authored-by: ${coAuthor}`);
    expect(hostGit("show", "--name-status", "--format=", "HEAD").split("\n").sort()).toEqual(["A\tnew file.txt", "D\ttwo.txt", "M\tone.txt"]);
    expect(hostGit("status", "--porcelain")).toBe("");

    // Nothing to commit: the head stays.
    expect(await commitAll(repo, { message: "Again", coAuthor })).toEqual({ committed: false, head_commit: result.head_commit });
  });
});
