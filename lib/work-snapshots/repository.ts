import { git, type GitPlace } from "../git";

/**
 * Puts a work snapshot's repository state into `repo` (a fresh clone on the task's branch at its
 * base commit, or a fresh `git init` on it): the bundle fetched into the branch and checked out,
 * then the diff applied to the working tree. Runs where `where` says (the workspace's sandbox, as
 * its uid): the bundle and the diff are the agent's, untrusted. Paths are as git sees them there.
 * Returns what could not be restored (the diff not applying, say); the rest is in place.
 */
export async function applyWorkSnapshotToRepository(input: {
  repo: string;
  where: GitPlace;
  branch: string;
  bundle: string | null;
  diff: string | null;
  /** A repository Taskyard made (no clone): without a bundle it still needs a first commit. */
  fresh: boolean;
}): Promise<string[]> {
  const notes: string[] = [];
  const run = (args: string[]) => git(["-c", "core.hooksPath=/dev/null", "-c", "safe.directory=*", "-C", input.repo, ...args], { ...input.where, timeoutMs: 5 * 60_000 });
  const ref = `refs/heads/${input.branch}`;
  if (input.bundle) {
    await run(["fetch", "--quiet", "--no-tags", "--update-head-ok", input.bundle, `+${ref}:${ref}`]);
    await run(["symbolic-ref", "HEAD", ref]);
    await run(["reset", "--quiet", "--hard", ref]);
  } else if (input.fresh) {
    notes.push("the snapshot had no bundle: the branch starts again from an empty commit");
    await run(["commit", "--quiet", "--allow-empty", "--no-verify", "-m", "Start of the task"]);
  }
  if (input.diff) {
    await run(["apply", "--binary", "--whitespace=nowarn", input.diff]).catch((error: Error) => notes.push(`the uncommitted changes did not apply: ${error.message}`));
  }
  return notes;
}
