import type { Task } from "../lib/sdk/client";
import { ago, statusColour } from "./output";
import { UsageError } from "./errors";

/** Every Task field, so the compiler says when a new one needs a column (Coder names them by the JSON key, spaced). */
const TASK_FIELDS: Record<keyof Task, true> = {
  id: true,
  organization_id: true,
  owner_id: true,
  owner_name: true,
  owner_avatar_url: true,
  name: true,
  display_name: true,
  template_id: true,
  template_version_id: true,
  template_name: true,
  template_display_name: true,
  template_icon: true,
  workspace_id: true,
  workspace_name: true,
  workspace_status: true,
  workspace_build_number: true,
  workspace_agent_id: true,
  workspace_agent_lifecycle: true,
  workspace_agent_health: true,
  workspace_app_id: true,
  initial_prompt: true,
  status: true,
  current_state: true,
  rich_parameter_values: true,
  has_started: true,
  pull_request: true,
  paused_reason: true,
  repository: true,
  usage: true,
  created_at: true,
  updated_at: true,
};

const cell = (value: unknown): string => (value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value));

/** Whether the agent is up and neither starting nor shutting down (Coder's `healthy`). */
export const isHealthy = (t: Task) =>
  Boolean(t.workspace_agent_health?.healthy) && !["created", "starting", "shutting_down", "shutdown_timeout", "shutdown_error", "off"].includes(t.workspace_agent_lifecycle ?? "off");

type Column = (t: Task, now: number) => string;

/** `current_state` is shown inline (state, message, uri) as Coder's table does; `cost` and `state changed` are derived. */
export const TASK_COLUMNS: Record<string, Column> = {
  ...Object.fromEntries(
    (Object.keys(TASK_FIELDS) as (keyof Task)[])
      .filter((key) => key !== "current_state")
      .map((key): [string, Column] => [key.replaceAll("_", " "), (t) => (key === "status" ? statusColour(t.status) : cell(t[key]))]),
  ),
  state: (t) => t.current_state?.state ?? "",
  message: (t) => t.current_state?.message ?? "",
  uri: (t) => t.current_state?.uri ?? "",
  "state changed": (t, now) => ago(t.current_state?.timestamp ?? t.updated_at, now),
  healthy: (t) => String(isHealthy(t)),
  cost: (t) => (t.usage.cost_usd > 0 || t.usage.input_tokens > 0 || t.usage.limit ? `$${t.usage.cost_usd.toFixed(4)}${costLimit(t)}` : ""),
};

/** " of $0.05", and what stopped the model if a budget did: spend against the limit. */
function costLimit(t: Task): string {
  const limit = t.usage.limit?.max_cost_usd;
  return `${limit != null ? ` of $${limit}` : ""}${t.usage.stopped_by ? ` (stopped: ${t.usage.stopped_by})` : ""}`;
}

export const LIST_COLUMNS = ["name", "status", "state", "state changed", "message"];
export const STATUS_COLUMNS = ["state changed", "status", "healthy", "state", "message", "cost"];

export function checkColumns(columns: string[], available: Record<string, unknown>): string[] {
  const unknown = columns.filter((c) => !(c in available));
  if (unknown.length) throw new UsageError(`unknown column ${unknown.map((c) => `"${c}"`).join(", ")}; available: ${Object.keys(available).join(", ")}`);
  return columns;
}

export const taskRow = (t: Task, columns: string[], now = Date.now()) => columns.map((c) => TASK_COLUMNS[c](t, now));
