import { z } from "zod";
import { text } from "./common";
import { provisionerTags } from "./provisioners";

/**
 * A template's `config` as the API, the CLI and the settings page write it (lib/templates/config.ts
 * maps it to the stored TemplateConfig). Every part is bounded: a config is read at every task start.
 */

export const AGENT_KINDS = ["echo", "claude-code", "acp", "agentapi"] as const;

export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Names a template may not set, literal or secret: the sandbox's own (PATH, HOME, …), the agent's
 * (TASKYARD_*), and the model provider's key and address, which the server's gateway provides.
 */
const RESERVED_EXACT = new Set(["PATH", "HOME", "USER", "LOGNAME", "SHELL", "PWD", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PORT", "LD_PRELOAD", "LD_LIBRARY_PATH", "NODE_OPTIONS", "DATABASE_URL"]);
const RESERVED_PATTERN = /^(TASKYARD_|PG[A-Z]+$|ANTHROPIC_(API_KEY|AUTH_TOKEN|BASE_URL)$)/;

export function reservedEnvName(name: string): boolean {
  return RESERVED_EXACT.has(name) || RESERVED_PATTERN.test(name);
}

const MAX_VARIABLES = 64;
const MAX_VALUE_BYTES = 8 * 1024;

/** Why a variable name is refused, or null: checked per key so the 400 names the variable and says why. */
function envNameProblem(name: string): string | null {
  if (name.length > 128) return "a variable name is at most 128 characters";
  if (!ENV_NAME.test(name)) return "variable names are upper case letters, digits and _ (^[A-Z_][A-Z0-9_]*$)";
  if (reservedEnvName(name)) return "is reserved (PATH, HOME, TASKYARD_*, the model provider's key and address … are set by Taskyard)";
  return null;
}

const envValue = () => text().refine((s) => Buffer.byteLength(s) <= MAX_VALUE_BYTES, `a value is at most ${MAX_VALUE_BYTES} bytes`);

const envMap = <V extends z.ZodType>(value: V) =>
  z
    .record(z.string(), value)
    .refine((m) => Object.keys(m).length <= MAX_VARIABLES, `at most ${MAX_VARIABLES} variables`)
    .superRefine((m, ctx) => {
      for (const name of Object.keys(m)) {
        const problem = envNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
      }
    });

const argv = () => z.array(text().min(1, "an argument may not be empty").max(4096)).min(1, "name the command to run").max(64, "at most 64 arguments");

/** Bounded JSON: MCP server definitions are passed to Claude Code as they are. */
const mcpServers = () =>
  z
    .record(
      z.string().min(1).max(128).regex(/^[\w.-]+$/, "MCP server names are letters, digits, _, . and -"),
      z.record(z.string(), z.unknown()),
    )
    .refine((m) => Object.keys(m).length <= 32, "at most 32 MCP servers")
    .refine((m) => JSON.stringify(m).length <= 32 * 1024, "mcp_servers is at most 32 KiB of JSON");

export const templateConfigWire = z
  .object({
    agent: z
      .object({
        kind: z.enum(AGENT_KINDS, { message: `must be one of ${AGENT_KINDS.join(", ")}` }),
        command: argv().optional(),
        /** acp agents: how their permission requests are answered (default allow, once each time: the sandbox is the boundary). */
        permission_policy: z.enum(["allow", "deny"]).optional(),
      })
      .strict(),
    models: z.array(text().min(1).max(128)).max(32, "at most 32 models").optional(),
    setup_script: text().max(64 * 1024, "the setup script is at most 64 KiB").optional(),
    setup_timeout_s: z.number().int().min(1).max(3600, "at most 3600 seconds").optional(),
    env: envMap(envValue()).optional(),
    /** Write-only: `NAME: value` sets or replaces, `NAME: null` removes; names not given are kept from the version it is based on. */
    secrets: envMap(envValue().nullable()).optional(),
    /** Server environment variables passed through by name (e.g. ANTHROPIC_API_KEY, through the model gateway). */
    server_env: z.array(z.string().max(128).regex(ENV_NAME, "variable names are upper case letters, digits and _")).max(MAX_VARIABLES).optional(),
    mcp_servers: mcpServers().optional(),
    budget: z
      .object({
        max_cost_usd: z.number().positive().max(1_000_000).optional(),
        max_tokens: z.number().int().positive().optional(),
        max_turn_seconds: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    auto_pause_after_idle: z.number().int().min(0).max(30 * 86400).optional(),
    /** Tags a provisioner must have to run its workspaces (`{"region": "eu"}`); with none matching, tasks wait and say so. */
    provisioner_tags: provisionerTags().optional(),
    sandbox: z
      .object({
        network: z.enum(["outbound", "none"]).optional(),
        pids: z.number().int().min(16).max(1_000_000).optional(),
        memory_mb: z.number().int().min(64).max(1_048_576).optional(),
        cpu_weight: z.number().int().min(1).max(10_000).optional(),
        tmp_mb: z.number().int().min(1).max(1_048_576).optional(),
        disk_mb: z.number().int().min(1).max(10_485_760).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.agent.kind === "agentapi" && !config.agent.command) ctx.addIssue({ code: "custom", path: ["agent", "command"], message: "an agentapi agent needs its command" });
    if (config.agent.kind === "acp" && !config.agent.command) ctx.addIssue({ code: "custom", path: ["agent", "command"], message: "an acp agent needs its command" });
    for (const name of Object.keys(config.secrets ?? {})) {
      if (config.env && name in config.env) ctx.addIssue({ code: "custom", path: ["secrets", name], message: "is also a plain env variable; name it once" });
    }
  });

const templateName = () =>
  z
    .string()
    .min(1, "name is required")
    .max(32, "name is at most 32 characters")
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower case letters, digits and single dashes (e.g. node-app)");

const displayName = () => text().trim().min(1, "display_name is required").max(64, "display_name is at most 64 characters");
const icon = () => text().max(256, "icon is at most 256 characters").refine((s) => s === "" || /^(\/|https:\/\/)[^\s"'<>]*$/.test(s), "an icon is a path (/icon/x.svg) or an https URL");
const description = () => text().max(1024, "description is at most 1024 characters");

/** `POST /api/v2/organizations/{org}/templates`. */
export const createTemplateRequest = z
  .object({ name: templateName(), display_name: displayName(), icon: icon().optional(), description: description().optional(), config: templateConfigWire })
  .strict();

/** `POST /api/v2/templates/{id}/versions`: a new version; `activate` (default true) makes it the one new tasks use. */
export const createTemplateVersionRequest = z.object({ config: templateConfigWire, activate: z.boolean().optional() }).strict();

/** `PATCH /api/v2/templates/{id}/versions` (Coder's): make a version the active one. */
export const activateTemplateVersionRequest = z.object({ id: z.uuid({ message: "must be a UUID" }) }).strict();

/** `PATCH /api/v2/templates/{id}`: its name on the page, description, icon, and whether it is archived. */
export const updateTemplateRequest = z
  .object({ display_name: displayName(), description: description(), icon: icon(), archived: z.boolean() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, "name at least one of display_name, description, icon, archived");

export type TemplateConfigWire = z.infer<typeof templateConfigWire>;
export type CreateTemplateRequest = z.infer<typeof createTemplateRequest>;
export type CreateTemplateVersionRequest = z.infer<typeof createTemplateVersionRequest>;
export type UpdateTemplateRequest = z.infer<typeof updateTemplateRequest>;

/** A template body: its config (scripts, MCP definitions, env) with room to spare, far under the API's 1 MiB. */
export const TEMPLATE_BODY_BYTES = 256 * 1024;
