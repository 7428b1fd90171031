import os from "node:os";
import path from "node:path";
import { z } from "zod";

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
  TASKYARD_ADMIN_PASSWORD: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalString,
  ANTHROPIC_MODEL: z.preprocess(emptyAsUndefined, z.string().default("claude-haiku-4-5")),
  TASKYARD_LEASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(200).default(10_000)),
  TASKYARD_AGENT_CONNECT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(30_000)),
  /**
   * Builds one provisioner carries out at once. A build mostly waits (for its agent to start and
   * report in), so several per core pay; README's Environment table has the measurement.
   */
  TASKYARD_BUILD_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(Math.max(8, 4 * os.availableParallelism()))),
  /** Agents' sandbox: bubblewrap where it works (auto), required (bubblewrap), or off (none). */
  TASKYARD_SANDBOX: z.preprocess(emptyAsUndefined, z.enum(["auto", "bubblewrap", "none"]).default("auto")),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.string().default("info")),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The environment, read and validated once. */
export function env(): Env {
  cached ??= envSchema.parse(process.env);
  return cached;
}

export function dataDir(): string {
  return path.resolve(env().TASKYARD_DATA_DIR ?? ".taskyard");
}
