import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { updateAgent } from "@/lib/db/queries/agents";
import { connectionRequest } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/connection — where the agent serves AgentAPI (loopback only)
export const POST = withAgent({ body: connectionRequest }, async ({ db, agent, body }) => {
  await updateAgent(db, agent.agent_id, { apiUrl: body.api_url.replace(/\/+$/, "") });
  return noContent();
});
