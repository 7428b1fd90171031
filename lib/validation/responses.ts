import { z } from "zod";
import { agentMessage, changesResponse, toolCallsResponse } from "../agents/agentapi-client";
import { agentLifecycle } from "../db/schema/agents";
import { buildTransition, jobStatus } from "../db/schema/workspaces";
import { loginType } from "../db/schema/api-keys";
import { userRole } from "../db/schema/users";
import { TASK_EVENT_TYPES } from "./task-events";
import { TASK_STATUSES } from "./tasks";
import { USER_STATUSES } from "./users";
import { WEBHOOK_FORMATS } from "./webhooks";

/**
 * What the API answers, once: the serializers are typed by these schemas (so they cannot drift),
 * the SDK's types are the serializers' return types, and the OpenAPI document shows them.
 */
const timestamp = () => z.iso.datetime({ offset: true });
const id = () => z.uuid();

export const taskStateEntry = z.object({
  timestamp: timestamp().nullable(),
  state: z.enum(["working", "idle", "complete", "failed"]),
  message: z.string(),
  uri: z.string(),
});

/** The pull (GitHub) or merge (GitLab) request opened for a task's branch, as the forge last described it. */
export const pullRequestResponse = z.object({
  provider: z.enum(["github", "gitlab"]),
  url: z.string(),
  number: z.number().int(),
  state: z.enum(["open", "merged", "closed"]),
  draft: z.boolean(),
});

/** `GET /api/v2/usage`: model spend, grouped. */
export const usageResponse = z.object({
  groups: z.array(
    z.object({
      key: z.string(),
      input_tokens: z.number().int(),
      output_tokens: z.number().int(),
      cache_read_input_tokens: z.number().int(),
      cache_creation_input_tokens: z.number().int(),
      cost_usd: z.number(),
    }),
  ),
});

/** `POST …/push`: what is on the remote now. */
export const pushResponse = z.object({ branch: z.string(), head_commit: z.string(), remote: z.string() });

export const taskResponse = z.object({
  id: id(),
  organization_id: id(),
  owner_id: id(),
  owner_name: z.string(),
  owner_avatar_url: z.string(),
  name: z.string(),
  display_name: z.string(),
  template_id: id(),
  template_version_id: id(),
  template_name: z.string(),
  template_display_name: z.string(),
  template_icon: z.string(),
  workspace_id: id().nullable(),
  workspace_name: z.string(),
  workspace_status: z.string().nullable(),
  workspace_build_number: z.number().int(),
  workspace_agent_id: id().nullable(),
  workspace_agent_lifecycle: z.enum(agentLifecycle.enumValues).nullable(),
  workspace_agent_health: z.object({ healthy: z.boolean(), reason: z.string() }).nullable(),
  workspace_app_id: id().nullable(),
  initial_prompt: z.string(),
  status: z.enum(TASK_STATUSES),
  current_state: taskStateEntry.nullable(),
  rich_parameter_values: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Whether the task's agent ever started (had the prompt); until then a failed task's prompt and repository can be edited and retried. */
  has_started: z.boolean(),
  repository: z
    .object({
      url: z.string(),
      base_ref: z.string(),
      base_commit: z.string(),
      branch: z.string(),
      changed_files: z.number().int(),
      additions: z.number().int(),
      deletions: z.number().int(),
      /** The commit the last push left on the remote branch; null before the first push. */
      pushed_commit: z.string().nullable(),
    })
    .nullable(),
  pull_request: pullRequestResponse.nullable(),
  /** Why the task is paused when a person did not pause it: the idle auto-pause ("Paused after 30 min idle"); null otherwise. */
  paused_reason: z.string().nullable(),
  usage: z.object({
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    cache_read_input_tokens: z.number().int(),
    cache_creation_input_tokens: z.number().int(),
    cost_usd: z.number(),
    /** The task's budget (lib/gateway/budgets.ts): the owner's per-task limits, lowered by the task's own `max_cost_usd`. */
    limit: z.object({ max_cost_usd: z.number().nullable(), max_tokens: z.number().int().nullable(), max_turn_seconds: z.number().int().nullable() }).nullable(),
    /** The limit that made the model gateway refuse the task's calls, while one does. */
    stopped_by: z.enum(["max_cost_usd", "max_tokens", "max_turn_seconds", "user_daily_max_cost_usd", "user_daily_max_tokens"]).nullable(),
  }),
  created_at: timestamp().nullable(),
  updated_at: timestamp().nullable(),
});

