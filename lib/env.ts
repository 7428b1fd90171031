import ipaddr from "ipaddr.js";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AGENT_ENVIRONMENT_VARIABLES, agentEnv } from "./agent-env";
import { parseSecretKey } from "./git-credentials/secret-key-format";
import { parseTagList } from "./validation/provisioners";

/** The same minimum as an account's password in the API. */
const ADMIN_PASSWORD_MIN_LENGTH = 8;

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

/** Naming tasks and the `claude` template both use it: one default for both. */
export const DEFAULT_ANTHROPIC_MODEL = "claude-haiku-4-5";

/** An address range: a reverse proxy (or several) whose X-Forwarded-For the server believes. */
export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * `TASKYARD_TRUSTED_PROXIES`: comma-separated addresses and CIDR ranges (`127.0.0.1, 10.0.0.0/8,
 * ::1`). IPv4 is written in four decimal parts only (`127.1` or `0x7f.0.0.1` would be surprises).
 */
export const addressRanges = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx): AddressRange[] => {
      const ranges: AddressRange[] = [];
      for (const entry of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
        const [address, prefix, ...rest] = entry.split("/");
        const valid = ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address);
        const bits = prefix === undefined ? undefined : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
        if (!valid || rest.length || Number.isNaN(bits)) {
          ctx.addIssue({ code: "custom", message: `"${entry}" is not an IP address or CIDR range` });
          continue;
        }
        const parsed = ipaddr.parse(address);
        const max = parsed.kind() === "ipv4" ? 32 : 128;
        if (bits !== undefined && bits > max) {
          ctx.addIssue({ code: "custom", message: `"${entry}" has a prefix longer than ${max} bits` });
          continue;
        }
        // An IPv4-mapped IPv6 address is the IPv4 address, as a client's address is taken.
        if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) ranges.push([parsed.toIPv4Address(), Math.max(0, (bits ?? 128) - 96)]);
        else ranges.push([parsed, bits ?? max]);
      }
      return ranges;
    }),
);

