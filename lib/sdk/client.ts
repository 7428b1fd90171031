import { EventSourceParserStream } from "eventsource-parser/stream";
import type { z } from "zod";
import type { toUserResponse } from "../auth/users";
import type { toOrganizationResponse } from "../organizations/serialize";
import type { toBuildResponse, toTaskResponse } from "../tasks/serialize";
import type { toPresetResponse, toTemplateResponse, toTemplateVersionDetailResponse, toTemplateVersionResponse } from "../templates/serialize";
import type { createTemplateRequest, createTemplateVersionRequest, TemplateConfigWire, updateTemplateRequest } from "../validation/templates";
import type { createTaskRequest, pauseTaskRequest, updateRepositoryRequest } from "../validation/tasks";
import type { createApiKeyRequest, createFirstUserRequest, createUserRequest } from "../validation/users";
import type { createWebhookRequest, updateWebhookRequest } from "../validation/webhooks";
import type { createProvisionerKeyRequest } from "../validation/provisioners";
import type { createGitCredentialRequest, createGitProviderRequest, createPullRequestRequest, updateGitProviderRequest } from "../validation/git-credentials";
import type {
  apiKeyInfoResponse,
  apiKeyResponse,
  createdUserResponse,
  firstUserResponse,
  inviteResponse,
  gitCredentialResponse,
  gitProviderResponse,
  loginResponse,
  messageResponse,
  pullRequestResponse,
  pushResponse,
  usageResponse,
  taskChangesResponse,
  taskSetupLogResponse,
  webhookDeliveryResponse,
  webhookResponse,
  webhookSecretResponse,
  provisionerKeyResponse,
  provisionerKeyCreatedResponse,
  provisionerResponse,
  taskInputResponse,
  taskLogsResponse,
  taskToolCallsResponse,
} from "../validation/responses";

/**
 * The typed HTTP client for Taskyard's API, used by the dashboard hooks, the CLI and the tests.
 * Its types are not written here: requests are what the zod schemas accept, responses what the
 * serializers return (themselves typed by the response schemas of the OpenAPI document).
 */
export type Task = ReturnType<typeof toTaskResponse>;
export type TaskStatus = Task["status"];
export type TaskLogs = z.output<typeof taskLogsResponse>;
/** A follow-up in a task's queue (`…/inputs`). */
export type TaskInput = z.output<typeof taskInputResponse>;
export type LogEntry = TaskLogs["logs"][number];
/** `GET …/changes`: the task's repository against its base commit (live, or the snapshot taken at pause). */
export type TaskChanges = z.output<typeof taskChangesResponse>;
/** `GET …/setup-log`: the newest run of the template's setup script, if one ran. */
export type TaskSetupLog = NonNullable<z.output<typeof taskSetupLogResponse>["setup_log"]>;
export type ChangedFile = TaskChanges["files"][number];
/** A commit on the task's branch since its base (newest first in `TaskChanges.commits`). */
export type TaskCommit = TaskChanges["commits"][number];
/** `GET …/logs/{id}/tool-calls`: a log entry's tool calls with their input and output. */
export type ToolCall = z.output<typeof taskToolCallsResponse>["tool_calls"][number];
export type WorkspaceBuild = ReturnType<typeof toBuildResponse>;
export type Template = ReturnType<typeof toTemplateResponse>;
export type TemplateVersion = ReturnType<typeof toTemplateVersionResponse>;
/** A version with its config (secrets by name only), as `GET /templates/{id}/versions` lists it. */
export type TemplateVersionDetail = ReturnType<typeof toTemplateVersionDetailResponse>;
/** A template's `config` as the API takes it (`secrets`: `NAME: value` sets, `NAME: null` removes). */
export type TemplateConfigInput = TemplateConfigWire;
export type CreateTemplateInput = z.input<typeof createTemplateRequest>;
export type CreateTemplateVersionInput = z.input<typeof createTemplateVersionRequest>;
export type UpdateTemplateInput = z.input<typeof updateTemplateRequest>;
export type Preset = ReturnType<typeof toPresetResponse>;
export type User = ReturnType<typeof toUserResponse>;
export type Organization = ReturnType<typeof toOrganizationResponse>;
/** What `POST /tasks/{user}` accepts (before the schema's defaults and preprocessing). */
export type CreateTaskInput = z.input<typeof createTaskRequest>;
/** Per-task template parameters, e.g. `repo_url` and `base_ref`. */
export type RichParameterValue = NonNullable<z.output<typeof createTaskRequest>["rich_parameter_values"]>[number];
/** What `PATCH …/repository` accepts: a failed task's corrected repository. */
export type UpdateRepositoryInput = z.input<typeof updateRepositoryRequest>;
export type CreateUserInput = z.input<typeof createUserRequest>;
/** A new user as `POST /users` answers: with `invite_url` (shown this once) when created with `invite: true`. */
export type CreatedUser = z.output<typeof createdUserResponse>;
export type UserRole = User["roles"][number]["name"];
export type UserStatus = User["status"];
/** Whom an invite link is for (`GET /invites/{code}`). */
export type Invite = z.output<typeof inviteResponse>;
/** A new API key's name (`token_name`) and lifetime (`lifetime_seconds`); both optional. */
export type CreateApiKeyInput = z.input<typeof createApiKeyRequest>;
export type CreateFirstUserInput = z.input<typeof createFirstUserRequest>;
/** One event of `GET …/logs/stream`; a `task` event with `deleted` is the last one for a deleted task. */
export type TaskStreamEvent =
  | { event: "task"; data: Task & { deleted?: true } }
  | { event: "logs"; data: TaskLogs }
  | { event: "log"; data: LogEntry };