export const taskListResponse = z.object({ tasks: z.array(taskResponse), count: z.number().int() });

export const workspaceBuildResponse = z.object({
  id: id(),
  workspace_id: id(),
  build_number: z.number().int(),
  transition: z.enum(buildTransition.enumValues),
  status: z.string().nullable(),
  reason: z.string(),
  created_at: timestamp(),
  job: z.object({ status: z.enum(jobStatus.enumValues), error: z.string().nullable() }),
});
export const taskTransitionResponse = z.object({ workspace_build: workspaceBuildResponse });

export const logEntryResponse = z.object({ id: z.number().int(), content: z.string(), type: z.enum(["input", "output"]), time: z.string() });
/** Live from the agent, or (`snapshot: true`) what was kept when it stopped. */
export const taskLogsResponse = z.object({ logs: z.array(logEntryResponse), snapshot: z.literal(true).optional(), snapshot_at: timestamp().optional() });

/** A follow-up in a task's queue (`POST/GET …/inputs`): `queued` until the agent takes it. */
export const taskInputResponse = z.object({
  id: z.uuid(),
  input: z.string(),
  state: z.enum(["queued", "delivered"]),
  created_at: timestamp(),
  delivered_at: timestamp().nullable(),
});
export type TaskInputResponse = z.infer<typeof taskInputResponse>;
export const taskInputListResponse = z.object({ inputs: z.array(taskInputResponse) });

/** `GET …/logs/{id}/tool-calls`: the tool calls behind a log entry's tool lines, in order (the agent port's own answer). */
export const taskToolCallsResponse = toolCallsResponse;

export const taskChangesResponse = changesResponse.extend({
  /** Commits on the branch that the remote does not have yet (since the last push, or the base). */
  unpushed_commits: z.number().int(),
  base_ref: z.string(),
  base_commit: z.string(),
  branch: z.string(),
  snapshot: z.literal(true).optional(),
  snapshot_at: timestamp().optional(),
});

/** `GET …/setup-log`: the newest run of the template's setup script in the task's workspace (null: none ran). */
export const taskSetupLogResponse = z.object({
  setup_log: z
    .object({
      build_id: id(),
      build_number: z.number().int(),
      status: z.enum(["running", "succeeded", "failed", "timed_out"]),
      exit_code: z.number().int().nullable(),
      /** The last 64 Ki characters of stdout and stderr as written, the template's secret values replaced. */
      output: z.string(),
      /** The script wrote more than `output` holds. */
      truncated: z.boolean(),
      output_bytes: z.number().int(),
      timeout_seconds: z.number().int(),
      started_at: timestamp(),
      finished_at: timestamp().nullable(),
    })
    .nullable(),
});

