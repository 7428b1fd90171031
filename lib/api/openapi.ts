import { z } from "zod";
import { VERSION } from "../version";
import { appHealthRequest, appStatusRequest, changesSnapshotRequest, connectionRequest, lifecycleRequest, logSnapshotRequest, toolCallsReport, usageRequest, workSnapshotRequest } from "../validation/agents";
import { createTaskRequest, pauseTaskRequest, queueTaskInputRequest, sendTaskInputRequest, updateInputRequest, updatePromptRequest, updateRepositoryRequest } from "../validation/tasks";
import { acceptInviteRequest, createApiKeyRequest, createFirstUserRequest, createUserRequest, loginRequest, updateUserRolesRequest } from "../validation/users";
import { createGitCredentialRequest, createGitProviderRequest, createPullRequestRequest, updateGitProviderRequest } from "../validation/git-credentials";
import { githubDeliveryResponse } from "../validation/github-issues";
import { createWebhookRequest, updateWebhookRequest } from "../validation/webhooks";
import { createProvisionerKeyRequest } from "../validation/provisioners";
import { provisionerdAnswer, provisionerRegistered, provisionerRegistration } from "../validation/provisionerd";
import { activateTemplateVersionRequest, createTemplateRequest, createTemplateVersionRequest, updateTemplateRequest } from "../validation/templates";
import {
  agentApiMessageResponse,
  agentApiMessagesResponse,
  agentApiStatusResponse,
  agentApiUploadResponse,
  agentManifestResponse,
  pullRequestResponse,
  pushResponse,
  usageResponse,
  webhookDeliveryResponse,
  webhookResponse,
  webhookSecretResponse,
  provisionerKeyResponse,
  provisionerKeyCreatedResponse,
  provisionerResponse,
  apiKeyInfoResponse,
  apiKeyResponse,
  buildInfoResponse,
  emptyObjectResponse,
  firstUserResponse,
  gitCredentialResponse,
  gitProviderResponse,
  legacyPromptsResponse,
  loginResponse,
  messageResponse,
  organizationResponse,
  presetResponse,
  taskChangesResponse,
  taskSetupLogResponse,
  taskInputListResponse,
  taskInputResponse,
  taskToolCallsResponse,
  taskListResponse,
  taskLogsResponse,
  taskResponse,
  taskTransitionResponse,
  templateResponse,
  templateVersionDetailResponse,
  templateVersionResponse,
  userListResponse,
  userResponse,
  createdUserResponse,
  inviteResponse,
} from "../validation/responses";

const SSE = "text/event-stream" as const;

/** An error as Anthropic's Messages API words one (what the model gateway answers). */
const modelApiError = z.object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }) });

/** An error as AgentAPI (huma) answers one, `application/problem+json`: what `/agentapi/*` answers, the server's own errors included. */
const agentApiProblem = z.object({
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ message: z.string(), location: z.string().optional() })).optional(),
});
const PROBLEM = "application/problem+json" as const;
const AGENTAPI_ERRORS = { errorBody: agentApiProblem, errorType: PROBLEM };

type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  body?: z.ZodType;
  /** The success body: a zod schema (the one its serializer is typed by), a server-sent event stream, or none. */
  response?: z.ZodType | typeof SSE;
  ok: number;
  /** Other success statuses, with the same body (a delivery that created nothing). */
  alsoOk?: number[];
  errors?: number[];
  /** Errors in another shape than ours (the model gateway's are the Messages API's). */
  errorBody?: z.ZodType;
  /** Their content type, if not `application/json`. */
  errorType?: typeof PROBLEM;
  /** The body may be left out (then it is `{}`). */
  bodyOptional?: boolean;
  auth?: "user" | "agent" | "none" | "gateway" | "provisioner";
};