/** A session (`login_type: "password"`) or a long-lived API key (`"token"`); `current` is the one this request used. */
export type ApiKey = z.output<typeof apiKeyInfoResponse>;
/** A forge the owner configured (`github`, `gitlab`, `generic`): the hosts git credentials may be for. */
export type GitProvider = z.output<typeof gitProviderResponse>;
export type CreateGitProviderInput = z.input<typeof createGitProviderRequest>;
export type UpdateGitProviderInput = z.input<typeof updateGitProviderRequest>;
/** A user's stored git token as the API shows it: never the token, only its last 4 characters. */
export type GitCredential = z.output<typeof gitCredentialResponse>;
export type CreateGitCredentialInput = z.input<typeof createGitCredentialRequest>;
/** `POST …/push`: the task's branch as it is on the remote now. */
export type PushResult = z.output<typeof pushResponse>;
/** A task's pull (merge) request: `Task.pull_request`, and what `POST …/pull-request` answers. */
export type PullRequest = z.output<typeof pullRequestResponse>;
export type CreatePullRequestInput = z.input<typeof createPullRequestRequest>;
export type PauseTaskInput = z.input<typeof pauseTaskRequest>;
/** `GET /api/v2/usage`: model spend as the gateway metered it, grouped by user, template, model or day (UTC). */
export type UsageGroup = z.output<typeof usageResponse>["groups"][number];
/** A webhook endpoint (`…/users/{user}/webhooks`); its secret only comes with `WebhookWithSecret`, on creation and rotation. */
export type Webhook = z.output<typeof webhookResponse>;
export type WebhookWithSecret = z.output<typeof webhookSecretResponse>;
export type WebhookDelivery = z.output<typeof webhookDeliveryResponse>;
export type CreateWebhookInput = z.input<typeof createWebhookRequest>;
export type UpdateWebhookInput = z.input<typeof updateWebhookRequest>;
/** A provisioner key as listed; the key itself only comes with `CreatedProvisionerKey`, once. */
export type ProvisionerKey = z.output<typeof provisionerKeyResponse>;
export type CreatedProvisionerKey = z.output<typeof provisionerKeyCreatedResponse>;
export type CreateProvisionerKeyInput = z.input<typeof createProvisionerKeyRequest>;
export type Provisioner = z.output<typeof provisionerResponse>;
export type ApiErrorBody = { message: string; detail?: string; validations?: { field: string; detail: string }[] };

export class TaskyardError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.detail ? `${body.message.replace(/[.:]\s*$/, "")}: ${body.detail}` : body.message);
    this.name = "TaskyardError";
  }
}

export type ClientOptions = { baseUrl?: string; token?: string; fetch?: typeof fetch };

