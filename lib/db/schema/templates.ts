import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TemplateSandbox } from "../../sandbox/settings";
import { organizations } from "./organizations";

/** How a template's workspace runs its agent: the brain and its settings. */
export type TemplateConfig = {
  brain: "echo" | "claude-code" | "agentapi" | "acp";
  /** agentapi brain: the command (argv) that speaks AgentAPI on $PORT; acp brain: the command that speaks ACP on its stdin and stdout. */
  command?: string[];
  /**
   * acp brain: how the agent's permission requests are answered (lib/agent/brains/acp-permissions.ts).
   * Default "allow" (once, each time): the sandbox is the boundary, not the agent's own prompts.
   */
  permission_policy?: "allow" | "deny";
  /** Server environment variables the agent may see (e.g. ANTHROPIC_API_KEY); nothing else crosses. */
  env?: string[];
  /** Network and resource limits of its workspaces (lib/sandbox/settings.ts has the defaults). */
  sandbox?: TemplateSandbox;
  /**
   * The models its tasks may use, the first the default (a task picks one with its `model`
   * parameter); the model gateway rewrites a call for any other model to the task's. Unset: any.
   */
  models?: string[];
  /** Model budget of each of its tasks (lib/gateway/budgets.ts), under the owner's server-wide limits. */
  budget?: { max_cost_usd?: number; max_tokens?: number; max_turn_seconds?: number };
  /** Seconds a task may wait idle for input before the provisioner pauses it (default 1800, 0 off); a task's own parameter wins (lib/tasks/auto-pause.ts). */
  auto_pause_after_idle?: number;
  /**
   * A shell script run in the workspace's sandbox at every start, after the checkout and before the
   * agent (lib/workspaces/setup-script.ts); a failure fails the start.
   */
  setup_script?: string;
  /** Seconds the setup script may run before it is killed and the start fails (default 600, at most 3600). */
  setup_timeout_s?: number;
};

export const templates = pgTable(
  "templates",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    displayName: text().notNull(),
    description: text().notNull().default(""),
    icon: text().notNull().default(""),
    activeVersionId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("templates_org_name_idx").on(t.organizationId, t.name)],
);

export const templateVersions = pgTable(
  "template_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    templateId: uuid()
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    name: text().notNull(),
    config: jsonb().$type<TemplateConfig>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("template_versions_template_name_idx").on(t.templateId, t.name)],
);

export type PresetParameter = { name: string; value: string };

export const templateVersionPresets = pgTable(
  "template_version_presets",
  {
    id: uuid().primaryKey().defaultRandom(),
    templateVersionId: uuid()
      .notNull()
      .references(() => templateVersions.id, { onDelete: "cascade" }),
    name: text().notNull(),
    parameters: jsonb().$type<PresetParameter[]>().notNull().default([]),
    isDefault: boolean().notNull().default(false),
    description: text().notNull().default(""),
    icon: text().notNull().default(""),
  },
  (t) => [uniqueIndex("presets_version_name_idx").on(t.templateVersionId, t.name)],
);

export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
export type TemplateVersionPreset = typeof templateVersionPresets.$inferSelect;