const secretKey = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      try {
        return parseSecretKey(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
);

/**
 * Every setting the server and the provisioner read, with its one default. Nothing else reads
 * `process.env` but lib/agent-env.ts, the agent's own (a test checks); children get the environment
 * from `inheritedEnvironment`.
 */
const envSchema = z.object({
  DATABASE_URL: optionalString,
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOSTNAME: optionalString,
  TASKYARD_DATA_DIR: optionalString,
  /** How agents and the provisioner reach this server; defaults to the local listener. */
  TASKYARD_ACCESS_URL: optionalString,
  /** Serve HTTPS on PORT with this certificate (PEM, chain after the leaf) and key: both or neither (lib/server/tls.ts). */
  TASKYARD_TLS_CERT_FILE: optionalString,
  TASKYARD_TLS_KEY_FILE: optionalString,
  /** The CA (PEM) this host's clients check the server's https certificate against, instead of the system's CAs. */
  TASKYARD_CA_FILE: optionalString,
  TASKYARD_ADMIN_EMAIL: optionalString,
  TASKYARD_ADMIN_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(ADMIN_PASSWORD_MIN_LENGTH, `must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`).optional(),
  ),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: z.preprocess(emptyAsUndefined, z.string().default(DEFAULT_ANTHROPIC_MODEL)),
  // Read only to say whether the `gemini` template can run; its agent gets them because the template declares them.
  GEMINI_API_KEY: optionalString,
  GOOGLE_API_KEY: optionalString,
  TASKYARD_LEASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(200).default(10_000)),
  /** The built-in provisioner's tags, `k=v,k=v` (lib/provisioners/registry.ts): it claims only builds of templates requiring a subset. */
  TASKYARD_PROVISIONER_TAGS: z.preprocess(emptyAsUndefined, z.string().optional()).superRefine((value, ctx) => {
    const parsed = value === undefined ? null : parseTagList([value]);
    if (parsed && "error" in parsed) ctx.addIssue({ code: "custom", message: `must be k=v,k=v: ${parsed.error}` });
  }),
  TASKYARD_AGENT_CONNECT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(30_000)),
  /** A provisioner not heard from this long, whose agents do not answer either, has lost its host (lib/provisioners/host-loss.ts). */
  /** `taskyard provisioner`'s key when `--key` is not given (a remote provisioner: no DATABASE_URL). */
  TASKYARD_PROVISIONER_KEY: optionalString,
  TASKYARD_HOST_LOST_AFTER_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(30_000)),
  /** How often each provisioner looks for tasks idle past their `auto_pause_after_idle`; 0 turns its sweep off. */
  TASKYARD_AUTO_PAUSE_SWEEP_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().refine((v) => v === 0 || v >= 100, "must be 0 (off) or at least 100").default(5000),
  ),
  /**
   * Builds one provisioner carries out at once. A build mostly waits (for its agent to start and
   * report in), so several per core pay; README's Environment table has the measurement.
   */
  TASKYARD_BUILD_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(Math.max(8, 4 * os.availableParallelism()))),
  /**
   * Per user, start builds carried out at once across provisioners (pause and delete builds have
   * slots of their own): one user's hanging clones never hold every slot. Default: half of
   * TASKYARD_BUILD_CONCURRENCY, at least 1 (set in env()).
   */
  TASKYARD_BUILDS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).optional()),
  /**
   * Directories local repositories (`/path`, `file:///path`) may be cloned from, colon- or
   * comma-separated absolute paths; none by default, so a local `repo_url` is refused.
   */
  TASKYARD_LOCAL_REPO_ROOTS: z.preprocess(
    (v) => (typeof v === "string" ? v.split(/[:,]/).map((s) => s.trim()).filter(Boolean) : []),
    z.array(z.string().refine((s) => path.isAbsolute(s), "must list absolute directories").transform((s) => path.resolve(s))),
  ),
  /**
   * The most one task's work snapshot (taken at the end of every turn: conversation, a git bundle of
   * its branch, the uncommitted diff) may take; over it the diff is left out, then the bundle.
   */
  TASKYARD_WORK_SNAPSHOT_MAX_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(64 * 1024).default(50 * 1024 * 1024)),
  /** A clone or fetch that receives nothing for this long fails (curl's low-speed limit, or a watchdog on git's progress). */
  TASKYARD_GIT_STALL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(30)),
  /** Model budgets the owner sets (the gateway refuses calls past them; unset: no limit): per task, and per user per UTC day. */
  TASKYARD_TASK_MAX_COST_USD: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
  TASKYARD_TASK_MAX_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
  /** How long one turn may keep calling the model, from its first call (unset: no limit). */
  TASKYARD_TURN_MAX_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
  TASKYARD_USER_DAILY_MAX_COST_USD: z.preprocess(emptyAsUndefined, z.coerce.number().positive().optional()),
  TASKYARD_USER_DAILY_MAX_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
  /** How often, at most, a task's open pull request is asked of its forge again when the task is read. */
  TASKYARD_PULL_REQUEST_REFRESH_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(60)),
  /** Agents' sandbox: bubblewrap where it works (auto), required (bubblewrap), or off (none). */
  TASKYARD_SANDBOX: z.preprocess(emptyAsUndefined, z.enum(["auto", "bubblewrap", "none"]).default("auto")),
  /** Longest prompt (and follow-up input) a task takes, in bytes of UTF-8. */
  TASKYARD_MAX_PROMPT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(32 * 1024)),
  /** Tasks a user may have at once (deleted ones do not count); each is a workspace and a process. */
  TASKYARD_MAX_TASKS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(100)),
  /** Live-log streams (server-sent events) a user may hold open at once, across tabs and clients. */
  TASKYARD_MAX_STREAMS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(20)),
  /**
   * Reverse proxies whose X-Forwarded-For names the client (for per-address sign-in limits). None
   * by default: every agent's sandbox shares this machine's loopback, so "from loopback" would let
   * an agent choose the address it is counted as.
   */
  TASKYARD_TRUSTED_PROXIES: addressRanges,
  /** Set by the launcher, never by hand: the one-time code first-run setup needs on a server others can reach. */
  TASKYARD_SETUP_CODE: optionalString,
  /**
   * The key git tokens are encrypted with at rest (32 bytes, base64 or hex). Unset: one is made
   * once in the data dir (`secret-key`). Several servers on one database must share it.
   */
  TASKYARD_SECRET_KEY: secretKey,
  /** During a key rotation, the key being retired: the next start re-encrypts everything under the new one. */
  TASKYARD_SECRET_KEY_PREVIOUS: secretKey,
  /** `1`: webhooks may go to loopback, private and link-local addresses (receivers on this machine or its network). Off by default. */
  TASKYARD_WEBHOOK_ALLOW_PRIVATE: z.preprocess(emptyAsUndefined, z.enum(["0", "1", "true", "false"]).default("0")).transform((v) => v === "1" || v === "true"),
  /**
   * Multiplies webhooks' retry schedule (5 s … 10 h, about 1.1 days in all) and the day after which a
   * failing endpoint is disabled; for tests and drills (0.0001 turns a day into under 9 s). 1 by default.
   */
  TASKYARD_WEBHOOK_RETRY_SCALE: z.preprocess(emptyAsUndefined, z.coerce.number().positive().max(1000).default(1)),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.string().default("info")),
  /** Which process logs (`web`, `agent`, …): the launcher and the provisioner set it for their children. */
  TASKYARD_PROCESS: z.preprocess(emptyAsUndefined, z.string().default("taskyard")),
  /** Where the sandbox probe writes. */
  TMPDIR: z.preprocess(emptyAsUndefined, z.string().default("/tmp")),
});

