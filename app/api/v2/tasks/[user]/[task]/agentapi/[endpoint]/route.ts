import { withTask } from "@/lib/api/with-task";
import { proxyToAgent } from "@/lib/tasks/agentapi-proxy";

// GET|POST /api/v2/tasks/{user}/{task}/agentapi/{status,messages,message,events,upload} — the task's agent's AgentAPI
// Its errors, ours included (no task, paused, agent unreachable…), are AgentAPI's problem JSON: its clients show their `detail`.
const handler = withTask({ errors: "problem" }, ({ task, params, req, caller }) => proxyToAgent(task, params.endpoint, req, caller.id));
export const GET = handler;
export const POST = handler;
// Answered too, so that a wrong method is AgentAPI's 405 problem rather than the framework's bare one.
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