export const templateResponse = z.object({
  id: id(),
  organization_id: id(),
  name: z.string(),
  display_name: z.string(),
  description: z.string(),
  icon: z.string(),
  /** Coder's zero UUID while a template has no version yet (its seeding sets one at once). */
  active_version_id: id(),
  created_at: timestamp(),
  updated_at: timestamp(),
  /** Whether a task of it can run on this server; if not, why (e.g. no ANTHROPIC_API_KEY). */
  available: z.boolean(),
  unavailable_reason: z.string(),
  /** The models its tasks may run on (the first is the default; a task picks one with its `model` parameter); empty: the server's default. */
  models: z.array(z.string()),
  /** Archived: not offered for new tasks (lists leave it out unless `include_archived=true`); its tasks keep running. */
  archived: z.boolean(),
});
export const templateVersionResponse = z.object({ id: id(), template_id: id(), name: z.string(), created_at: timestamp() });
/** A version as its template's owners see it (`GET /templates/{id}/versions`): its config, and its secrets' names only. */
export const templateVersionDetailResponse = templateVersionResponse.extend({
  number: z.number().int(),
  active: z.boolean(),
  created_by: id().nullable(),
  config: z.record(z.string(), z.unknown()),
  /** Write-only secrets: their names, never their values. */
  secret_names: z.array(z.string()),
});
/** Coder's preset type has no JSON tags, so its wire keys are the Go field names. */
export const presetResponse = z.object({
  ID: id(),
  Name: z.string(),
  Parameters: z.array(z.object({ Name: z.string(), Value: z.string() })),
  Default: z.boolean(),
  Description: z.string(),
  Icon: z.string(),
});

export const userResponse = z.object({
  id: id(),
  username: z.string(),
  email: z.string(),
  name: z.string(),
  avatar_url: z.string(),
  roles: z.array(z.object({ name: z.enum(userRole.enumValues), display_name: z.string() })),
  /** `invited`: created without a password, until the invite link is used. */
  status: z.enum(USER_STATUSES),
  created_at: timestamp(),
  /** The last authenticated request (to the minute); null for someone never seen. */
  last_seen_at: timestamp().nullable(),
  organization_ids: z.array(id()).optional(),
});
export const userListResponse = z.object({ users: z.array(userResponse), count: z.number().int() });
/** A user created with `invite: true`: the one-time link, in this answer only. */
export const createdUserResponse = userResponse.extend({ invite_url: z.string().optional(), invite_expires_at: timestamp().optional() });
/** What an invite link's page shows before the password is chosen. */
export const inviteResponse = z.object({ username: z.string(), email: z.string(), name: z.string(), expires_at: timestamp() });

export const organizationResponse = z.object({ id: id(), name: z.string(), display_name: z.string(), is_default: z.boolean(), created_at: timestamp() });

export const loginResponse = z.object({ session_token: z.string() });
export const firstUserResponse = z.object({ user_id: id(), organization_id: id() });
export const messageResponse = z.object({ message: z.string() });
export const apiKeyResponse = z.object({ key: z.string() });
/** A session (`login_type: "password"`) or a long-lived API key (`"token"`); `current` is the one the request used. */
export const apiKeyInfoResponse = z.object({
  id: z.string(),
  user_id: id(),
  login_type: z.enum(loginType.enumValues),
  /** What an API key is for (empty for sessions and unnamed keys). */
  token_name: z.string(),
  created_at: timestamp(),
  last_used: timestamp(),
  expires_at: timestamp(),
  lifetime_seconds: z.number().int(),
  current: z.boolean(),
});
export const buildInfoResponse = z.object({ version: z.string(), external_url: z.string(), dashboard_url: z.string(), sandbox: z.enum(["bubblewrap", "none"]) });
export const legacyPromptsResponse = z.object({ prompts: z.record(z.string(), z.string()) });

export const agentManifestResponse = z.object({
  agent_id: id(),
  workspace_id: id(),
  task_id: id(),
  prompt: z.string(),
  app_slug: z.string(),
  brain: z.string(),
  command: z.array(z.string()),
  permission_policy: z.enum(["allow", "deny"]),
  parameters: z.record(z.string(), z.string()),
  api_secret: z.string(),
  repo_base_commit: z.string().nullable(),
  repo_branch: z.string().nullable(),
  /** The most a work snapshot may take (TASKYARD_WORK_SNAPSHOT_MAX_BYTES). */
  work_snapshot_max_bytes: z.number().int(),
  /** The template's MCP servers (Claude Code's `mcpServers` JSON). */
  mcp_servers: z.record(z.string(), z.unknown()),
});

