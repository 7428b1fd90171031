import "server-only";
import { sql } from "drizzle-orm";
import { ApiError } from "../api/errors";
import type { Db, DbOrTx } from "../db/client";
import { findGitProviderByHost } from "../db/queries/git-credentials";
import type { TaskRow } from "../db/queries/tasks";
import type { TaskPullRequest } from "../db/schema";
import { credentialForHost, httpOrigin } from "../git-credentials/credentials";
import { FORGE_TIMEOUT_MS, forgeDeadline } from "../git-credentials/forge-clients";
import { openPullRequest, readPullRequest } from "../git-credentials/pull-requests";
import { isCommitSha } from "../git";
import { env } from "../env";
import { logger } from "../logger";
import type { CreatePullRequestRequest } from "../validation/git-credentials";
import { getTaskChanges } from "./changes";
import { taskLogsJson } from "./logs";
import { planPush, pushTask, withTaskLock } from "./push";
import { taskPageUrlAt } from "./page-url";

/**
 * `POST …/pull-request`: push, then open a pull request (GitHub) or merge request (GitLab) from
 * the task's branch into its base — or answer the one already opened (`created: false`), never a
 * second. A push that fails opens nothing; a push that succeeded stays recorded if the forge then
 * refuses.
 */
export async function openTaskPullRequest(
  db: Db,
  task: TaskRow,
  request: CreatePullRequestRequest,
  taskUrl: string,
): Promise<{ pullRequest: TaskPullRequest; created: boolean }> {
  const plan = await planPush(db, task);
  const provider = await findGitProviderByHost(db, plan.host);
  if (!provider || provider.kind === "generic") {
    throw ApiError.conflict(`This provider has no pull requests.`, `${plan.host} is a plain git host: push the branch and open a request there yourself.`);
  }
  if (isCommitSha(plan.repo.base_ref)) {
    throw ApiError.conflict("The task started from a commit, not a branch: a pull request needs a base branch.", "Create the task with base_ref set to a branch.");
  }
  const started = Date.now();
  return withTaskLock(db, task.id, async () => {
    await pushTask(db, task, plan);
    const [current] = await db.execute<{ pull_request: TaskPullRequest | null }>(sql`SELECT pull_request FROM tasks WHERE id = ${task.id}`);
    if (current?.pull_request) return { pullRequest: current.pull_request, created: false };
    const { pullRequest, created } = await openPullRequest(provider, plan.credential.token, {
      repoUrl: plan.repo.url,
      head: plan.repo.branch,
      base: plan.repo.base_ref,
      title: request.title ?? task.display_name,
      body: request.body ?? (await describeTask(db, task, taskUrl)),
      draft: request.draft ?? false,
    }, forgeDeadline(Math.max(MIN_FORGE_MS, FORGE_TIMEOUT_MS - (Date.now() - started))));
    await db.execute(sql`UPDATE tasks SET pull_request = ${JSON.stringify(pullRequest)}::jsonb, pull_request_checked_at = now() WHERE id = ${task.id}`);
    return { pullRequest, created };
  });
}

/** The call answers within FORGE_TIMEOUT_MS of its start, push included, unless the push alone took nearly that long: the forge then still gets this long. */
const MIN_FORGE_MS = 5000;

const quote = (text: string, max: number) => {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.split("\n").map((line) => `> ${line}`).join("\n");
};

