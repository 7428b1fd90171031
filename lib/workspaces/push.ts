import fsSync from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { commitBranch, git, GitError, isCommitSha, pushBranch, type GitCredentialAnswer, type GitPlace } from "../git";
import { bubblewrapArgs, sandboxArgs, SANDBOX_UID, SANDBOX_WORKSPACE, type SandboxKind } from "../sandbox/bubblewrap";
import { networkFds, networkProfile, spawnWithNetwork } from "../sandbox/network";
import { program } from "../system-programs";
import { privateDir, sandboxResolvConf, workspaceLayout } from "./layout";

/** The workspace's files are on another host (a provisioner elsewhere) or gone. */
export class WorkspaceNotHere extends Error {
  constructor() {
    super("the workspace's files are not on this host");
  }
}

export type PushInput = {
  workspaceId: string;
  /** The uid the workspace runs as. */
  uid: number;
  url: string;
  branch: string;
  /** The commit the last push left on the remote branch (it may be overwritten); null before the first. */
  lease: string | null;
  credential: GitCredentialAnswer;
  commit: { message: string; author: { name: string; email: string }; coAuthor: string };
  stallSeconds: number;
};

/**
 * A task's push, on the host that holds its workspace: commits what is left on the task's branch
 * (as its owner, the agent credited), then pushes the branch with the owner's credential, which
 * never enters the workspace's sandbox. Resolves with the pushed commit; git's failures are GitErrors.
 */
export async function pushWorkspace(host: { dataDir: string; sandbox: SandboxKind }, input: PushInput): Promise<{ head_commit: string; committed: boolean }> {
  const dir = workspaceLayout(host.dataDir).workspaceDir(input.workspaceId);
  if (!fsSync.existsSync(dir)) throw new WorkspaceNotHere();
  if (!fsSync.existsSync(path.join(dir, "repo"))) throw new GitError("the workspace has no checkout");
  const sandboxed = host.sandbox === "bubblewrap";
  const uid = sandboxed && process.getuid?.() === 0 ? input.uid : SANDBOX_UID;
  // The commit runs where the agent's git would: in the workspace's sandbox, as its uid, with no network.
  const inWorkspace: GitPlace = sandboxed
    ? { cwd: host.dataDir, wrap: (argv) => [program("bwrap"), ...bubblewrapArgs(dir, argv, { ownNetwork: true, dieWithParent: true, uid })] }
    : { cwd: dir };
  const repo = sandboxed ? path.posix.join(SANDBOX_WORKSPACE, "repo") : path.join(dir, "repo");
  const { head_commit, committed } = await commitBranch(repo, { branch: input.branch, ...input.commit }, inWorkspace);
  if (!isCommitSha(head_commit)) throw new GitError(`the branch ${input.branch} names no commit`);

  // The push runs from a bare repository root makes in its own directory, holding one ref and
  // borrowing the workspace's objects (alternates): git reads no config, hook or ref the model
  // wrote. In a sandbox of its own — the workspace read-only, the credential on a pipe, a network
  // of its own — so the token is never within reach of the workspace's processes.
  await privateDir(path.join(host.dataDir, "pushes"));
  const scratch = await fs.mkdtemp(path.join(host.dataDir, "pushes", "push-"));
  try {
    await git(["init", "--bare", "--quiet", "--template=", scratch], { cwd: scratch });
    const objects = sandboxed ? path.posix.join(SANDBOX_WORKSPACE, "repo", ".git", "objects") : path.join(dir, "repo", ".git", "objects");
    await fs.writeFile(path.join(scratch, "objects", "info", "alternates"), `${objects}\n`);
    const ref = path.join(scratch, "refs", "heads", input.branch);
    await fs.mkdir(path.dirname(ref), { recursive: true });
    await fs.writeFile(ref, `${head_commit}\n`);
    // Readable by the sandbox's uid through the bind mount; its parent keeps it from anyone on the host.
    await fs.chmod(scratch, 0o755);
    const where = sandboxed ? await pushSandbox({ dataDir: host.dataDir, scratch, workspace: dir, uid }) : { cwd: scratch };
    await pushBranch({ gitDir: sandboxed ? PUSH_DIR : scratch, url: input.url, branch: input.branch, lease: input.lease, credential: input.credential, where, stallSeconds: input.stallSeconds });
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return { head_commit, committed };
}

const PUSH_DIR = "/push";

/** The push's sandbox: only its bare repository and the workspace, read-only, with a network of its own and the credential's pipe at fd 3. */
async function pushSandbox(at: { dataDir: string; scratch: string; workspace: string; uid: number }): Promise<GitPlace> {
  const firstNetworkFd = 4; // after the credential's pipe
  const resolv = await sandboxResolvConf(at.dataDir);
  const profile = {
    writable: [],
    chdir: PUSH_DIR,
    uid: at.uid,
    ...networkProfile(networkFds(firstNetworkFd)),
    dieWithParent: true,
    files: [
      { source: at.scratch, target: PUSH_DIR },
      { source: at.workspace, target: SANDBOX_WORKSPACE },
      { source: resolv, target: "/etc/resolv.conf" },
    ],
  };
  return { cwd: at.scratch, wrap: (argv) => [program("bwrap"), ...sandboxArgs(profile, argv)], spawn: spawnWithNetwork(true, firstNetworkFd) };
}
