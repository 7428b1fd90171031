import { withAgent } from "@/lib/api/with-agent";
import { json } from "@/lib/api/respond";
import { reportAppStatus } from "@/lib/agents/reports";
import { appStatusRequest } from "@/lib/validation/agents";

// PATCH /api/v2/workspaceagents/me/app-status — what the AI app is doing (working/idle/complete/failure)
export const PATCH = withAgent({ body: appStatusRequest }, async ({ db, agent, body }) => {
  await reportAppStatus(db, agent, body);
  return json({});
});
