import "server-only";
import { sql } from "drizzle-orm";
import { ApiError } from "../api/errors";
import type { Db, DbOrTx } from "../db/client";
import type { TaskRow } from "../db/queries/tasks";
import { taskOfWorkspace } from "../db/queries/workspaces";
import { credentialForHost, gitCredentialAnswer, httpOrigin, markGitCredentialUsed, whereToAddCredential, type HostCredential } from "../git-credentials/credentials";
import { agentCoAuthor, GitError } from "../git";
import { withoutCredentials } from "../repo-url";
import { dataDir, env } from "../env";
import { logger } from "../logger";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { pushWorkspace, WorkspaceNotHere } from "../workspaces/push";

export type PushResult = { branch: string; head_commit: string; remote: string };

/** What a push needs of a task that has a checkout: its branch, remote, and the owner's credential for the remote's host. */
export type PushPlan = { repo: NonNullable<TaskRow["repo"]>; host: string; credential: HostCredential };

/**
 * Whether the task can be pushed at all, before anything is done: a checkout (409 without a
 * repository), a workspace that is not being deleted, an http(s) remote, and the owner's
 * credential for its host (409 naming the host and where to add one).
 */
export async function planPush(db: DbOrTx, task: TaskRow): Promise<PushPlan> {
  if (!task.repo) {
    const pending = task.rich_parameter_values.some((p) => p.name === "repo_url" && p.value);
    if (pending) throw ApiError.conflict("The task's repository is not checked out yet.", "Wait for the task to start.");
    throw ApiError.conflict("This task has no repository.", "Create a task with the repo_url parameter to work on one.");
  }
  if (task.build_transition === "delete") throw ApiError.conflict("The task is being deleted.");
  // A task created without a repository works in an empty one of its own: nowhere to push it.
  if (!task.repo.url) throw ApiError.conflict("This task's repository has no remote.", "Download its patch, or create a task with the repo_url parameter to push.");
  const found = httpOrigin(task.repo.url);
  if (!found) throw ApiError.conflict("Taskyard pushes over HTTP(S) only.", `The task's repository is ${withoutCredentials(task.repo.url)}.`);
  const credential = await credentialForHost({ db, userId: task.owner_id, host: found.host });
  if (!credential) throw ApiError.conflict(`No git credential for ${found.host}.`, `To push, ${whereToAddCredential(found.host)}.`);
  if (found.origin.startsWith("http://") && !credential.plainHttpAllowed) {
    throw ApiError.conflict(`Your credential for ${found.host} is never sent over plain http.`, `The repository's URL is http://; ${found.host}'s provider speaks https.`);
  }
  return { repo: task.repo, host: found.host, credential };
}

/**
 * One push or pull request at a time per task: two pushes must not race for the lease, and two
 * pull-request calls must not open two. The lock is an advisory lock held by a transaction that
 * does nothing else; the work writes outside it, so what it did (a push that happened) stays
 * recorded even if a later step (the forge) fails.
 */
export function withTaskLock<T>(db: Db, taskId: string, work: () => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`push:${taskId}`}, 0))`);
    return work();
  });
}

/**
 * `POST …/push`: commits what the agent left uncommitted (message: the task's display name; the
 * owner as author, the agent as co-author), then pushes `taskyard/<name>` to origin with the
 * owner's credential — never any other branch, and overwriting only what the last push left.
 * Active or paused alike: the workspace's files are on this host either way.
 */
export async function pushTask(db: DbOrTx, task: TaskRow, plan: PushPlan): Promise<PushResult> {
  // Read again under the lock: the lease is whatever the last push (maybe a concurrent one) left.
  const [state] = await db.execute<{ pushed_commit: string | null }>(sql`SELECT pushed_commit FROM tasks WHERE id = ${task.id}`);
  const owner = task.workspace_id ? await taskOfWorkspace(db, task.workspace_id) : undefined;
  if (!owner) throw ApiError.conflict("The task has no workspace.");
  const remote = withoutCredentials(plan.repo.url);
  await markGitCredentialUsed(db, plan.credential.id);
  const url = new URL(plan.repo.url);
  let pushed: { head_commit: string };
  try {
    // The workspace's files are on this host (the provisioner's is the server's own).
    const sandbox = resolveSandbox(env().TASKYARD_SANDBOX, (line) => logger.warn(line));
    pushed = await pushWorkspace({ dataDir: dataDir(), sandbox }, {
      workspaceId: task.workspace_id!,
      uid: owner.uid,
      url: plan.repo.url,
      branch: plan.repo.branch,
      lease: state?.pushed_commit ?? null,
      credential: gitCredentialAnswer(url.origin, plan.credential),
      commit: { message: task.display_name, author: { name: owner.owner_name, email: owner.owner_email }, coAuthor: agentCoAuthor(task.template_name) },
      stallSeconds: env().TASKYARD_GIT_STALL_SECONDS,
    });
  } catch (error) {
    if (error instanceof WorkspaceNotHere) throw ApiError.conflict("The task's workspace is not on this server's host.", "Push runs where the workspace's files are: on the host of the server that runs its provisioner.");
    if (error instanceof GitError) throw pushFailure(plan.host, error.message);
    throw error;
  }
  await db.execute(sql`UPDATE tasks SET pushed_commit = ${pushed.head_commit}, pushed_at = now() WHERE id = ${task.id}`);
  return { branch: plan.repo.branch, head_commit: pushed.head_commit, remote };
}

const UNREACHABLE = /could not resolve host|failed to connect|couldn't connect|connection (refused|reset|timed out)|timed out|stalled|operation too slow|ssl|tls|gnutls|empty reply/i;
const REFUSED_CREDENTIAL = /authentication failed|could not read (username|password)|\b40[13]\b|access denied|permission/i;

/** Git's own words, sorted: the remote could not be reached (502), did not take the credential, or rejected the push (409). */
function pushFailure(host: string, said: string): ApiError {
  if (UNREACHABLE.test(said)) return new ApiError(502, `${host} could not be reached to push.`, { detail: said });
  if (REFUSED_CREDENTIAL.test(said)) return ApiError.conflict(`${host} did not accept your git credential.`, `${said} — replace it in Settings → Git credentials.`);
  return ApiError.conflict("The push was rejected.", said);
}
