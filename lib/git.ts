import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { searchPath } from "./agent-env";
import { isHttpUrl, localRepositoryPath, withoutCredentials } from "./repo-url";
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
  /** How that is started, when it needs more than a plain spawn (a sandbox whose network is attached as it starts). */
  spawn?: Spawner;
  /**
   * Runs git in a process group of its own, and a stall or the timeout kills the whole group:
   * killing only the first process (bwrap, or git with its ssh or curl helper) would leave the rest
   * holding the pipes, and the build, open. For transfers.
   */
  group?: boolean;
  /** A transfer's watchdog (implies `group`): git is killed when its stderr (its `--progress`) is silent this long. */
  stallMs?: number;
  /** Answers git's credential requests for this origin from memory (see `credentialConfig`). */
  credential?: GitCredentialAnswer;
};

/** What git's credential protocol answers for one origin (`https://host[:port]`): Basic auth user and password (the token). */
export type GitCredentialAnswer = { origin: string; username: string; password: string };

/** The descriptor a credentialed git inherits the answer on (a pipe only the parent writes to). */
const CREDENTIAL_FD = 3;

/**
 * Git asks its credential helper for a user name and password when the server wants them; this
 * helper only copies what the parent process writes into an inherited pipe (fd 3), so the token
 * is never in argv, the environment, a file, a URL or `.git/config` (top-level `-c` is not
 * saved by `clone`). The helper text holds no secret. It is scoped to the one origin (an answer
 * for github.com is never offered to a host a redirect leads to, and redirects are off), other
 * helpers are cleared, and `store`/`erase` do nothing.
 */
export function credentialConfig(origin: string): string[] {
  const helper = `!f() { test "$1" = get || exit 0; cat >/dev/null; cat <&${CREDENTIAL_FD}; }; f`;
  return ["-c", "credential.helper=", "-c", `credential.${origin}.helper=${helper}`, "-c", "credential.interactive=false", "-c", "http.followRedirects=false"];
}

/** Starts a process (node's `spawn`, or one that prepares its sandbox as it starts). */
export type Spawner = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

export class GitError extends Error {}

/** Git without prompts, system or user config, or transports that run commands. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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

/** Git's progress meter lines: said while it works, never why it failed. */
const PROGRESS = /^(remote: )?(Enumerating|Counting|Compressing|Receiving|Resolving|Total|Updating files|Checking)/;

export function git(gitArgs: string[], options: GitRunOptions): Promise<string> {
  const args = options.credential ? [...credentialConfig(options.credential.origin), ...gitArgs] : gitArgs;
  const [command, ...argv] = options.wrap ? options.wrap([program("git"), ...args]) : [program("git"), ...args];
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBuffer = options.maxBuffer ?? 64 * 1024 * 1024;
  const { stallMs } = options;
  const group = Boolean(options.group || stallMs);
  return new Promise((resolve, reject) => {
    // With a credential, its pipe is fd 3: a spawner that adds descriptors of its own (a sandbox's network) puts them after it.
    const stdio: ("ignore" | "pipe")[] = options.credential ? ["ignore", "pipe", "pipe", "pipe"] : ["ignore", "pipe", "pipe"];
    const child = (options.spawn ?? (spawn as Spawner))(command, argv, { cwd: options.cwd, env: gitEnv(options.env), stdio, detached: group });
    if (options.credential) {
      const answer = child.stdio[CREDENTIAL_FD] as NodeJS.WritableStream;
      answer.on("error", () => {}); // git ended without asking
      answer.end(`username=${options.credential.username}\npassword=${options.credential.password}\n`);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let ended: GitError | undefined;
    const kill = (why: GitError) => {
      ended ??= why;
      try {
        if (group && child.pid) process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // Gone already.
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBuffer) return kill(new GitError(`output over ${maxBuffer} bytes`));
      into.push(chunk);
    };
    const timer = setTimeout(() => kill(new GitError(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    let watchdog: NodeJS.Timeout | undefined;
    const watch = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => kill(new GitStalled(stallMs!)), stallMs);
    };
    if (stallMs) watch();
    child.stdout!.on("data", collect(out));
    child.stderr!.on("data", (chunk: Buffer) => {
      if (stallMs) watch();
      collect(err)(chunk);
    });
    child.once("error", (error) => kill(new GitError(error.message)));
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      if (ended) return reject(ended);
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const said = Buffer.concat(err)
        .toString("utf8")
        .split(/[\r\n]/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("hint:") && !PROGRESS.test(l));
      reject(new GitError(said.slice(-3).join(" ") || `git exited with ${signal ?? `code ${code}`}`));
    });
  });
}

