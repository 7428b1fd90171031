import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { reportAppHealth } from "@/lib/agents/reports";
import { appHealthRequest } from "@/lib/validation/agents";

// PATCH /api/v2/workspaceagents/me/app-health — an app's health
export const PATCH = withAgent({ body: appHealthRequest }, async ({ db, agent, body }) => {
  await reportAppHealth(db, agent, body);
  return noContent();
});