const seg = encodeURIComponent;

export class TaskyardClient {
  readonly baseUrl: string;
  token?: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.token = options.token;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  private authHeaders(): Record<string, string> {
    return this.token ? { "Coder-Session-Token": this.token } : {};
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = this.authHeaders();
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new TaskyardError(res.status, data ?? { message: res.statusText });
    return data as T;
  }

  // Users and sessions
  hasFirstUser = () =>
    this.request("GET", "/api/v2/users/first").then(
      () => true,
      (e) => (e instanceof TaskyardError && e.status === 404 ? false : Promise.reject(e)),
    );
  createFirstUser = (body: CreateFirstUserInput) => this.request<z.output<typeof firstUserResponse>>("POST", "/api/v2/users/first", body);
  login = (email: string, password: string) => this.request<z.output<typeof loginResponse>>("POST", "/api/v2/users/login", { email, password });
  logout = () => this.request<z.output<typeof messageResponse>>("POST", "/api/v2/users/logout");
  me = () => this.request<User>("GET", "/api/v2/users/me");
  /** Owner/admin: everyone, narrowed by `q` (username, email or name), `role` and `status`. */
  users = (q = "", filter: { role?: UserRole; status?: UserStatus } = {}) =>
    this.request<{ users: User[]; count: number }>("GET", `/api/v2/users?${new URLSearchParams({ q, ...filter })}`);
  createUser = (body: CreateUserInput) => this.request<CreatedUser>("POST", "/api/v2/users", body);
  /** Owner only; never one's own role, never the last active owner's. */
  setUserRole = (user: string, role: UserRole) => this.request<User>("PUT", `/api/v2/users/${seg(user)}/roles`, { roles: [role] });
  /** Their sessions, API keys and CLI tokens are refused from their next request. */
  suspendUser = (user: string) => this.request<User>("PUT", `/api/v2/users/${seg(user)}/status/suspend`);
  activateUser = (user: string) => this.request<User>("PUT", `/api/v2/users/${seg(user)}/status/activate`);
  invite = (code: string) => this.request<Invite>("GET", `/api/v2/invites/${seg(code)}`);
  acceptInvite = (code: string, password: string) => this.request<z.output<typeof loginResponse>>("POST", `/api/v2/invites/${seg(code)}/accept`, { password });
  createApiKey = (user = "me", body?: CreateApiKeyInput) => this.request<z.output<typeof apiKeyResponse>>("POST", `/api/v2/users/${seg(user)}/keys`, body);
  apiKeys = (user = "me") => this.request<ApiKey[]>("GET", `/api/v2/users/${seg(user)}/keys`);
  revokeApiKey = (id: string, user = "me") => this.request<void>("DELETE", `/api/v2/users/${seg(user)}/keys/${seg(id)}`);

  // Git providers (owner) and each user's git credentials
  gitProviders = () => this.request<GitProvider[]>("GET", "/api/v2/git-providers");
  createGitProvider = (body: CreateGitProviderInput) => this.request<GitProvider>("POST", "/api/v2/git-providers", body);
  updateGitProvider = (id: string, body: UpdateGitProviderInput) => this.request<GitProvider>("PATCH", `/api/v2/git-providers/${seg(id)}`, body);
  deleteGitProvider = (id: string) => this.request<void>("DELETE", `/api/v2/git-providers/${seg(id)}`);
  gitCredentials = (user = "me") => this.request<GitCredential[]>("GET", `/api/v2/users/${seg(user)}/git-credentials`);
  createGitCredential = (body: CreateGitCredentialInput, user = "me") => this.request<GitCredential>("POST", `/api/v2/users/${seg(user)}/git-credentials`, body);
  deleteGitCredential = (id: string, user = "me") => this.request<void>("DELETE", `/api/v2/users/${seg(user)}/git-credentials/${seg(id)}`);

  // Webhooks: each user's endpoints for their tasks' events
  provisionerKeys = () => this.request<ProvisionerKey[]>("GET", "/api/v2/provisioner-keys");
  createProvisionerKey = (body: CreateProvisionerKeyInput) => this.request<CreatedProvisionerKey>("POST", "/api/v2/provisioner-keys", body);
  deleteProvisionerKey = (id: string) => this.request<void>("DELETE", `/api/v2/provisioner-keys/${seg(id)}`);
  provisioners = () => this.request<Provisioner[]>("GET", "/api/v2/provisioners");