/** A transfer that received nothing for the stall time. */
export class GitStalled extends GitError {
  constructor(readonly stallMs: number) {
    super(`stalled: no data for ${Math.round(stallMs / 1000)} s`);
  }
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
  spawn?: Spawner;
  url: string;
  baseRef?: string;
  branch: string;
  identity: { name: string; email: string };
  /** A transfer that receives nothing for this long fails. */
  stallSeconds?: number;
  /** For an http(s) repository of a configured provider: the task owner's credential, fed to git from memory. */
  credential?: GitCredentialAnswer;
}): Promise<Checkout> {
  const repo = path.posix.join(input.dir, "repo");
  const stallSeconds = input.stallSeconds ?? 30;
  // A local repository belongs to another user than the sandbox's: git (and its upload-pack) must still read it.
  const run = (args: string[], transfer?: { stallMs?: number }) =>
    git(["-c", "safe.directory=*", ...args], {
      cwd: input.cwd,
      wrap: input.wrap,
      spawn: input.spawn,
      timeoutMs: 5 * 60_000,
      group: Boolean(transfer),
      stallMs: transfer?.stallMs,
      credential: transfer ? input.credential : undefined,
    });
  const local = localRepositoryPath(input.url) ? ["--upload-pack", "git -c safe.directory=* upload-pack"] : [];
  // Over http(s) curl's low-speed limit sees every byte, the ref advertisement included; other
  // transports (ssh, git://, local) are watched through git's progress, which --progress forces.
  const http = isHttpUrl(input.url);
  const transfer = (args: string[]) =>
    http
      ? run(["-c", "http.lowSpeedLimit=1", "-c", `http.lowSpeedTime=${stallSeconds}`, "clone", "--quiet", ...args], {})
      : run(["clone", "--quiet", "--progress", ...args], { stallMs: stallSeconds * 1000 });
  const inRepo = (args: string[]) => run(["-C", repo, ...args]);
  const shown = withoutCredentials(input.url);
  try {
    try {
      await transfer([...local, "--depth", "1", "--no-tags", ...(input.baseRef ? ["--branch", input.baseRef] : []), "--", input.url, repo]);
    } catch (error) {
      // Not a branch or tag: maybe a commit, which only a full clone can check out.
      if (error instanceof GitStalled || isCurlStall(error) || !input.baseRef || !/^[0-9a-f]{4,40}$/i.test(input.baseRef)) throw error;
      await transfer([...local, "--no-checkout", "--", input.url, repo]);
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
    if (error instanceof GitStalled || isCurlStall(error)) throw new GitError(`Cloning ${shown} stalled: no data for ${stallSeconds} s`);
    const message = (error instanceof Error ? error.message : String(error)).replaceAll(input.url, shown);
    throw new GitError(`Cloning ${shown} failed: ${message}`);
  }
}

/**
 * A task without a repository gets an empty one, `<dir>/repo`, on a branch of its own with one
 * empty commit to be its base: its Changes (and patch) are then what the agent wrote, as for a
 * cloned one. No remote. `dir`, `cwd` and `wrap` as for `cloneRepository`.
 */
export async function initRepository(input: { dir: string; cwd: string; wrap?: (argv: string[]) => string[]; branch: string; identity: { name: string; email: string } }): Promise<Checkout> {
  const repo = path.posix.join(input.dir, "repo");
  const run = (args: string[]) => git(args, { cwd: input.cwd, wrap: input.wrap, timeoutMs: 60_000 });
  const inRepo = (args: string[]) => run(["-C", repo, ...args]);
  try {
    await run(["init", "--quiet", `--initial-branch=${input.branch}`, repo]);
    await inRepo(["config", "user.name", input.identity.name]);
    await inRepo(["config", "user.email", input.identity.email]);
    await inRepo(["commit", "--quiet", "--allow-empty", "--no-verify", "-m", "Start of the task"]);
    const baseCommit = (await inRepo(["rev-parse", "HEAD"])).trim();
    return { base_ref: baseCommit, base_commit: baseCommit, branch: input.branch };
  } catch (error) {
    throw new GitError(`Creating the workspace's repository failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** curl's own words when http.lowSpeedLimit/Time gave up. */
const isCurlStall = (error: unknown) => error instanceof GitError && /Operation too slow/.test(error.message);

export type ChangedFile = { path: string; status: "added" | "modified" | "deleted" | "renamed"; additions: number; deletions: number; old_path?: string };
export type Commit = { sha: string; subject: string; author: string; created_at: string };
export type Changes = { head_commit: string; files: ChangedFile[]; diff: string; truncated: boolean; commits: Commit[]; uncommitted_files?: number };

export const DIFF_MAX_BYTES = 1024 * 1024;
/** The most commits `collectChanges` lists (newest first): a branch rebased onto years of history must not make the answer huge. */
export const COMMITS_MAX = 100;
const SUBJECT_MAX_CHARS = 500;

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
    // What a push would commit first (and a delete would lose): files that differ from HEAD.
    const uncommitted = (await run(["diff", "--cached", "--name-only", "-z", "HEAD"])).split("\0").filter(Boolean).length;
    const full = await run(["diff", "--cached", "-M", "--no-color", base], 256 * 1024 * 1024);
    const truncated = Buffer.byteLength(full) > DIFF_MAX_BYTES;
    const diff = truncated ? Buffer.from(full).subarray(0, DIFF_MAX_BYTES).toString("utf8").replace(/\uFFFD$/, "") : full;
    return { head_commit: head, files, diff, truncated, commits: await listCommits(repo, base), uncommitted_files: uncommitted };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The commits on HEAD since `base`, newest first, at most COMMITS_MAX. NUL-separated fields with
 * `-z`: a subject or an author name may hold any other character.
 */
export async function listCommits(repo: string, base: string): Promise<Commit[]> {
  const out = await git(["-c", "log.showSignature=false", "log", "-z", `--max-count=${COMMITS_MAX}`, "--format=%H%x00%s%x00%an <%ae>%x00%aI", `${base}..HEAD`, "--"], { cwd: repo });
  const fields = out.split("\0");
  const commits: Commit[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [sha, subject, author, date] = fields.slice(i, i + 4);
    // Capped: the model chooses names and subjects, and the after-turn report must stay within what the server takes.
    commits.push({ sha: sha.trim(), subject: subject.slice(0, SUBJECT_MAX_CHARS), author: author.slice(0, SUBJECT_MAX_CHARS), created_at: isoDate(date) });
  }
  return commits;
}

/** A commit's date as the API gives dates; one git wrote but JavaScript cannot read (the model can set any) is the epoch, not a failed answer. */
function isoDate(text: string): string {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? new Date(0).toISOString() : at.toISOString();
}

/** Who an agent's commits name as co-author: the agent, at an address that can never be anyone's (`.invalid`). */
export function agentCoAuthor(agent: string): string {
  const name = agent.replace(/[^\w .()-]+/g, "").slice(0, 60) || "agent";
  return `Taskyard agent (${name}) <agent@taskyard.invalid>`;
}

export type CommitResult = { head_commit: string; committed: boolean };

/**
 * Commits everything in the working tree (`git add -A`, .gitignore respected) as `author`, with a
 * `Co-authored-by:` trailer naming the agent; nothing to commit is no error (`committed: false`).
 * The repository's own hooks do not run: this commit is Taskyard's (push commits what is left
 * first), and a hook the agent wrote or a project's failing lint must neither change nor stop it.
 * Runs inside the workspace's sandbox (the runtime), as every git command on an agent's repository.
 */
export async function commitAll(
  repo: string,
  input: { message: string; coAuthor: string; author?: { name: string; email: string } },
  where: GitPlace = { cwd: repo },
): Promise<CommitResult> {
  const run = (args: string[], env?: Record<string, string>) => git(["-c", "core.hooksPath=/dev/null", "-C", repo, ...args], { ...where, env });
  await run(["add", "--all", "--", "."]);
  const staged = await run(["diff", "--cached", "--quiet"]).then(
    () => false,
    () => true,
  );
  if (staged) {
    // Author and committer both: the owner is who commits; the agent is credited in the trailer.
    const who = input.author
      ? { GIT_AUTHOR_NAME: input.author.name, GIT_AUTHOR_EMAIL: input.author.email, GIT_COMMITTER_NAME: input.author.name, GIT_COMMITTER_EMAIL: input.author.email }
      : undefined;
    await run(["commit", "--quiet", "--no-verify", "--cleanup=whitespace", "-m", input.message, "--trailer", `Co-authored-by: ${input.coAuthor}`], who);
  }
  return { head_commit: (await run(["rev-parse", "HEAD"])).trim(), committed: staged };
}

/** Where a git command runs: `cwd` on the host, and inside whatever `wrap` starts (a sandbox, where paths are the sandbox's). */
export type GitPlace = Pick<GitRunOptions, "cwd" | "wrap" | "spawn">;

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Push's first step, in the workspace's sandbox: commits what is left uncommitted when the task's
 * branch is checked out (work on another branch is the agent's own business) and answers the
 * branch's commit.
 */
export async function commitBranch(repo: string, input: { branch: string; message: string; coAuthor: string; author: { name: string; email: string } }, where: GitPlace): Promise<CommitResult> {
  const run = (args: string[]) => git(["-C", repo, ...args], where);
  const current = (await run(["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "")).trim();
  const committed = current === input.branch ? (await commitAll(repo, input, where)).committed : false;
  const head = (await run(["rev-parse", "--verify", "--quiet", `refs/heads/${input.branch}^{commit}`]).catch(() => "")).trim();
  if (!SHA.test(head)) throw new GitError(`the branch ${input.branch} no longer exists in the workspace`);
  return { head_commit: head, committed };
}

/**
 * Pushes `commit` to `branch` of `url` from `gitDir`, a repository of Taskyard's own whose objects
 * come from the workspace's (git's alternates): the workspace's config, hooks and refs, which the
 * model can write, play no part. Never forced blindly: the first push must create the branch or
 * fast-forward it; later ones may overwrite only what the last push left (`lease`), so a push
 * made by someone else in between is a rejection, not lost work.
 */
export async function pushBranch(input: {
  gitDir: string;
  url: string;
  branch: string;
  lease: string | null;
  credential: GitCredentialAnswer;
  where: GitPlace;
  /** A transfer that moves nothing this long fails. */
  stallSeconds: number;
}): Promise<void> {
  const ref = `refs/heads/${input.branch}`;
  const lease = input.lease ? [`--force-with-lease=${ref}:${input.lease}`] : [];
  const shown = withoutCredentials(input.url);
  try {
    await git(
      [
        "-c", "safe.directory=*", "-c", "http.lowSpeedLimit=1", "-c", `http.lowSpeedTime=${input.stallSeconds}`,
        "--git-dir", input.gitDir, "push", "--no-verify", ...lease, input.url, `${ref}:${ref}`,
      ],
      { ...input.where, credential: input.credential, group: true, timeoutMs: 5 * 60_000 },
    );
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replaceAll(input.url, shown);
    throw new GitError(isCurlStall(error) ? `stalled: no data for ${input.stallSeconds} s` : message);
  }
}

/** The commit a push names, checked: it goes into a ref file Taskyard writes itself. */
export function isCommitSha(text: string): boolean {
  return SHA.test(text);
}
