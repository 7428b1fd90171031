import { withTask } from "@/lib/api/with-task";
import { proxyToAgent } from "@/lib/tasks/agentapi-proxy";

// GET|POST /api/v2/tasks/{user}/{task}/agentapi/{status,messages,message,events,upload} — the task's agent's AgentAPI
const handler = withTask({}, ({ task, params, req, caller }) => proxyToAgent(task, params.endpoint, req, caller.id));
export const GET = handler;
export const POST = handler;
