import { withAgent } from "@/lib/api/with-agent";
import { ApiError } from "@/lib/api/errors";
import { noContent } from "@/lib/api/respond";
import { storeSnapshot } from "@/lib/agents/reports";
import { logSnapshotRequest, SNAPSHOT_MAX_BYTES } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/tasks/{task}/log-snapshot?format=agentapi — the conversation, ≤ 64 KiB
export const POST = withAgent({ body: logSnapshotRequest, maxBodyBytes: SNAPSHOT_MAX_BYTES }, async ({ db, agent, params, body, req }) => {
  const format = new URL(req.url).searchParams.get("format") ?? "agentapi";
  if (format !== "agentapi") throw ApiError.invalidField("format", 'only "agentapi" is supported');
  await storeSnapshot(db, agent, params.task, body.messages);
  return noContent();
});
