import { inheritedEnvironment } from "../agent-env";

/**
 * The one list of what crosses from the server's environment into a workspace. An agent runs the
 * user's coding agent, which runs arbitrary commands: nothing reaches it unless named here or
 * declared by its template (e.g. `ANTHROPIC_API_KEY` for `claude`).
 */
const ALWAYS = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ"];

/** Taskyard settings meant for agents. The agent token is never one: it travels on a pipe. */
const AGENT_SETTINGS = ["TASKYARD_AGENT_HEARTBEAT_MS"];

/**
 * Names a template may never ask for, whatever it declares. The model provider's key and address
 * among them: a template that names them gets the model gateway instead (`usesModelGateway`).
 */
const NEVER = /^(TASKYARD_|DATABASE_URL$|PG[A-Z]+$|ANTHROPIC_(API_KEY|AUTH_TOKEN|BASE_URL)$)/;

/** A template that names Anthropic's settings runs its model calls through the server's gateway (lib/gateway). */
export function usesModelGateway(declared: string[] | undefined): boolean {
  return (declared ?? []).some((name) => name.startsWith("ANTHROPIC_"));
}

/** Where agents reach the model gateway, on the server they report to. */
export const MODEL_GATEWAY_PATH = "/api/v2/aigateway/anthropic";

/** The environment `taskyard agent` starts with. */
export function agentEnvironment(input: { home: string; declared?: string[]; source?: Record<string, string | undefined> }): NodeJS.ProcessEnv {
  const source = input.source ?? inheritedEnvironment();
  const env: Record<string, string> = { HOME: input.home, TASKYARD_PROCESS: "agent" };
  const declared = (input.declared ?? []).filter((name) => !NEVER.test(name));
  for (const name of [...ALWAYS, ...AGENT_SETTINGS, ...declared]) {
    const value = source[name];
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env as NodeJS.ProcessEnv;
}

/** What an agent passes on to the coding agent it starts: its own environment without Taskyard's settings. */
export function codingAgentEnvironment(extra: Record<string, string> = {}, source: Record<string, string | undefined> = inheritedEnvironment()): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) if (value !== undefined && !name.startsWith("TASKYARD_")) env[name] = value;
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

/**
 * What a template's setup script runs with: what the coding agent gets from the template, HOME its
 * workspace, none of Taskyard's settings. Not the model gateway's address and key: they belong to
 * an agent, and the script runs before there is one.
 */
export function setupScriptEnvironment(input: { home: string; declared?: string[]; source?: Record<string, string | undefined> }): NodeJS.ProcessEnv {
  return codingAgentEnvironment({ HOME: input.home }, agentEnvironment(input) as Record<string, string>);
}

/** The values the template's own variables have here: its secrets as far as a log is concerned (lib/workspaces/setup-log-tail.ts). */
export function declaredValues(declared: string[] | undefined, source: Record<string, string | undefined> = inheritedEnvironment()): string[] {
  const env = agentEnvironment({ home: "", declared, source });
  return (declared ?? []).map((name) => (ALWAYS.includes(name) ? undefined : env[name])).filter((v): v is string => !!v);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The `host:port` of every declared URL that points at the host's loopback (a model endpoint such
 * as a local proxy): a workspace with a network of its own reaches exactly these, through its agent.
 */
export function loopbackEndpoints(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  for (const value of Object.values(env)) {
    if (!value || !/^https?:\/\//i.test(value)) continue;
    try {
      const url = new URL(value);
      if (!LOOPBACK.test(url.hostname)) continue;
      const host = url.hostname === "localhost" ? "127.0.0.1" : url.hostname;
      found.add(`${host}:${url.port || (url.protocol === "https:" ? 443 : 80)}`);
    } catch {
      // Not a URL after all.
    }
  }
  return [...found];
}
