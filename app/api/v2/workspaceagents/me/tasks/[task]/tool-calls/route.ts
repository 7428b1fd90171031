import { withAgent } from "@/lib/api/with-agent";
import { noContent } from "@/lib/api/respond";
import { storeToolCalls } from "@/lib/agents/reports";
import { TOOL_CALLS_REPORT_MAX_BYTES, toolCallsReport } from "@/lib/validation/agents";

// POST /api/v2/workspaceagents/me/tasks/{task}/tool-calls — the tool calls behind one message's tool lines, after its turn
export const POST = withAgent({ body: toolCallsReport, maxBodyBytes: TOOL_CALLS_REPORT_MAX_BYTES }, async ({ db, agent, params, body }) => {
  await storeToolCalls(db, agent, params.task, body);
  return noContent();
});
