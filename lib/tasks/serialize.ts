import { taskLimits } from "../gateway/budgets";
import type { TaskRow } from "../db/queries/tasks";
import { AUTO_PAUSE_REASON, idlePauseReason } from "./auto-pause";
import { waitingMessage } from "../provisioners/waiting-message";
import type { WorkspaceBuild } from "../db/schema";
import type { taskResponse, taskStateEntry, workspaceBuildResponse } from "../validation/responses";
import type { z } from "zod";

// A row's timestamps are already Dates: building another one per field was a measurable share of
// listing 50 tasks (the server's Date is wrapped by Next.js, and each construction goes through it).
const iso = (value: Date | string | null | undefined) => (value ? (value instanceof Date ? value : new Date(value)).toISOString() : null);

/** Coder's workspace status, from a build's transition and job status. */
function workspaceStatus(transition: WorkspaceBuild["transition"] | null, jobStatus: WorkspaceBuild["jobStatus"] | null): string | null {
  if (!transition || !jobStatus) return null;
  switch (jobStatus) {
    case "pending":
      return "pending";
    case "running":
      return { start: "starting", stop: "stopping", delete: "deleting" }[transition];
    case "succeeded":
      return { start: "running", stop: "stopped", delete: "deleted" }[transition];
    default:
      return jobStatus;
  }
}

/** Until an agent reports its first status, say what is happening instead of nothing. */
function syntheticState(row: TaskRow): string | null {
  // A start nobody can take (no live provisioner has the tags its template requires): say so, not nothing.
  if (row.status === "pending" && row.job_status === "pending" && row.waiting_for) return waitingMessage(row.waiting_for);
  if (row.status !== "initializing") return null;
  if (row.job_status === "pending" || row.job_status === "running") return "Workspace is starting";
  if (!row.agent_lifecycle || row.agent_lifecycle === "created" || row.agent_lifecycle === "starting") return "Agent is starting";
  return "Agent is ready, waiting for the app to become healthy";
}

function currentState(row: TaskRow): z.output<typeof taskStateEntry> | null {
  if (row.state) {
    return {
      timestamp: iso(row.state_at),
      state: row.state === "failure" ? "failed" : row.state,
      message: row.state_message ?? "",
      uri: row.state_uri ?? "",
    };
  }
  // A start that failed before any agent spoke (a clone that failed, say): its error is the state.
  if (row.status === "error" && row.job_status === "failed" && row.job_error) {
    return { timestamp: iso(row.build_created_at), state: "failed", message: row.job_error, uri: "" };
  }
  const message = syntheticState(row);
  return message ? { timestamp: iso(row.start_build_created_at ?? row.created_at), state: "working", message, uri: "" } : null;
}

export function toTaskResponse(row: TaskRow): z.output<typeof taskResponse> {
  return {
    id: row.id,
    organization_id: row.organization_id,
    owner_id: row.owner_id,
    owner_name: row.owner_name,
    owner_avatar_url: row.owner_avatar_url,
    name: row.name,
    display_name: row.display_name,
    template_id: row.template_id,
    template_version_id: row.template_version_id,
    template_name: row.template_name,
    template_display_name: row.template_display_name,
    template_icon: row.template_icon,
    workspace_id: row.workspace_id,
    workspace_name: row.workspace_name ?? "",
    workspace_status: workspaceStatus(row.build_transition, row.job_status),
    workspace_build_number: row.build_number ?? 0,
    workspace_agent_id: row.agent_id,
    workspace_agent_lifecycle: row.agent_lifecycle,
    workspace_agent_health: row.agent_id
      ? { healthy: row.agent_lifecycle === "ready", reason: row.agent_lifecycle === "ready" ? "" : `agent is ${row.agent_lifecycle}` }
      : null,
    workspace_app_id: row.app_id,
    initial_prompt: row.prompt,
    status: row.status,
    current_state: currentState(row),
    rich_parameter_values: row.rich_parameter_values,
    has_started: row.has_started,
    repository: row.repo
      ? {
          url: row.repo.url,
          base_ref: row.repo.base_ref,
          base_commit: row.repo.base_commit,
          branch: row.repo.branch,
          changed_files: row.changed_files ?? 0,
          additions: row.additions ?? 0,
          deletions: row.deletions ?? 0,
          pushed_commit: row.pushed_commit,
        }
      : null,
    pull_request: row.pull_request,
    paused_reason: pausedReason(row),
    usage: {
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      cache_read_input_tokens: row.cache_read_input_tokens,
      cache_creation_input_tokens: row.cache_creation_input_tokens,
      cost_usd: Number(row.cost_usd),
      limit: usageLimit(row.rich_parameter_values, row.template_budget),
      stopped_by: row.stopped_by,
    },
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export type TaskResponse = ReturnType<typeof toTaskResponse>;

/** Why a paused task is paused when it was not a person's doing (the idle auto-pause); null otherwise, and once it runs again. */
function pausedReason(row: TaskRow): string | null {
  if (row.status !== "paused" || row.build_reason !== AUTO_PAUSE_REASON || row.build_idle_seconds === null) return null;
  return idlePauseReason(row.build_idle_seconds);
}

/** The task's own budget (the owner's per-task limits, lowered by its `max_cost_usd`); null without one. */
function usageLimit(parameters: { name: string; value: string }[], budget: TaskRow["template_budget"]) {
  const limits = taskLimits(parameters, budget);
  return Object.values(limits).every((v) => v === null) ? null : limits;
}

export function toBuildResponse(build: WorkspaceBuild): z.output<typeof workspaceBuildResponse> {
  return {
    id: build.id,
    workspace_id: build.workspaceId,
    build_number: build.buildNumber,
    transition: build.transition,
    status: workspaceStatus(build.transition, build.jobStatus),
    reason: build.reason,
    created_at: build.createdAt.toISOString(),
    job: { status: build.jobStatus, error: build.jobError || null },
  };
}
