import "server-only";
import type { Db } from "../db/client";
import { selectTasks, type TaskRow } from "../db/queries/tasks";
import { insertBuild, latestBuild, lockWorkspace } from "../db/queries/workspaces";
import type { BuildTransition, WorkspaceBuild } from "../db/schema";
import { ApiError } from "../api/errors";
import { agentIsWorking, interruptTask } from "./interrupt";

/**
 * Queues a stop or start build under the workspace's row lock, after re-reading the status inside
 * the lock: concurrent pause/resume calls serialise here, so at most one build is ever in flight.
 */
async function transition(
  db: Db,
  task: TaskRow,
  initiatorId: string,
  to: BuildTransition,
  allowed: (row: TaskRow, latest: WorkspaceBuild | undefined) => boolean,
  refusal: (row: TaskRow) => ApiError,
): Promise<WorkspaceBuild> {
  if (!task.workspace_id) throw refusal(task);
  const workspaceId = task.workspace_id;
  return db.transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const [row] = await selectTasks(tx, { id: task.id });
    if (!row) throw ApiError.notFound();
    const latest = await latestBuild(tx, workspaceId);
    const inFlight = latest && (latest.jobStatus === "pending" || latest.jobStatus === "running");
    if (inFlight || !allowed(row, latest)) throw refusal(row);
    return insertBuild(tx, { workspaceId, transition: to, templateVersionId: row.template_version_id, initiatorId });
  });
}

/**
 * Pausing while the agent works would cut its turn off wherever it is: refused (409) unless
 * `force`, which interrupts the turn first (its partial answer kept, marked, and so in the
 * snapshot), then pauses. An agent that cannot be reached does not stand in a pause's way.
 */
export async function pauseTask(db: Db, task: TaskRow, initiatorId: string, options: { force?: boolean } = {}) {
  if (await agentIsWorking(task)) {
    if (!options.force) {
      throw ApiError.conflict(
        "The agent is working: pausing now would cut its turn short.",
        'Stop the turn first (POST …/interrupt), or pause with {"force": true} to interrupt it and pause.',
      );
    }
    await interruptTask(task).catch(() => {});
  }
  return transition(
    db,
    task,
    initiatorId,
    "stop",
    (row, latest) => latest?.transition === "start" && latest.jobStatus === "succeeded" && row.status !== "paused",
    (row) => ApiError.conflict(`Cannot pause a task that is ${row.status}.`, "Only a running task can be paused."),
  );
}

/** Its agent retired as lost with its host (off, its app marked unhealthy) while its start build stands: lib/provisioners/host-loss.ts. */
function isHostLost(row: TaskRow, latest: WorkspaceBuild | undefined): boolean {
  return row.status === "unknown" && row.agent_lifecycle === "off" && row.app_health === "unhealthy" && latest?.transition === "start";
}

/**
 * Paused and failed tasks resume; so does one whose host was lost (`unknown`: its agent retired
 * while its start build stands, lib/provisioners/host-loss.ts), which starts again on another host.
 */
export function resumeTask(db: Db, task: TaskRow, initiatorId: string) {
  return transition(
    db,
    task,
    initiatorId,
    "start",
    (row, latest) => row.status === "paused" || row.status === "error" || isHostLost(row, latest),
    (row) => ApiError.conflict(`Cannot resume a task that is ${row.status}.`, "Only a paused or failed task, or one whose host was lost, can be resumed."),
  );
}
