import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TaskyardClient } from "../lib/sdk/client";
import { startGitHubStandIn } from "../tests/support/forge-stand-ins";
import { startGitHttpServer } from "../tests/support/git-http-server";
import { median } from "./load";

const RUNS = 5;

/**
 * Push and pull-request creation against a real git server (git http-backend) and the GitHub
 * stand-in, each the median of five, as ratios to a plain `git push` of a branch like it (one new
 * commit) to the same server from a clone on this host. Each push also commits a new file first.
 */
export async function pushTimings(client: TaskyardClient, version: string) {
  const token = `ghp_${randomBytes(18).toString("hex")}`;
  const git = await startGitHttpServer({ token, name: "bench/repo" });
  const github = await startGitHubStandIn({ [token]: { login: "bench", scopes: ["repo"] } }, { repositories: { "bench/repo": { get branches() { return git.branches(); } } } });
  const clone = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-bench-push-"));
  // Not execFileSync: the git server answers from this process's event loop.
  const run = (cwd: string, ...args: string[]) =>
    promisify(execFile)("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
  try {
    await client.createGitProvider({ kind: "github", host: git.host, api_url: github.url });
    await client.createGitCredential({ host: git.host, token });
    // Baseline: git itself, pushing a new commit on a branch of its own, the token in the URL.
    const authed = git.url.replace("://", `://x-access-token:${token}@`);
    await run(clone, "clone", "--quiet", authed, ".");
    const plain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await run(clone, "checkout", "--quiet", "-B", `plain-${i}`);
      await fs.writeFile(path.join(clone, `plain-${i}.txt`), `${i}\n`);
      await run(clone, "add", ".");
      await run(clone, "commit", "--quiet", "-m", `plain ${i}`);
      const t0 = performance.now();
      await run(clone, "push", "--quiet", "origin", `plain-${i}`);
      plain.push(performance.now() - t0);
    }
    const pushes: number[] = [];
    const pulls: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const task = await client.createTask({ input: `bench push ${i}`, template_version_id: version, rich_parameter_values: [{ name: "repo_url", value: git.url }] });
      await until(async () => (await client.task("me", task.id)).current_state?.state === "idle");
      await client.send("me", task.id, `/write pushed-${i}.txt ${i}`);
      await until(async () => (await client.changes("me", task.id)).uncommitted_files === 1);
      let t0 = performance.now();
      await client.push("me", task.id);
      pushes.push(performance.now() - t0);
      await client.send("me", task.id, `/write more-${i}.txt ${i}`);
      await until(async () => (await client.changes("me", task.id)).uncommitted_files === 1);
      t0 = performance.now();
      await client.pullRequest("me", task.id);
      pulls.push(performance.now() - t0);
      await client.deleteTask("me", task.id);
    }
    const base = median(plain);
    const baseline = `plain \`git push\` ${base.toFixed(0)} ms`;
    return [
      { name: `push: commit + push a branch (median of ${RUNS})`, result: `${median(pushes).toFixed(0)} ms`, baseline, ratio: `${(median(pushes) / base).toFixed(1)}×` },
      { name: `pull request: commit + push + open (median of ${RUNS})`, result: `${median(pulls).toFixed(0)} ms`, baseline, ratio: `${(median(pulls) / base).toFixed(1)}×` },
    ];
  } finally {
    await fs.rm(clone, { recursive: true, force: true });
    await github.close();
    await git.close();
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}
