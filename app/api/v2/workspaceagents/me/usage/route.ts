import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { reportUsage } from "@/lib/agents/reports";
import { usageRequest } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/usage — one turn's model usage (tokens, cost), added to the task's totals
export const POST = withAgent({ body: usageRequest }, async ({ db, agent, body }) => {
  await reportUsage(db, agent, body);
  return noContent();
});
