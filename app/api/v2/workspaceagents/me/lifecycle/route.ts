import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { reportLifecycle } from "@/lib/agents/reports";
import { lifecycleRequest } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/lifecycle — the agent's lifecycle state
export const POST = withAgent({ body: lifecycleRequest }, async ({ db, agent, body }) => {
  await reportLifecycle(db, agent, body.state);
  return noContent();
});