/** AgentAPI pass-through answers are the agent's own; these are the parts its protocol fixes. */
export const agentApiStatusResponse = z.looseObject({ status: z.enum(["running", "stable"]), agent_type: z.string().optional() });
export const agentApiMessagesResponse = z.looseObject({ messages: z.array(agentMessage).nullable() });
export const agentApiMessageResponse = z.looseObject({ ok: z.boolean() });
export const agentApiUploadResponse = z.looseObject({ ok: z.boolean(), filePath: z.string() });
export const emptyObjectResponse = z.object({});

export const gitProviderResponse = z.object({
  id: id(),
  kind: z.enum(["github", "gitlab", "generic"]),
  host: z.string(),
  api_url: z.string(),
  /** Whether a webhook secret is set (never the secret): a GitHub provider then takes issue deliveries at /api/v2/integrations/github/events. */
  webhook_secret_set: z.boolean(),
  issue_label: z.string(),
  /** null: the built-in `claude` template. */
  issue_template_id: id().nullable(),
  created_at: timestamp(),
});
/** Never the token: its last 4 characters, what the forge said about it, and when it was last used. */
export const gitCredentialResponse = z.object({
  id: id(),
  host: z.string(),
  provider_id: id(),
  provider_kind: z.enum(["github", "gitlab", "generic"]),
  login: z.string(),
  /** The token's scopes when the forge says (GitHub classic tokens, GitLab); null when it does not. */
  scopes: z.array(z.string()).nullable(),
  token_last4: z.string(),
  created_at: timestamp(),
  last_used_at: timestamp().nullable(),
});

/** A webhook endpoint. Its signing secret is shown once: on creation and on rotation (`webhookSecretResponse`). */
export const webhookResponse = z.object({
  id: id(),
  url: z.string(),
  events: z.array(z.enum(TASK_EVENT_TYPES)),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  all_tasks: z.boolean(),
  /** Why it was disabled (e.g. "failing for 24 hours: HTTP 503"); null while enabled or disabled by hand. */
  disabled_reason: z.string().nullable(),
  created_at: timestamp(),
});
/** `POST …/webhooks` (201) and `POST …/webhooks/{id}/secret` (200): the endpoint with its `whsec_…` secret. */
export const webhookSecretResponse = webhookResponse.extend({ secret: z.string().startsWith("whsec_") });
export const webhookDeliveryResponse = z.object({
  id: id(),
  event: z.union([z.enum(TASK_EVENT_TYPES), z.literal("webhook.test")]),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  /** Of the last attempt, in milliseconds. */
  latency_ms: z.number().int().nullable(),
  created_at: timestamp(),
  delivered_at: timestamp().nullable(),
  next_attempt_at: timestamp().nullable(),
});

const tags = () => z.record(z.string(), z.string());

/** A provisioner key as listed (`GET /api/v2/provisioner-keys`): never the key itself. */
export const provisionerKeyResponse = z.object({
  id: id(),
  name: z.string(),
  /** Pinned tags: every daemon using the key has exactly these ({}: the daemon's own --tag). */
  tags: tags(),
  created_by: id().nullable(),
  created_at: timestamp(),
  last_used_at: timestamp().nullable(),
});
/** `POST /api/v2/provisioner-keys` (201): the only time the key is sent. */
export const provisionerKeyCreatedResponse = z.object({ id: id(), name: z.string(), tags: tags(), key: z.string().startsWith("typk_") });

/** A registered provisioner (`GET /api/v2/provisioners`): the built-in one has no `key_name`. */
export const provisionerResponse = z.object({
  id: id(),
  host: z.string(),
  tags: tags(),
  version: z.string(),
  /** Workspaces running on its host now. */
  workspaces: z.number().int(),
  last_seen_at: timestamp(),
  /** Seen recently (within the host-lost threshold, 30 s by default): builds may be routed to it. */
  online: z.boolean(),
  key_name: z.string().nullable(),
  created_at: timestamp(),
});
