import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gitEnv } from "../git";
import { program } from "../system-programs";

/**
 * The repository half of a work snapshot (README "What survives a lost host"), taken by the
 * workspace runtime, inside the workspace's sandbox as its uid: git runs on a repository the model
 * can write, so never outside it. Nothing in the repository or its index is changed (the working
 * tree is staged into a throwaway index, as for Changes).
 */

/** What the agent asks the runtime for. `paths`: the coding agent's session files, relative to the workspace. */
export type WorkSnapshotRequest = { repo: string | null; base: string | null; branch: string | null; paths: string[]; maxBytes: number };

/** Parts base64-encoded (the channel speaks JSON); a part left out is null and `dropped` says why. */
export type WorkSnapshotParts = { head_commit: string | null; bundle: string | null; diff: string | null; files: string | null; dropped: string[] };

const TIMEOUT_MS = 120_000;

/** A command's stdout as bytes (git's `bundle create -`, tar): fails past `maxBytes` or on a non-zero exit. */
function output(argv: string[], options: { cwd: string; env?: Record<string, string>; maxBytes: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: gitEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = "";
    let over = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) {
        over = true;
        child.kill("SIGKILL");
        return;
      }
      if (!over) chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (over) return reject(new TooLarge(options.maxBytes));
      if (code !== 0) return reject(new Error(stderr.trim().split("\n").at(-1) || `${path.basename(argv[0])} exited with ${signal ?? code}`));
      resolve(Buffer.concat(chunks));
    });
  });
}

class TooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`over ${maxBytes} bytes`);
  }
}

const gitArgv = (repo: string, args: string[]) => [program("git"), "-c", "core.hooksPath=/dev/null", "-C", repo, ...args];

/** `git rev-parse --verify`, or null when the revision does not exist. */
async function revision(repo: string, rev: string): Promise<string | null> {
  const out = await output(gitArgv(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]), { cwd: repo, maxBytes: 1024 }).catch(() => null);
  return out ? out.toString("utf8").trim() : null;
}

/**
 * The branch as a bundle: since the base commit when that has parents or the clone is shallow (a
 * cloned repository, whose history the restore clones again), all of it when the base is a root
 * commit (a repository Taskyard made: nothing to clone it from). Null when there is nothing since the base.
 */
async function bundleOf(repo: string, branch: string, base: string | null, maxBytes: number): Promise<Buffer | null> {
  // A shallow clone's base shows no parents, but its history is the remote's all the same.
  const shallow = await fs.stat(path.join(repo, ".git", "shallow")).then(() => true, () => false);
  const baseHasParents = base ? shallow || (await revision(repo, `${base}^`)) !== null : false;
  const range = baseHasParents ? [`refs/heads/${branch}`, `^${base}`] : [`refs/heads/${branch}`];
  if (baseHasParents && (await revision(repo, base!)) === (await revision(repo, `refs/heads/${branch}`))) return null;
  return output(gitArgv(repo, ["bundle", "create", "--quiet", "-", ...range]), { cwd: repo, maxBytes });
}

/** The working tree (staged, unstaged, untracked but not ignored) against the branch's commit, as a binary patch; null when there is no difference. */
async function diffOf(repo: string, branch: string, maxBytes: number): Promise<Buffer | null> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-snapshot-"));
  const env = { GIT_INDEX_FILE: path.join(tmp, "index") };
  try {
    await fs.copyFile(path.join(repo, ".git", "index"), env.GIT_INDEX_FILE).catch(() => {});
    await output(gitArgv(repo, ["add", "--all", "--", "."]), { cwd: repo, env, maxBytes: 1024 * 1024 });
    const diff = await output(gitArgv(repo, ["diff", "--cached", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", `refs/heads/${branch}`, "--"]), { cwd: repo, env, maxBytes });
    return diff.length ? diff : null;
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The named files and directories of the workspace (those that exist) as a tar.gz; null when none does. */
async function filesOf(workspaceDir: string, paths: string[], maxBytes: number): Promise<Buffer | null> {
  const safe = paths.filter((p) => p && !path.isAbsolute(p) && !p.split("/").includes(".."));
  const present: string[] = [];
  for (const p of safe) if (await fs.lstat(path.join(workspaceDir, p)).then(() => true, () => false)) present.push(p);
  if (!present.length) return null;
  return output([program("tar"), "-czf", "-", "-C", workspaceDir, "--", ...present], { cwd: workspaceDir, maxBytes });
}

/**
 * Takes the parts in order of worth within `maxBytes`: the coding agent's session files, the
 * bundle, the diff. A part that does not fit (or cannot be read) is left out and said in
 * `dropped`; the rest still goes.
 */
export async function takeWorkSnapshot(workspaceDir: string, request: WorkSnapshotRequest): Promise<WorkSnapshotParts> {
  const parts: WorkSnapshotParts = { head_commit: null, bundle: null, diff: null, files: null, dropped: [] };
  let room = request.maxBytes;
  const take = async (name: "files" | "bundle" | "diff", make: (max: number) => Promise<Buffer | null>) => {
    try {
      const bytes = await make(room);
      if (!bytes) return;
      room -= bytes.length;
      parts[name] = bytes.toString("base64");
    } catch (error) {
      parts.dropped.push(error instanceof TooLarge ? `${name}: over the size cap` : `${name}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
    }
  };
  await take("files", (max) => filesOf(workspaceDir, request.paths, max));
  const { repo, branch, base } = request;
  if (repo && branch && (await revision(repo, `refs/heads/${branch}`))) {
    parts.head_commit = await revision(repo, `refs/heads/${branch}`);
    await take("bundle", (max) => bundleOf(repo, branch, base, max));
    await take("diff", (max) => diffOf(repo, branch, max));
  } else if (repo && branch) {
    parts.dropped.push(`bundle: the branch ${branch} no longer exists`);
  }
  return parts;
}
