import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { env } from "@/lib/env";
import { workSnapshotBodyMaxBytes, workSnapshotRequest } from "@/lib/validation/agents";
import { storeWorkSnapshot } from "@/lib/work-snapshots/store";

// POST /api/v2/workspaceagents/me/tasks/{task}/work-snapshot — the task's work after a turn (≤ TASKYARD_WORK_SNAPSHOT_MAX_BYTES)
export const POST = withAgent({ body: workSnapshotRequest, maxBodyBytes: () => workSnapshotBodyMaxBytes(env().TASKYARD_WORK_SNAPSHOT_MAX_BYTES) }, async ({ db, agent, params, body }) => {
  await storeWorkSnapshot(db, agent, params.task, body);
  return noContent();
});
