import { EventSourceParserStream } from "eventsource-parser/stream";
import type { RepoChanges } from "../agent/agentapi-client";
import type { TaskLogEntry } from "../tasks/logs";
import type { TaskResponse } from "../tasks/serialize";
import type { CreateTaskRequest } from "../validation/tasks";

/** The typed HTTP client for Taskyard's API, used by the dashboard hooks, the CLI and the tests. */
export type Task = TaskResponse;
export type TaskStatus = Task["status"];
export type LogEntry = TaskLogEntry;
export type TaskLogs = { logs: LogEntry[]; snapshot?: boolean; snapshot_at?: string };
/** `GET …/changes`: the task's repository against its base commit (live, or the snapshot taken at pause). */
export type TaskChanges = RepoChanges &
  Pick<NonNullable<Task["repository"]>, "base_ref" | "base_commit" | "branch"> & { snapshot?: true; snapshot_at?: string };
export type ChangedFile = TaskChanges["files"][number];
/** Per-task template parameters, e.g. `repo_url` and `base_ref`. */
export type RichParameterValue = NonNullable<CreateTaskRequest["rich_parameter_values"]>[number];
export type WorkspaceBuild = {
  id: string;
  workspace_id: string;
  build_number: number;
  transition: "start" | "stop" | "delete";
  status: string;
  reason: string;
  created_at: string;
  job: { status: string; error: string | null };
};
export type Template = {
  id: string;
  organization_id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  active_version_id: string;
  created_at: string;
  /** Whether a task of it can run on this server; if not, why (e.g. no ANTHROPIC_API_KEY). */
  available: boolean;
  unavailable_reason: string;
};
export type TemplateVersion = { id: string; template_id: string; name: string; created_at: string };
export type Preset = { ID: string; Name: string; Parameters: { Name: string; Value: string }[]; Default: boolean; Description: string; Icon: string };
export type User = {
  id: string;
  username: string;
  email: string;
  name: string;
  avatar_url: string;
  roles: { name: string; display_name: string }[];
  status: string;
  created_at: string;
  organization_ids?: string[];
};
export type CreateTaskInput = {
  input: string;
  template_version_id: string;
  template_version_preset_id?: string;
  name?: string;
  display_name?: string;
  rich_parameter_values?: RichParameterValue[];
};
export type Organization = { id: string; name: string; display_name: string; is_default: boolean; created_at: string };
/** One event of `GET …/logs/stream`; a `task` event with `deleted` is the last one for a deleted task. */
export type TaskStreamEvent =
  | { event: "task"; data: Task & { deleted?: true } }
  | { event: "logs"; data: TaskLogs }
  | { event: "log"; data: LogEntry };
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
  createFirstUser = (body: { email: string; username: string; password: string; name?: string }) =>
    this.request<{ user_id: string; organization_id: string }>("POST", "/api/v2/users/first", body);
  login = (email: string, password: string) =>
    this.request<{ session_token: string }>("POST", "/api/v2/users/login", { email, password });
  logout = () => this.request<{ message: string }>("POST", "/api/v2/users/logout");
  me = () => this.request<User>("GET", "/api/v2/users/me");
  users = (q = "") => this.request<{ users: User[]; count: number }>("GET", `/api/v2/users?q=${seg(q)}`);
  createUser = (body: { email: string; username: string; password: string; name?: string; role?: "admin" | "member" }) =>
    this.request<User>("POST", "/api/v2/users", body);
  createApiKey = (user = "me") => this.request<{ key: string }>("POST", `/api/v2/users/${seg(user)}/keys`);

  // Templates
  templates = () => this.request<Template[]>("GET", "/api/v2/templates");
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
  send = (user: string, task: string, input: string) => this.request<void>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/send`, { input });
  logs = (user: string, task: string) => this.request<TaskLogs>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/logs`);
  changes = (user: string, task: string) => this.request<TaskChanges>("GET", `/api/v2/tasks/${seg(user)}/${seg(task)}/changes`);
  pause = (user: string, task: string) =>
    this.request<{ workspace_build: WorkspaceBuild }>("POST", `/api/v2/tasks/${seg(user)}/${seg(task)}/pause`);
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
