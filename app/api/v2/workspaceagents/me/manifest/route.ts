import { withAgent } from "@/lib/api/with-agent";
import { json } from "@/lib/api/respond";
import { env } from "@/lib/env";

// GET /api/v2/workspaceagents/me/manifest — what the agent should run: its task's prompt and brain
export const GET = withAgent({}, async ({ agent }) =>
  json({
    agent_id: agent.agent_id,
    workspace_id: agent.workspace_id,
    task_id: agent.task_id,
    prompt: agent.prompt ?? "",
    app_slug: "agent",
    brain: agent.config?.brain ?? "echo",
    command: agent.config?.command ?? [],
    permission_policy: agent.config?.permission_policy ?? "allow",
    parameters: Object.fromEntries([...(agent.parameters ?? []), ...(agent.task_parameters ?? [])].map((p) => [p.name, p.value])),
    api_secret: agent.api_secret ?? "",
    repo_base_commit: agent.repo_base_commit,
    repo_branch: agent.repo_branch,
    work_snapshot_max_bytes: env().TASKYARD_WORK_SNAPSHOT_MAX_BYTES,
    mcp_servers: agent.config?.mcp_servers ?? {},
  }),
);
