/**
 * What the agent bundle reads from the environment: `taskyard agent`'s own settings, its token,
 * PATH (agents run git too) and what children inherit. Apart from lib/env.ts, and without zod: the
 * bundle would otherwise load a 760 KB validation library (~70 ms of CPU) at every agent start.
 * The server checks the heartbeat at start as well (`env()`), so a bad value stops the server
 * rather than every agent it starts. With lib/env.ts, the only place that reads the environment.
 */

/** The names read here, for lib/env.ts's list of every variable. */
export const AGENT_ENVIRONMENT_VARIABLES = ["TASKYARD_AGENT_URL", "TASKYARD_WORKSPACE_DIR", "TASKYARD_AGENT_HEARTBEAT_MS", "TASKYARD_AGENT_TOKEN", "TASKYARD_AGENT_LISTEN", "TASKYARD_AGENT_SERVER_CA", "PATH"];

/**
 * The process environment as a whole, for the children that inherit it: the web server and
 * `next build`, and (through the allow-list in lib/sandbox/environment.ts) agents.
 */
export function inheritedEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/** Where commands (git, bwrap, a template's agent) are looked up. */
export function searchPath(): string {
  return process.env.PATH || "/usr/bin:/bin";
}

export type AgentEnv = {
  /** The server and workspace of an agent run by hand (the provisioner passes flags). */
  TASKYARD_AGENT_URL?: string;
  TASKYARD_WORKSPACE_DIR?: string;
  /** How often an agent checks in with the server (and that its workspace is still there). */
  TASKYARD_AGENT_HEARTBEAT_MS: number;
  /** An agent on another host: the address it serves AgentAPI on, over TLS (the provisioner's `--advertise`). */
  TASKYARD_AGENT_LISTEN?: string;
  /**
   * The CA (PEM text, not a path: the agent's sandbox sees no file of the host's) that the server's
   * https certificate is checked against instead of the system's CAs.
   */
  TASKYARD_AGENT_SERVER_CA?: string;
};

let cached: AgentEnv | undefined;

/** The agent's settings, read and checked once; a bad value is one line naming the variable. */
export function agentEnv(source: Record<string, string | undefined> = process.env): AgentEnv {
  if (cached && source === process.env) return cached;
  const heartbeat = source.TASKYARD_AGENT_HEARTBEAT_MS || "5000";
  if (!/^\d+$/.test(heartbeat) || Number(heartbeat) < 50) {
    throw new Error(`invalid environment: TASKYARD_AGENT_HEARTBEAT_MS must be a whole number of milliseconds, at least 50 (got "${heartbeat}")`);
  }
  const read = {
    TASKYARD_AGENT_URL: source.TASKYARD_AGENT_URL || undefined,
    TASKYARD_WORKSPACE_DIR: source.TASKYARD_WORKSPACE_DIR || undefined,
    TASKYARD_AGENT_HEARTBEAT_MS: Number(heartbeat),
    TASKYARD_AGENT_LISTEN: source.TASKYARD_AGENT_LISTEN || undefined,
    TASKYARD_AGENT_SERVER_CA: source.TASKYARD_AGENT_SERVER_CA || undefined,
  };
  if (source === process.env) cached = read;
  return read;
}

/**
 * `taskyard agent`'s token when given by hand: read once and removed from the environment at
 * once, so nothing the agent starts inherits it (the provisioner sends it on a pipe instead).
 */
export function takeAgentToken(): string | undefined {
  const token = process.env.TASKYARD_AGENT_TOKEN || undefined;
  delete process.env.TASKYARD_AGENT_TOKEN;
  return token;
}