/** A pull request's default body: the prompt, the agent's last word, the files changed and what it cost, with a link back. */
async function describeTask(db: DbOrTx, task: TaskRow, taskUrl: string): Promise<string> {
  const parts = [quote(task.prompt, 2000)];
  const lastWord = await lastAgentMessage(db, task);
  if (lastWord) parts.push(`**The agent's last message**\n\n${quote(lastWord, 3000)}`);
  const changes = await getTaskChanges(db, task).catch(() => undefined);
  if (changes?.files.length) {
    const shown = changes.files.slice(0, 50).map((f) => `- \`${f.path.replaceAll("`", "'")}\` (+${f.additions} −${f.deletions})`);
    const more = changes.files.length > 50 ? [`- … and ${changes.files.length - 50} more`] : [];
    parts.push([`**Files changed** (${changes.files.length})`, "", ...shown, ...more].join("\n"));
  }
  const cost = Number(task.cost_usd);
  if (cost > 0 || task.input_tokens > 0) parts.push(`**Cost** $${cost.toFixed(4)} · ${task.input_tokens} tokens in · ${task.output_tokens} out`);
  parts.push(`Made with Taskyard: [${task.display_name.replaceAll(/[[\]]/g, "")}](${taskUrl})`);
  return parts.join("\n\n");
}

async function lastAgentMessage(db: DbOrTx, task: TaskRow): Promise<string | undefined> {
  try {
    const { logs } = JSON.parse(await taskLogsJson(db, task)) as { logs: { type: string; content: string }[] };
    return logs.findLast((l) => l.type === "output")?.content;
  } catch {
    return task.state_message ?? undefined;
  }
}

/**
 * The pull requests of `rows` whose state may have changed (open, last asked of the forge over
 * the refresh interval ago) are asked again in the background; the read that triggered it answers
 * what is stored, the next one what the forge said. Claimed with one UPDATE, so however many
 * servers read the task, the forge is asked at most once per interval.
 */
export function refreshPullRequests(db: Db, rows: TaskRow[]): void {
  const seconds = env().TASKYARD_PULL_REQUEST_REFRESH_SECONDS;
  const stale = rows.filter(
    (r) => r.pull_request?.state === "open" && r.repo && (!r.pull_request_checked_at || Date.now() - new Date(r.pull_request_checked_at).getTime() >= seconds * 1000),
  );
  if (!stale.length) return;
  void (async () => {
    const ids = stale.map((r) => r.id);
    const claimed = await db.execute<{ id: string }>(sql`
      UPDATE tasks SET pull_request_checked_at = now()
      WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) AND pull_request IS NOT NULL
        AND (pull_request_checked_at IS NULL OR pull_request_checked_at <= now() - make_interval(secs => ${seconds}))
      RETURNING id`);
    for (const { id } of claimed) await refreshOne(db, stale.find((r) => r.id === id)!);
  })().catch((err: unknown) => logger.warn({ err }, "refreshing pull requests failed"));
}

async function refreshOne(db: Db, task: TaskRow): Promise<void> {
  const found = httpOrigin(task.repo!.url);
  if (!found) return;
  const [provider, credential] = await Promise.all([findGitProviderByHost(db, found.host), credentialForHost({ db, userId: task.owner_id, host: found.host })]);
  if (!provider || provider.kind === "generic" || !credential) return;
  try {
    const now = await readPullRequest(provider, credential.token, { repoUrl: task.repo!.url, number: task.pull_request!.number });
    await db.execute(sql`UPDATE tasks SET pull_request = ${JSON.stringify(now)}::jsonb WHERE id = ${task.id} AND pull_request IS NOT NULL`);
  } catch (err) {
    // The forge's answer (or silence) leaves the stored state; the next interval asks again.
    logger.info({ err: err instanceof Error ? err.message : String(err), task: task.id }, "could not refresh a pull request's state");
  }
}

/** The task's page on the dashboard, for links back from a forge: the access URL when set, else the address the caller used. */
export function taskPageUrl(req: Request, task: Pick<TaskRow, "owner_name" | "name">): string {
  // The Host the caller used (Next.js's own request URL says localhost): only the caller's own pull request carries it.
  const url = new URL(req.url);
  const base = env().TASKYARD_ACCESS_URL?.replace(/\/+$/, "") ?? `${url.protocol}//${req.headers.get("host") ?? url.host}`;
  return taskPageUrlAt(base, task);
}