  webhooks = (user = "me") => this.request<Webhook[]>("GET", `/api/v2/users/${seg(user)}/webhooks`);
  createWebhook = (body: CreateWebhookInput, user = "me") => this.request<WebhookWithSecret>("POST", `/api/v2/users/${seg(user)}/webhooks`, body);
  updateWebhook = (id: string, body: UpdateWebhookInput, user = "me") => this.request<Webhook>("PATCH", `/api/v2/users/${seg(user)}/webhooks/${seg(id)}`, body);
  deleteWebhook = (id: string, user = "me") => this.request<void>("DELETE", `/api/v2/users/${seg(user)}/webhooks/${seg(id)}`);
  /** A new signing secret; the old one stops signing at once. */
  rotateWebhookSecret = (id: string, user = "me") => this.request<WebhookWithSecret>("POST", `/api/v2/users/${seg(user)}/webhooks/${seg(id)}/secret`);
  webhookDeliveries = (id: string, user = "me") => this.request<WebhookDelivery[]>("GET", `/api/v2/users/${seg(user)}/webhooks/${seg(id)}/deliveries`);
  /** Queues a `webhook.test` delivery (202): it shows in the delivery log like any other. */
  testWebhook = (id: string, user = "me") => this.request<void>("POST", `/api/v2/users/${seg(user)}/webhooks/${seg(id)}/test`);

  // Templates
  templates = () => this.request<Template[]>("GET", "/api/v2/templates");
  /** Archived templates too (the settings page); pickers use `templates`, which leaves them out. */
  allTemplates = () => this.request<Template[]>("GET", "/api/v2/templates?include_archived=true");
  template = (id: string) => this.request<Template>("GET", `/api/v2/templates/${seg(id)}`);
  /** A new template, its config version 1 (owner only). */
  createTemplate = (body: CreateTemplateInput, org = "default") => this.request<Template>("POST", `/api/v2/organizations/${seg(org)}/templates`, body);
  /** Display name, description, icon, `archived` (owner only). */
  updateTemplate = (id: string, body: UpdateTemplateInput) => this.request<Template>("PATCH", `/api/v2/templates/${seg(id)}`, body);
  templateVersions = (id: string) => this.request<TemplateVersionDetail[]>("GET", `/api/v2/templates/${seg(id)}/versions`);
  /** Every save is a new version; it becomes active unless `activate: false`. */
  createTemplateVersion = (id: string, body: CreateTemplateVersionInput) => this.request<TemplateVersionDetail>("POST", `/api/v2/templates/${seg(id)}/versions`, body);
  activateTemplateVersion = (id: string, versionId: string) => this.request<z.output<typeof messageResponse>>("PATCH", `/api/v2/templates/${seg(id)}/versions`, { id: versionId });
  organizations = () => this.request<Organization[]>("GET", "/api/v2/organizations");
  templateByName = (org: string, name: string) => this.request<Template>("GET", `/api/v2/organizations/${seg(org)}/templates/${seg(name)}`);
  templateVersionByName = (org: string, template: string, version: string) =>
    this.request<TemplateVersion>("GET", `/api/v2/organizations/${seg(org)}/templates/${seg(template)}/versions/${seg(version)}`);
  templateVersion = (versionId: string) => this.request<TemplateVersion>("GET", `/api/v2/templateversions/${seg(versionId)}`);
  presets = (versionId: string) => this.request<Preset[]>("GET", `/api/v2/templateversions/${seg(versionId)}/presets`);