/** Every route of api.md: request bodies are the zod schemas the handlers parse with, success bodies the ones the serializers are typed by. */
export const OPERATIONS: Operation[] = [
  { method: "get", path: "/api/v2/users/first", summary: "Whether the first user exists (200) or not (404)", response: messageResponse, ok: 200, errors: [404], auth: "none" },
  { method: "post", path: "/api/v2/users/first", summary: "Create the first (owner) user; `setup_code` when the server is reachable from other machines", body: createFirstUserRequest, response: firstUserResponse, ok: 201, errors: [400, 403, 409, 415], auth: "none" },
  { method: "post", path: "/api/v2/users/login", summary: "Sign in; returns a session token and sets the cookie. 429 (Retry-After) after 10 failures for the account or 20 from the address in 5 minutes; 503 when too many sign-ins are under way", body: loginRequest, response: loginResponse, ok: 201, errors: [400, 401, 403, 415, 429, 503], auth: "none" },
  { method: "post", path: "/api/v2/users/logout", summary: "Revoke the token used for this request", response: messageResponse, ok: 200 },
  { method: "get", path: "/api/v2/users", summary: "List users (owner/admin): `q` matches username, email or name (literal text), `role` (owner, admin, member) and `status` (active, suspended, invited) filter; each with `last_seen_at`", response: userListResponse, ok: 200, errors: [400, 403] },
  { method: "post", path: "/api/v2/users", summary: "Create a user (owner/admin; only an owner creates admins) with a `password`, or with `invite: true` instead: the user is `invited` and the answer carries `invite_url` (a one-time link to choose a password, valid 7 days) — shown only here", body: createUserRequest, response: createdUserResponse, ok: 201, errors: [400, 403, 409, 415] },
  { method: "put", path: "/api/v2/users/{user}/roles", summary: "Give a user a role: `{roles: [\"owner\"|\"admin\"|\"member\"]}` (`[]` is member). Owner only (403 otherwise); 400 for your own role, or when no active owner would remain", body: updateUserRolesRequest, response: userResponse, ok: 200, errors: [400, 403, 404, 415] },
  { method: "put", path: "/api/v2/users/{user}/status/suspend", summary: "Suspend a user: every session, API key and CLI token of theirs is refused (401) from their next request; their sessions are deleted, their API keys work again after reactivation; their tasks keep running. Owner/admin (admins suspend members only: 403); 400 for yourself or the last active owner", response: userResponse, ok: 200, errors: [400, 403, 404] },
  { method: "put", path: "/api/v2/users/{user}/status/activate", summary: "Reactivate a suspended user (`invited` again if they never chose a password). Owner/admin (admins reactivate members only: 403); 400 for yourself", response: userResponse, ok: 200, errors: [400, 403, 404] },
  { method: "get", path: "/api/v2/invites/{code}", summary: "Whom a live invite link is for; 404 for a wrong, used or expired code, or a suspended invitee", response: inviteResponse, ok: 200, errors: [404], auth: "none" },
  { method: "post", path: "/api/v2/invites/{code}/accept", summary: "Choose the invited account's password: the link is used up, the user becomes active and is signed in (session token and cookie)", body: acceptInviteRequest, response: loginResponse, ok: 201, errors: [400, 403, 404, 415, 503], auth: "none" },
  { method: "get", path: "/api/v2/users/{user}", summary: "A user by id, username or `me`", response: userResponse, ok: 200, errors: [404] },
  { method: "get", path: "/api/v2/users/{user}/keys", summary: "The user's sessions and API keys that still work (yours; owner/admin for anyone's)", response: z.array(apiKeyInfoResponse), ok: 200, errors: [404] },
  { method: "post", path: "/api/v2/users/{user}/keys", summary: "Create a long-lived API key (yours; owners for anyone), answered once. The body may be left out; `token_name` (≤ 64, unique among your keys: 409) says what it is for, `lifetime_seconds` how long it lasts (3600 to a year, default 30 days)", body: createApiKeyRequest, bodyOptional: true, response: apiKeyResponse, ok: 201, errors: [400, 403, 404, 409, 415] },
  { method: "get", path: "/api/v2/users/{user}/keys/{id}", summary: "One session or API key", response: apiKeyInfoResponse, ok: 200, errors: [404] },
  { method: "delete", path: "/api/v2/users/{user}/keys/{id}", summary: "Revoke a session or API key (yours; owner/admin for anyone's)", ok: 204, errors: [404] },
  { method: "get", path: "/api/v2/git-providers", summary: "The configured git providers (forges): the hosts git credentials may be for", response: z.array(gitProviderResponse), ok: 200 },
  { method: "post", path: "/api/v2/git-providers", summary: "Configure a git provider (owner only); `api_url` defaults to api.github.com for github.com, `https://<host>/api/v3` for GitHub Enterprise, `https://<host>/api/v4` for GitLab", body: createGitProviderRequest, response: gitProviderResponse, ok: 201, errors: [400, 403, 409, 415] },
  { method: "patch", path: "/api/v2/git-providers/{id}", summary: "Change a provider's webhook secret (`null`: no inbound deliveries), the label that makes a GitHub issue a task (default `taskyard`) and the template issue tasks use (`null`: the built-in `claude`); owner only", body: updateGitProviderRequest, response: gitProviderResponse, ok: 200, errors: [400, 403, 404, 415] },
  { method: "delete", path: "/api/v2/git-providers/{id}", summary: "Remove a git provider and every credential for it (owner only)", ok: 204, errors: [403, 404] },
  { method: "post", path: "/api/v2/integrations/github/events", summary: "A GitHub webhook delivery (no session): signed (`X-Hub-Signature-256`) with a configured GitHub provider's webhook secret, else 401. An `issues` `labeled` event with the provider's label, or an `issue_comment` `created` starting `/taskyard <prompt>`, by a GitHub user linked to a Taskyard account (their git credential's login), on a repository of that provider, creates a task (201) — one per issue while it lives; a seen `X-GitHub-Delivery` is `duplicate`; `ping` is `pong`; anything else is 200 `ignored` with the reason. Body ≤ 1 MiB (413), JSON (415)", response: githubDeliveryResponse, ok: 201, alsoOk: [200], errors: [400, 401, 413, 415], auth: "none" },
  { method: "get", path: "/api/v2/users/{user}/git-credentials", summary: "The user's git credentials, never a token (yours; owner/admin for anyone's)", response: z.array(gitCredentialResponse), ok: 200, errors: [404] },
  { method: "post", path: "/api/v2/users/{user}/git-credentials", summary: "Store a token for a configured provider's host (yourself only); the forge is asked whose it is: a bad token is a 400, an unreachable forge a 502", body: createGitCredentialRequest, response: gitCredentialResponse, ok: 201, errors: [400, 403, 404, 415, 502] },
  { method: "delete", path: "/api/v2/users/{user}/git-credentials/{id}", summary: "Forget a git credential (yours; owner/admin for anyone's)", ok: 204, errors: [404] },
  { method: "get", path: "/api/v2/users/{user}/webhooks", summary: "Your webhook endpoints, oldest first, never a secret (yourself only: 403 for another user's)", response: z.array(webhookResponse), ok: 200, errors: [403, 404] },
  { method: "post", path: "/api/v2/users/{user}/webhooks", summary: "Register a webhook endpoint for your tasks' events (`all_tasks`: every task's, owner and admins only). Answers its `whsec_…` signing secret, shown only here and on rotation. A URL that resolves to a loopback, private, link-local or metadata address is a 400 on `url` unless the server sets TASKYARD_WEBHOOK_ALLOW_PRIVATE=1 (checked again at each delivery)", body: createWebhookRequest, response: webhookSecretResponse, ok: 201, errors: [400, 403, 404, 415] },
  { method: "patch", path: "/api/v2/users/{user}/webhooks/{id}", summary: "Change a webhook's url, events, format or enabled; enabling one the server disabled for failing clears its `disabled_reason`", body: updateWebhookRequest, response: webhookResponse, ok: 200, errors: [400, 403, 404, 415] },
  { method: "delete", path: "/api/v2/users/{user}/webhooks/{id}", summary: "Remove a webhook endpoint and its delivery log", ok: 204, errors: [403, 404] },
  { method: "post", path: "/api/v2/users/{user}/webhooks/{id}/secret", summary: "Rotate a webhook's signing secret: the new one is answered once and signs every attempt from now on", response: webhookSecretResponse, ok: 200, errors: [403, 404] },
  { method: "get", path: "/api/v2/users/{user}/webhooks/{id}/deliveries", summary: "The endpoint's delivery log, newest first (the last 100): status, attempts, the last response's status and latency, the last error, and when a pending one is tried next", response: z.array(webhookDeliveryResponse), ok: 200, errors: [403, 404] },
  { method: "post", path: "/api/v2/users/{user}/webhooks/{id}/test", summary: "Queue a signed `webhook.test` delivery through the same outbox as any event (202); it shows in the delivery log. 409 while the endpoint is disabled", ok: 202, errors: [403, 404, 409] },
  { method: "get", path: "/api/v2/provisioner-keys", summary: "Provisioner keys (owner only): name, pinned tags, who made it, when last used — never the key", response: z.array(provisionerKeyResponse), ok: 200, errors: [403] },
  { method: "post", path: "/api/v2/provisioner-keys", summary: "Create a key a remote provisioner daemon signs in with (`taskyard provisioner --url … --key …`), answered once as `key` (`typk_…`; only its hash is kept). `tags` pins the tags of every daemon using it (a daemon asking for others is refused); without, daemons bring their own `--tag`s. Name: lower-case letters, digits, dashes, ≤ 32, unique (409); at most 16 tags, names `^[a-z0-9][a-z0-9_.-]*$`. Owner only", body: createProvisionerKeyRequest, response: provisionerKeyCreatedResponse, ok: 201, errors: [400, 403, 409, 415] },
  { method: "delete", path: "/api/v2/provisioner-keys/{id}", summary: "Revoke a provisioner key at once: its daemons' next call is refused and they disappear from the provisioners list (owner only)", ok: 204, errors: [403, 404] },
  { method: "get", path: "/api/v2/provisioners", summary: "The registered provisioners (the built-in one and remote daemons): host, tags, version, `workspaces` running on the host, `last_seen_at`, `online` (seen within 30 s). Builds go only to a provisioner with every tag their template's `provisioner_tags` names; owner and admins", response: z.array(provisionerResponse), ok: 200, errors: [403] },
  { method: "get", path: "/api/v2/organizations", summary: "Organizations", response: z.array(organizationResponse), ok: 200 },
  { method: "get", path: "/api/v2/templates", summary: "Templates (archived ones only with `include_archived=true`)", response: z.array(templateResponse), ok: 200 },
  { method: "get", path: "/api/v2/templates/{id}", summary: "A template", response: templateResponse, ok: 200, errors: [404] },
  { method: "patch", path: "/api/v2/templates/{id}", summary: "Change a template's display name, description or icon, or archive it (`archived: true`: no new tasks, hidden from pickers; its tasks keep running); owner only", body: updateTemplateRequest, response: templateResponse, ok: 200, errors: [400, 403, 404, 415] },
  { method: "get", path: "/api/v2/templates/{id}/versions", summary: "A template's versions, newest first, with their configs; secrets by name only (owners and admins)", response: z.array(templateVersionDetailResponse), ok: 200, errors: [403, 404] },
  { method: "post", path: "/api/v2/templates/{id}/versions", summary: "Save a new version (`v<n+1>`), active unless `activate: false`. `config.secrets`: `NAME: value` sets, `NAME: null` removes, names not given are kept from the active version; owner only", body: createTemplateVersionRequest, response: templateVersionDetailResponse, ok: 201, errors: [400, 403, 404, 413, 415] },
  { method: "patch", path: "/api/v2/templates/{id}/versions", summary: "Make a version the active one (new tasks get it; existing tasks keep theirs); owner only", body: activateTemplateVersionRequest, response: messageResponse, ok: 200, errors: [400, 403, 404, 415] },
  { method: "get", path: "/api/v2/organizations/{org}/templates", summary: "An organization's templates (archived ones only with `include_archived=true`)", response: z.array(templateResponse), ok: 200, errors: [404] },
  { method: "post", path: "/api/v2/organizations/{org}/templates", summary: "Create a template; its config becomes version 1, active; owner only", body: createTemplateRequest, response: templateResponse, ok: 201, errors: [400, 403, 404, 409, 413, 415] },
  { method: "get", path: "/api/v2/organizations/{org}/templates/{name}", summary: "A template by name", response: templateResponse, ok: 200, errors: [404] },
  { method: "get", path: "/api/v2/organizations/{org}/templates/{name}/versions/{version}", summary: "A template version by name", response: templateVersionResponse, ok: 200, errors: [404] },
  { method: "get", path: "/api/v2/templateversions/{id}", summary: "A template version", response: templateVersionResponse, ok: 200, errors: [404] },
  { method: "get", path: "/api/v2/templateversions/{id}/presets", summary: "A version's presets (Coder's capitalised keys)", response: z.array(presetResponse), ok: 200, errors: [404] },
  { method: "get", path: "/api/v2/tasks", summary: "Tasks the caller may read, 100 at a time unless `limit` (≤ 1000) says otherwise; `q` filters (owner:, organization:, status:, search:)", response: taskListResponse, ok: 200, errors: [400] },
  { method: "post", path: "/api/v2/tasks/{user}", summary: "Create a task (400 for a `rich_parameter_values` name that is neither built in — repo_url, base_ref, model, max_cost_usd, auto_pause_after_idle — nor set by the template's presets; 429 when its owner has as many as one may)", body: createTaskRequest, response: taskResponse, ok: 201, errors: [400, 404, 409, 413, 415, 429] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}", summary: "A task by id or name", response: taskResponse, ok: 200, errors: [404] },
  { method: "delete", path: "/api/v2/tasks/{user}/{task}", summary: "Delete a task and its workspace", ok: 202, errors: [404] },
  { method: "patch", path: "/api/v2/tasks/{user}/{task}/repository", summary: "Correct the repository (`repo_url`, `base_ref`) of a task that failed or was paused before its first successful start; the next resume clones it (409 once the task has started)", body: updateRepositoryRequest, response: taskResponse, ok: 200, errors: [400, 404, 409] },
  { method: "patch", path: "/api/v2/tasks/{user}/{task}/input", summary: "Replace the prompt (pending or paused)", body: updateInputRequest, ok: 204, errors: [400, 404, 409] },
  { method: "patch", path: "/api/v2/tasks/{user}/{task}/prompt", summary: "Replace the prompt (pending, paused, or failed before its first successful start)", body: updatePromptRequest, ok: 204, errors: [400, 404, 409] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/send", summary: "Send input to the running agent", body: sendTaskInputRequest, ok: 204, errors: [400, 404, 409, 502] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/inputs", summary: "Queue a follow-up: delivered in order, one at a time, whenever the agent waits for input (at once when it already does: `state` says which); kept across pauses and restarts. 400 for a task in error/unknown", body: queueTaskInputRequest, response: taskInputResponse, ok: 202, errors: [400, 404, 415] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/inputs", summary: "The task's queued follow-ups, oldest first, as `{inputs}`: every one not yet delivered and the latest delivered ones (up to 200 in all)", response: taskInputListResponse, ok: 200, errors: [404] },
  { method: "delete", path: "/api/v2/tasks/{user}/{task}/inputs/{id}", summary: "Remove a queued follow-up before it is delivered; 409 once it is being or has been delivered", ok: 204, errors: [404, 409] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/logs", summary: "The conversation: live, or the snapshot", response: taskLogsResponse, ok: 200, errors: [404, 409, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/logs/{id}/tool-calls", summary: "The tool calls behind a log entry's tool lines, in order: each tool's name, its input (JSON text) and its output (null until it answered), each cut at 16 KiB (`*_truncated`; `output_bytes` is the whole size). Taskyard's own; the log entries stay as Coder's. From the running agent; otherwise (paused, say) as the agent kept them after each turn", response: taskToolCallsResponse, ok: 200, errors: [400, 404, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/logs/stream", summary: "The conversation and status changes as server-sent events (429 past the user's open streams)", response: SSE, ok: 200, errors: [404, 429] },
  { method: "get", path: "/api/v2/task-events", summary: "Server-sent events: `task` `{id, owner_id}` whenever a task the caller may see changes, `resync` when some may have been missed (Taskyard's own; the dashboard's push updates; 429 past the user's open streams)", response: SSE, ok: 200, errors: [429] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/pause", summary: "Stop the workspace. While the agent is working this is a 409 (the turn would be cut short) unless the body is `{\"force\": true}` (or `?force=true`): then the turn is interrupted first, its partial answer kept and marked, and the workspace pauses. The body may be left out", body: pauseTaskRequest, bodyOptional: true, response: taskTransitionResponse, ok: 202, errors: [400, 404, 409, 415] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/interrupt", summary: "Interrupt the agent's running turn (Claude Code: the Agent SDK's interrupt; AgentAPI agents: ESC) without stopping the workspace: the task becomes idle with the state \"Interrupted\" and what the turn produced stays in the conversation, marked \"(Interrupted)\". Nothing to interrupt (idle, paused…) is a 204 too", ok: 204, errors: [404, 502] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/resume", summary: "Start the workspace again (400, before any build is queued, when the repository a first start would clone cannot be read or lacks its ref)", response: taskTransitionResponse, ok: 202, errors: [400, 404, 409] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/agentapi/status", summary: "AgentAPI pass-through: the agent's status `{status, agent_type, transport}`; `agent_type` is one of AgentAPI's (`claude` for Claude Code, the agent's own for an AgentAPI agent, else `custom`). Every error on `/agentapi/*`, the server's own included, is AgentAPI's `application/problem+json` `{title, status, detail}`", response: agentApiStatusResponse, ok: 200, ...AGENTAPI_ERRORS, errors: [404, 409, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/agentapi/messages", summary: "AgentAPI pass-through: the agent's messages", response: agentApiMessagesResponse, ok: 200, ...AGENTAPI_ERRORS, errors: [404, 409, 502] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/agentapi/message", summary: "AgentAPI pass-through: post `{content, type}` to the agent. `raw` is taken at any agent status (200): ESC (`\\u001b`) interrupts the turn, a lone `\\r` or other control key changes nothing, other text while the agent is stable is a user turn. 409 while the task is not active", response: agentApiMessageResponse, ok: 200, ...AGENTAPI_ERRORS, errors: [400, 404, 405, 409, 413, 415, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/agentapi/events", summary: "AgentAPI pass-through: the agent's server-sent events", response: SSE, ok: 200, ...AGENTAPI_ERRORS, errors: [404, 409, 502] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/agentapi/upload", summary: "AgentAPI pass-through: upload a file (multipart field `file`, ≤ 10 MB) into the workspace", response: agentApiUploadResponse, ok: 200, ...AGENTAPI_ERRORS, errors: [400, 404, 409, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/changes", summary: "The task's repository changes against its base commit: files with +/− counts, a unified diff (≤ 1 MiB) and the commits since the base (newest first, ≤ 100); from the snapshot when paused", response: taskChangesResponse, ok: 200, errors: [404, 409, 502] },
  { method: "get", path: "/api/v2/tasks/{user}/{task}/setup-log", summary: "The newest run of the template's setup script in the task's workspace (`{setup_log: null}` when none ran): its status (`running`, `succeeded`, `failed`, `timed_out`), exit code and output (the last 64 Ki characters, updated while it runs, the template's secret values replaced). Taskyard's own; kept across pauses and restarts", response: taskSetupLogResponse, ok: 200, errors: [404] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/push", summary: "Commit what is left uncommitted (as the owner, the agent as co-author) and push `taskyard/<name>` to origin with the owner's git credential; active or paused. 409: no repository, no credential for the host, or git rejected the push (its reason in `detail`); 502: the remote could not be reached", response: pushResponse, ok: 200, errors: [404, 409, 502] },
  { method: "post", path: "/api/v2/tasks/{user}/{task}/pull-request", summary: "Push, then open a pull request (GitHub) or merge request (GitLab) from the task's branch into its base; 201 the first time, 200 with the same one after. 409 as push, or a generic provider; 403/422 the forge refused (its message in `detail`); 502 the forge did not answer within 15 s", body: createPullRequestRequest, response: pullRequestResponse, ok: 201, errors: [400, 403, 404, 409, 422, 502] },
  { method: "get", path: "/api/v2/usage", summary: "Model spend as the gateway metered it, grouped: `group_by=user|template|model|day` (default day, UTC), `from`/`to` days (YYYY-MM-DD, both included); everyone's for owners and admins, one's own for members", response: usageResponse, ok: 200, errors: [400] },
  { method: "post", path: "/api/v2/aigateway/anthropic/v1/messages", summary: "The model gateway: Anthropic's Messages API (streaming or not) for agents, with their own key (`x-api-key`); forwarded with the server's key and metered. Also `POST …/v1/messages/count_tokens` and `GET …/v1/models`. Errors in the Messages API's shape (401 a key that is not an agent's, or whose task is paused, deleted or has a newer agent)", ok: 200, errors: [401, 404, 413, 502], errorBody: modelApiError, auth: "gateway" },
  { method: "get", path: "/api/experimental/aitasks/prompts", summary: "Legacy: prompts by build id", response: legacyPromptsResponse, ok: 200, errors: [400] },
  { method: "post", path: "/api/v2/workspaceagents/me/lifecycle", summary: "Agent lifecycle state", body: lifecycleRequest, ok: 204, errors: [400, 401], auth: "agent" },
  { method: "patch", path: "/api/v2/workspaceagents/me/app-health", summary: "App health", body: appHealthRequest, ok: 204, errors: [400, 401], auth: "agent" },
  { method: "patch", path: "/api/v2/workspaceagents/me/app-status", summary: "App status", body: appStatusRequest, response: emptyObjectResponse, ok: 200, errors: [400, 401], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/connection", summary: "Where the agent serves AgentAPI", body: connectionRequest, ok: 204, errors: [400, 401], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/usage", summary: "One turn's model usage (tokens, cost in USD), added once per turn_id to the task's `usage`", body: usageRequest, ok: 204, errors: [400, 401, 404], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/tasks/{task}/changes-snapshot", summary: "The repository's changes after a turn (≤ 2 MiB)", body: changesSnapshotRequest, ok: 204, errors: [400, 401, 404, 409], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/tasks/{task}/work-snapshot", summary: "The task's work after a turn (its conversation state, a git bundle of its branch, the uncommitted diff; bytes base64), replacing the last: what a workspace lost with its host is rebuilt from (≤ TASKYARD_WORK_SNAPSHOT_MAX_BYTES)", body: workSnapshotRequest, ok: 204, errors: [400, 401, 404, 413], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/tasks/{task}/tool-calls", summary: "The tool calls behind one message's tool lines, after its turn (what a paused task opens to)", body: toolCallsReport, ok: 204, errors: [400, 401, 404], auth: "agent" },
  { method: "post", path: "/api/v2/workspaceagents/me/tasks/{task}/log-snapshot", summary: "Conversation snapshot (≤ 64 KiB)", body: logSnapshotRequest, ok: 204, errors: [400, 401, 404], auth: "agent" },
  { method: "get", path: "/api/v2/workspaceagents/me/manifest", summary: "What the agent runs: prompt, brain, parameters, its AgentAPI secret", response: agentManifestResponse, ok: 200, errors: [401], auth: "agent" },
  { method: "post", path: "/api/v2/provisionerd/register", summary: "A remote provisioner daemon registers its host `{host, tags, version}` → `{id, tags}` (its effective tags; a key that pins tags decides them, 403 on a conflict). 409: the host name is another key's or a server's built-in provisioner's", body: provisionerRegistration, response: provisionerRegistered, ok: 200, errors: [400, 401, 403, 409], auth: "provisioner" },
  { method: "post", path: "/api/v2/provisionerd/{method}", summary: "One step of a build for a remote provisioner (lib/workspaces/provisioner-store.ts: `claim` (a long poll of at most 20 s), `renew`, `finish`, `currentAgent`, `checkoutPlan`, `recordCheckout`, `templateVariables`, setup-log steps, `createAgent`, `agentStarted`, `lifecycles`, `snapshotPlan`, `storeSnapshot`, `workspaceRemoved`, `markCrashed`, `agentsOnHost`, `runningWorkspaces`, `restartWorkspace`, `restorePlan`). Answered only for the daemon's own leases, their workspaces and its host's agents: anything else is 404. Each call is its heartbeat", response: provisionerdAnswer, ok: 200, errors: [400, 401, 404, 413], auth: "provisioner" },
  { method: "get", path: "/api/v2/buildinfo", summary: "Server version and the agents' sandbox (`bubblewrap` or `none`)", response: buildInfoResponse, ok: 200, auth: "none" },
];

const ERROR_SCHEMA = {
  type: "object",
  required: ["message"],
  properties: {
    message: { type: "string" },
    detail: { type: "string" },
    validations: { type: "array", items: { type: "object", properties: { field: { type: "string" }, detail: { type: "string" } } } },
  },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input") {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function success(response: Operation["response"]) {
  if (response === SSE) return { description: "Server-sent events", content: { [SSE]: { schema: { type: "string" } } } };
  if (response) return { description: "Success", content: { "application/json": { schema: jsonSchema(response, "output") } } };
  return { description: "Success (no body)" };
}

/** The OpenAPI 3.1 document served at GET /api/v2/openapi.json. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
    const responses: Record<string, unknown> = { [op.ok]: success(op.response) };
    for (const code of op.alsoOk ?? []) responses[code] = success(op.response);
    const error = op.errorBody ? jsonSchema(op.errorBody, "output") : { $ref: "#/components/schemas/Error" };
    const errorType = op.errorType ?? "application/json";
    for (const code of op.errors ?? []) responses[code] = { description: "Error", content: { [errorType]: { schema: error } } };
    if (op.auth !== "none") responses[401] ??= { description: "Not authenticated", content: { [errorType]: { schema: error } } };
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": { schema: jsonSchema(op.body) } } } } : {}),
      responses,
      security: op.auth === "none" ? [] : op.auth === "agent" ? [{ agentToken: [] }] : op.auth === "gateway" ? [{ gatewayKey: [] }] : op.auth === "provisioner" ? [{ provisionerKey: [] }] : [{ sessionToken: [] }, { bearer: [] }, { cookie: [] }],
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Taskyard API", version: VERSION, description: "Wire-compatible with Coder's Tasks API." },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        sessionToken: { type: "apiKey", in: "header", name: "Coder-Session-Token" },
        bearer: { type: "http", scheme: "bearer" },
        cookie: { type: "apiKey", in: "cookie", name: "coder_session_token" },
        agentToken: { type: "apiKey", in: "header", name: "Coder-Session-Token", description: "An agent's one-time token" },
        gatewayKey: { type: "apiKey", in: "header", name: "x-api-key", description: "An agent's model-gateway key (what its workspace gets as ANTHROPIC_API_KEY)" },
        provisionerKey: { type: "http", scheme: "bearer", description: "A provisioner key (`typk_…`), and after registering the `Taskyard-Provisioner-Id` header" },
      },
    },
  };
}
