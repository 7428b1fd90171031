import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { searchPath } from "./agent-env";
import { program } from "./system-programs";

/**
 * Everything Taskyard does with git, through the `git` binary: the provisioner's checkout of a
 * task's repository and the agent's account of what changed. Never run on a repository an agent
 * has touched outside its sandbox: a repository's own config can make git run commands.
 */

export type GitRunOptions = {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  maxBuffer?: number;
  /** Runs git inside something else (the workspace's sandbox): the argv it gets, the argv to spawn. */
  wrap?: (argv: string[]) => string[];
};

export class GitError extends Error {}

/** Git without prompts, system or user config, or transports that run commands. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: searchPath(),
    HOME: "/tmp",
    LANG: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    // Not `ext::` (runs a command) nor any other transport: these only.
    GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
    ...extra,
  } as unknown as NodeJS.ProcessEnv;
}

export function git(args: string[], options: GitRunOptions): Promise<string> {
  const [command, ...argv] = options.wrap ? options.wrap([program("git"), ...args]) : [program("git"), ...args];
  return new Promise((resolve, reject) => {
    execFile(
      command,
      argv,
      {
        cwd: options.cwd,
        env: gitEnv(options.env),
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = stderr.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("hint:"));
        reject(new GitError(said.slice(-3).join(" ") || error.message));
      },
    );
  });
}

/** A repository URL with any credentials taken out: what may be shown or stored. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

export type Checkout = { base_ref: string; base_commit: string; branch: string };

/**
 * Clones `url` into `<dir>/repo` (shallow for a branch or tag; a commit needs the history), puts
 * the work on a branch of its own and commits as the task's owner. The remote keeps no
 * credentials the URL carried. `dir` is the workspace as git sees it: with `wrap` (the sandbox),
 * its path inside; `cwd` is where the process starts on the host.
 */
export async function cloneRepository(input: {
  dir: string;
  cwd: string;
  wrap?: (argv: string[]) => string[];
  url: string;
  baseRef?: string;
  branch: string;
  identity: { name: string; email: string };
}): Promise<Checkout> {
  const repo = path.posix.join(input.dir, "repo");
  // A local repository belongs to another user than the sandbox's: git (and its upload-pack) must still read it.
  const run = (args: string[]) => git(["-c", "safe.directory=*", ...args], { cwd: input.cwd, wrap: input.wrap, timeoutMs: 5 * 60_000 });
  const local = localRepositoryPath(input.url) ? ["--upload-pack", "git -c safe.directory=* upload-pack"] : [];
  const inRepo = (args: string[]) => run(["-C", repo, ...args]);
  const shown = withoutCredentials(input.url);
  try {
    try {
      await run(["clone", "--quiet", ...local, "--depth", "1", "--no-tags", ...(input.baseRef ? ["--branch", input.baseRef] : []), "--", input.url, repo]);
    } catch (error) {
      // Not a branch or tag: maybe a commit, which only a full clone can check out.
      if (!input.baseRef || !/^[0-9a-f]{4,40}$/i.test(input.baseRef)) throw error;
      await run(["clone", "--quiet", ...local, "--no-checkout", "--", input.url, repo]);
      await inRepo(["checkout", "--quiet", "--detach", input.baseRef]);
    }
    const baseRef = input.baseRef || (await inRepo(["symbolic-ref", "--short", "HEAD"]).catch(() => "HEAD")).trim();
    const baseCommit = (await inRepo(["rev-parse", "HEAD"])).trim();
    await inRepo(["checkout", "--quiet", "-b", input.branch]);
    await inRepo(["config", "user.name", input.identity.name]);
    await inRepo(["config", "user.email", input.identity.email]);
    if (shown !== input.url) await inRepo(["remote", "set-url", "origin", shown]);
    return { base_ref: baseRef, base_commit: baseCommit, branch: input.branch };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replaceAll(input.url, shown);
    throw new GitError(`Cloning ${shown} failed: ${message}`);
  }
}

/** The local directory a repository URL names (a path or file:// URL), if it is one. */
export function localRepositoryPath(url: string): string | undefined {
  if (url.startsWith("/")) return url;
  if (url.startsWith("file://")) return decodeURIComponent(new URL(url).pathname);
  return undefined;
}

export type ChangedFile = { path: string; status: "added" | "modified" | "deleted" | "renamed"; additions: number; deletions: number; old_path?: string };
export type Changes = { head_commit: string; files: ChangedFile[]; diff: string; truncated: boolean };

export const DIFF_MAX_BYTES = 1024 * 1024;

const STATUS: Record<string, ChangedFile["status"]> = { A: "added", M: "modified", D: "deleted", R: "renamed", T: "modified", C: "added" };

/**
 * The working tree — committed, staged, unstaged and untracked (minus what .gitignore hides) —
 * against `base`: staged into a throwaway index, so the repository's own index is untouched.
 */
export async function collectChanges(repo: string, base: string): Promise<Changes> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-index-"));
  const env = { GIT_INDEX_FILE: path.join(tmp, "index") };
  const run = (args: string[], maxBuffer?: number) => git(args, { cwd: repo, env, maxBuffer });
  try {
    await fs.copyFile(path.join(repo, ".git", "index"), env.GIT_INDEX_FILE).catch(() => {});
    await run(["add", "--all", "--", "."]);
    const head = (await run(["rev-parse", "HEAD"])).trim();
    const numstat = (await run(["diff", "--cached", "-M", "--numstat", "-z", base])).split("\0");
    const files: ChangedFile[] = [];
    for (let i = 0; i < numstat.length - 1; ) {
      const [added, deleted, name] = numstat[i].split("\t");
      const counts = { additions: added === "-" ? 0 : Number(added), deletions: deleted === "-" ? 0 : Number(deleted) };
      if (name === "") {
        files.push({ path: numstat[i + 2], old_path: numstat[i + 1], status: "renamed", ...counts });
        i += 3;
      } else {
        files.push({ path: name, status: "modified", ...counts });
        i += 1;
      }
    }
    const statuses = (await run(["diff", "--cached", "-M", "--name-status", "-z", base])).split("\0");
    for (let i = 0; i < statuses.length - 1; ) {
      const code = statuses[i][0];
      const target = code === "R" || code === "C" ? statuses[i + 2] : statuses[i + 1];
      const file = files.find((f) => f.path === target);
      if (file && code !== "R") file.status = STATUS[code] ?? "modified";
      i += code === "R" || code === "C" ? 3 : 2;
    }
    const full = await run(["diff", "--cached", "-M", "--no-color", base], 256 * 1024 * 1024);
    const truncated = Buffer.byteLength(full) > DIFF_MAX_BYTES;
    const diff = truncated ? Buffer.from(full).subarray(0, DIFF_MAX_BYTES).toString("utf8").replace(/\uFFFD$/, "") : full;
    return { head_commit: head, files, diff, truncated };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
