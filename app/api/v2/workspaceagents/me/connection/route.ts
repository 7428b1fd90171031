import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { registerConnection } from "@/lib/agents/reports";
import { connectionRequest } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/connection — where the agent serves AgentAPI (loopback http, or https with the certificate the server pins; answering with its secret)
export const POST = withAgent({ body: connectionRequest }, async ({ db, agent, body }) => {
  await registerConnection(db, agent, body.api_url, body.certificate);
  return noContent();
});
