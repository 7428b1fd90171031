import path from "node:path";
import { z } from "zod";

/** The same minimum as an account's password in the API. */
const ADMIN_PASSWORD_MIN_LENGTH = 8;

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const envSchema = z.object({
  DATABASE_URL: optionalString,
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOSTNAME: optionalString,
  TASKYARD_DATA_DIR: optionalString,
  /** How agents and the provisioner reach this server; defaults to the local listener. */
  TASKYARD_ACCESS_URL: optionalString,
  TASKYARD_ADMIN_EMAIL: optionalString,
  TASKYARD_ADMIN_PASSWORD: z.preprocess(
    emptyAsUndefined,
    z.string().min(ADMIN_PASSWORD_MIN_LENGTH, `must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`).optional(),
  ),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: z.preprocess(emptyAsUndefined, z.string().default("claude-haiku-4-5")),
  TASKYARD_LEASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(200).default(10_000)),
  TASKYARD_AGENT_CONNECT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(30_000)),
  /** Agents' sandbox: bubblewrap where it works (auto), required (bubblewrap), or off (none). */
  TASKYARD_SANDBOX: z.preprocess(emptyAsUndefined, z.enum(["auto", "bubblewrap", "none"]).default("auto")),
  /** Longest prompt (and follow-up input) a task takes, in bytes of UTF-8. */
  TASKYARD_MAX_PROMPT_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(32 * 1024)),
  /** Tasks a user may have at once (deleted ones do not count); each is a workspace and a process. */
  TASKYARD_MAX_TASKS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(100)),
  /** Live-log streams (server-sent events) a user may hold open at once, across tabs and clients. */
  TASKYARD_MAX_STREAMS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(20)),
  /** Set by the launcher, never by hand: the one-time code first-run setup needs on a server others can reach. */
  TASKYARD_SETUP_CODE: optionalString,
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.string().default("info")),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The environment, read and validated once; a bad value is one line naming the variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  cached = parsed.data;
  return cached;
}

export function dataDir(): string {
  return path.resolve(env().TASKYARD_DATA_DIR ?? ".taskyard");
}