export type Env = z.infer<typeof envSchema> & { TASKYARD_BUILDS_PER_USER: number };

let cached: Env | undefined;

/** The environment, read and validated once; a bad value is one line naming the variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  agentEnv(); // the agents this server starts read these: a bad one stops the server, not each agent
  const { TASKYARD_BUILD_CONCURRENCY, TASKYARD_BUILDS_PER_USER } = parsed.data;
  cached = { ...parsed.data, TASKYARD_BUILDS_PER_USER: TASKYARD_BUILDS_PER_USER ?? Math.max(1, Math.floor(TASKYARD_BUILD_CONCURRENCY / 2)) };
  return cached;
}

/**
 * The `taskyard` client commands' settings, parsed on their own: a CLI user's shell need not hold
 * a valid server configuration.
 */
const cliEnvSchema = z.object({
  /** The server and session token; each wins over what `taskyard login` saved (for CI). */
  TASKYARD_URL: optionalString,
  TASKYARD_SESSION_TOKEN: optionalString,
  /** `taskyard task create`'s defaults for `--template`, `--template-version` and `--preset`. */
  TASKYARD_TASK_TEMPLATE_NAME: optionalString,
  TASKYARD_TASK_TEMPLATE_VERSION: optionalString,
  TASKYARD_TASK_PRESET_NAME: optionalString,
  /** Where the session file lives (`$XDG_CONFIG_HOME/taskyard/session.json`, else `~/.config/…`). */
  XDG_CONFIG_HOME: optionalString,
  /** https://no-color.org: any non-empty value turns colours off. */
  NO_COLOR: optionalString,
  /** The CA (PEM) the server's https certificate is checked against, instead of the system's CAs (as `--ca`). */
  TASKYARD_CA_FILE: optionalString,
});

export type CliEnv = z.infer<typeof cliEnvSchema>;

let cachedCli: CliEnv | undefined;

export function cliEnv(): CliEnv {
  cachedCli ??= cliEnvSchema.parse(process.env);
  return cachedCli;
}

/** Whether npm started us (`npm start`): npm sets this for the scripts it runs. */
export function startedByNpm(): boolean {
  return Boolean(process.env.npm_lifecycle_event);
}

/** The names of every variable read here, for the README's table (a test compares them). */
export const ENVIRONMENT_VARIABLES = [...new Set([...Object.keys(envSchema.shape), ...Object.keys(cliEnvSchema.shape), ...AGENT_ENVIRONMENT_VARIABLES])];

export function dataDir(): string {
  return path.resolve(env().TASKYARD_DATA_DIR ?? ".taskyard");
}
