import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { DbOrTx } from "../db/client";
import { dataDir, env } from "../env";
import { git, GitError, type GitCredentialAnswer } from "../git";
import { credentialForHost, gitCredentialAnswer, httpOrigin } from "../git-credentials/credentials";
import { isHttpUrl, localRepositoryPath, withoutCredentials } from "../repo-url";
import { bubblewrapArgs, resolveSandbox, SANDBOX_UID } from "../sandbox/bubblewrap";
import { networkFds, networkProfile, spawnWithNetwork } from "../sandbox/network";
import { program } from "../system-programs";
import { sandboxResolvConf } from "./layout";

/** Long enough for a slow forge to list a few refs, short enough to answer a click. */
const PROBE_TIMEOUT_MS = 20_000;

export type RepositoryProblem = { field: "repo_url" | "base_ref"; detail: string };

/**
 * Whether a clone of `url` at `baseRef` could start: `git ls-remote` with the owner's credential
 * (as the clone gets it), asking only for the ref. Undefined when it could; else what is wrong,
 * in git's words. A commit id cannot be checked without fetching, so one that is not a branch or
 * tag name passes. Where workspaces are sandboxed, git runs as the clone does: in a sandbox of its
 * own with a network of its own, so a URL naming the host's loopback reaches nothing here either.
 */
export async function probeRepository(db: DbOrTx, input: { ownerId: string; url: string; baseRef?: string }): Promise<RepositoryProblem | undefined> {
  const shown = withoutCredentials(input.url);
  const credential = await ownerCredential(db, input.ownerId, input.url);
  const patterns = input.baseRef ? [`refs/heads/${input.baseRef}`, `refs/tags/${input.baseRef}`] : ["HEAD"];
  let listed: string;
  try {
    listed = await listRemote(input.url, patterns, credential);
  } catch (error) {
    const said = (error instanceof Error ? error.message : String(error)).replaceAll(input.url, shown);
    return { field: "repo_url", detail: `${shown} cannot be read: ${said}` };
  }
  if (!input.baseRef || listed.trim() !== "" || /^[0-9a-f]{4,40}$/i.test(input.baseRef)) return undefined;
  return { field: "base_ref", detail: `${shown} has no branch or tag named "${input.baseRef}"` };
}

/** What the clone would be given: the owner's token for an http(s) provider host (not marked used: nothing was cloned). */
async function ownerCredential(db: DbOrTx, ownerId: string, url: string): Promise<GitCredentialAnswer | undefined> {
  const found = httpOrigin(url);
  if (!found) return undefined;
  const credential = await credentialForHost({ db, userId: ownerId, host: found.host });
  if (!credential || (found.origin.startsWith("http://") && !credential.plainHttpAllowed)) return undefined;
  return gitCredentialAnswer(found.origin, credential);
}

async function listRemote(url: string, patterns: string[], credential: GitCredentialAnswer | undefined): Promise<string> {
  const local = localRepositoryPath(url);
  const uploadPack = local ? ["--upload-pack=git -c safe.directory=* upload-pack"] : [];
  const stall = isHttpUrl(url) ? ["-c", "http.lowSpeedLimit=1", "-c", `http.lowSpeedTime=${Math.round(PROBE_TIMEOUT_MS / 2000)}`] : [];
  const args = ["-c", "safe.directory=*", ...stall, "ls-remote", ...uploadPack, "--", url, ...patterns];
  const options = { timeoutMs: PROBE_TIMEOUT_MS, group: true, credential, maxBuffer: 1024 * 1024 };
  const { TASKYARD_SANDBOX, TASKYARD_LOCAL_REPO_ROOTS: roots, TMPDIR } = env();
  if (resolveSandbox(TASKYARD_SANDBOX, () => {}) !== "bubblewrap") {
    return await git(args, { ...options, cwd: TMPDIR }).catch(rethrowTimeout);
  }
  // An empty directory as the sandbox's workspace: git needs a working directory, and nothing else.
  const dir = await fs.mkdtemp(path.join(TMPDIR, "taskyard-probe-"));
  try {
    await fs.chmod(dir, 0o755);
    const firstNetworkFd = credential ? 4 : 3;
    const network = { ...networkProfile(networkFds(firstNetworkFd)), files: [{ source: await sandboxResolvConf(dataDir()), target: "/etc/resolv.conf" }] };
    const wrap = (argv: string[]) => [program("bwrap"), ...bubblewrapArgs(dir, argv, { readOnly: local ? roots : [], dieWithParent: true, uid: SANDBOX_UID, ...network })];
    return await git(args, { ...options, cwd: dir, wrap, spawn: spawnWithNetwork(!local, firstNetworkFd) }).catch(rethrowTimeout);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function rethrowTimeout(error: unknown): never {
  if (error instanceof GitError && /^timed out/.test(error.message)) throw new GitError(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`);
  throw error;
}
