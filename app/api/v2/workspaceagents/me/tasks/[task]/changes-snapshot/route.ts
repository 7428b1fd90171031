import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { storeChangeSnapshot } from "@/lib/agents/reports";
import { changesSnapshotRequest, CHANGES_SNAPSHOT_MAX_BYTES } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/tasks/{task}/changes-snapshot — the repository's changes after a turn (≤ 2 MiB)
export const POST = withAgent({ body: changesSnapshotRequest, maxBodyBytes: CHANGES_SNAPSHOT_MAX_BYTES }, async ({ db, agent, params, body }) => {
  await storeChangeSnapshot(db, agent, params.task, body);
  return noContent();
});