  // Tasks
  tasks = (q = "", page: { limit?: number; offset?: number } = {}) => this.request<{ tasks: Task[]; count: number }>("GET", this.tasksPath(q, page));
  /** The list's exact path (no base URL), so a page can ask the browser to start fetching it early (`<link rel=preload>`). */
  tasksPath = (q = "", page: { limit?: number; offset?: number } = {}) => {
    const params = new URLSearchParams({ q });
    if (page.limit) params.set("limit", String(page.limit));
    if (page.offset) params.set("offset", String(page.offset));
    return `/api/v2/tasks?${params}`;
  };
  mePath = () => "/api/v2/users/me";
  createTask = (body: CreateTaskInput, user = "me") => this.request<Task>("POST", `/api/v2/tasks/${seg(user)}`, body);
  task = (user: string, task: string) => this.request<Task>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}`);
  deleteTask = (user: string, task: string) => this.request<void>("DELETE", `/api/v2/tasks/${seg(user)}/${seg(task)}`);
  updatePrompt = (user: string, task: string, prompt: string) =>
    this.request<void>("PATCH", `/api/v2/tasks/${seg(user)}/${seg(task)}/prompt`, { prompt });
  /** Corrects the repository of a task whose first start failed; resume then clones it. */
  updateRepository = (user: string, task: string, body: UpdateRepositoryInput) =>
    this.request<Task>("PATCH", `/api/v2/tasks/${seg(user)}/${seg(task)}/repository`, body);
  send = (user: string, task: string, input: string) => this.request<void>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/send`, { input });
  /** Queues a follow-up: delivered in order whenever the agent waits for input (the UI's and the CLI's one rule). */
  queueInput = (user: string, task: string, input: string) => this.request<TaskInput>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/inputs`, { input });
  inputs = (user: string, task: string) => this.request<{ inputs: TaskInput[] }>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/inputs`);
  removeInput = (user: string, task: string, id: string) => this.request<void>("DELETE", `/api/v2/tasks/${seg(user)}/${seg(task)}/inputs/${seg(id)}`);
  logs = (user: string, task: string) => this.request<TaskLogs>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/logs`);
  toolCalls = (user: string, task: string, logId: number) =>
    this.request<{ tool_calls: ToolCall[] }>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/logs/${logId}/tool-calls`);
  changes = (user: string, task: string) => this.request<TaskChanges>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/changes`);
  /** The newest run of the template's setup script in the task's workspace (null: none ran). */
  setupLog = (user: string, task: string) => this.request<{ setup_log: TaskSetupLog | null }>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/setup-log`);
  /** Commits what is left and pushes the task's branch to its repository's origin. */
  push = (user: string, task: string) => this.request<PushResult>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/push`);
  /** Pushes, then opens a pull (merge) request for the task's branch — or answers the one already open. */
  pullRequest = (user: string, task: string, body: CreatePullRequestInput = {}) =>
    this.request<PullRequest>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/pull-request`, body);
  /** Model spend, grouped (`from`/`to`: UTC days, both included); everyone's for owners and admins, one's own for members. */
  usage = (query: { group_by?: "user" | "template" | "model" | "day"; from?: string; to?: string } = {}) =>
    this.request<{ groups: UsageGroup[] }>("GET", `/api/v2/usage?${new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][])}`);
  /** `force` interrupts a working agent's turn first; without it, pausing mid-turn is a 409. */
  pause = (user: string, task: string, options: PauseTaskInput = {}) =>
    this.request<{ workspace_build: WorkspaceBuild }>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/pause`, options.force ? options : undefined);
  /** Stops the agent's running turn (what it produced so far is kept); the workspace keeps running. */
  interrupt = (user: string, task: string) => this.request<void>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/interrupt`);
  resume = (user: string, task: string) =>
    this.request<{ workspace_build: WorkspaceBuild }>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/resume`);
  logStreamUrl = (user: string, task: string) => `${this.baseUrl}/api/v2/tasks/${seg(user)}/${seg(task)}/logs/stream`;

  /** `GET …/logs/stream` as typed events, until the server ends it (the task stopped) or `signal` aborts. */
  async *streamTask(user: string, task: string, signal?: AbortSignal): AsyncGenerator<TaskStreamEvent> {
    const res = await this.fetchImpl(this.logStreamUrl(user, task), { headers: this.authHeaders(), credentials: "same-origin", signal });
    if (!res.ok || !res.body) throw new TaskyardError(res.status, await res.json().catch(() => ({ message: res.statusText })));
    const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    for await (const { event, data } of events) {
      if (event === "task" || event === "logs" || event === "log") yield { event, data: JSON.parse(data) } as TaskStreamEvent;
    }
  }
}
