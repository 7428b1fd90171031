import type { TemplateConfig } from "../db/schema/templates";
import type { TemplateConfigWire } from "../validation/templates";

/** What the API answers for a stored config: the wire shape, without secrets (their names are listed apart). */
export type TemplateConfigOut = Omit<TemplateConfigWire, "secrets">;

/**
 * The wire's `config` (`agent.kind`, `env` as literal values, `server_env` as names passed
 * through) to the stored TemplateConfig (`brain`, `env_values`, `env`). Secrets are not part
 * of it: they are sealed into their own column (lib/templates/secrets.ts).
 */
export function configFromWire(wire: TemplateConfigWire): TemplateConfig {
  const config: TemplateConfig = { brain: wire.agent.kind };
  if (wire.agent.command) config.command = wire.agent.command;
  if (wire.agent.permission_policy) config.permission_policy = wire.agent.permission_policy;
  if (wire.server_env?.length) config.env = [...new Set(wire.server_env)];
  if (wire.env && Object.keys(wire.env).length) config.env_values = wire.env;
  if (wire.models?.length) config.models = wire.models;
  if (wire.setup_script !== undefined && wire.setup_script !== "") config.setup_script = wire.setup_script;
  if (wire.setup_timeout_s !== undefined) config.setup_timeout_s = wire.setup_timeout_s;
  if (wire.mcp_servers && Object.keys(wire.mcp_servers).length) config.mcp_servers = wire.mcp_servers;
  if (wire.budget) config.budget = wire.budget;
  if (wire.auto_pause_after_idle !== undefined) config.auto_pause_after_idle = wire.auto_pause_after_idle;
  if (wire.sandbox) config.sandbox = wire.sandbox;
  if (wire.provisioner_tags && Object.keys(wire.provisioner_tags).length) config.provisioner_tags = wire.provisioner_tags;
  return config;
}

/** The stored config back in the wire's shape (what GET answers and an edit starts from). */
export function configToWire(config: TemplateConfig): TemplateConfigOut {
  return {
    agent: { kind: config.brain, ...(config.command && { command: config.command }), ...(config.permission_policy && { permission_policy: config.permission_policy }) },
    ...(config.models && { models: config.models }),
    ...(config.setup_script !== undefined && { setup_script: config.setup_script }),
    ...(config.setup_timeout_s !== undefined && { setup_timeout_s: config.setup_timeout_s }),
    ...(config.env_values && { env: config.env_values }),
    ...(config.env?.length && { server_env: config.env }),
    ...(config.mcp_servers && { mcp_servers: config.mcp_servers as TemplateConfigOut["mcp_servers"] }),
    ...(config.budget && { budget: config.budget }),
    ...(config.auto_pause_after_idle !== undefined && { auto_pause_after_idle: config.auto_pause_after_idle }),
    ...(config.sandbox && { sandbox: config.sandbox }),
    ...(config.provisioner_tags && { provisioner_tags: config.provisioner_tags }),
  };
}
