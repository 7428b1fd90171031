import { describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES } from "../../templates";
import { templateConfigWire } from "../validation/templates";
import { configFromWire, configToWire } from "./config";

describe("a template's config on the wire and stored", () => {
  it("round-trips every field: agent.kind is the brain, env the literal values, server_env the names passed through", () => {
    const wire = templateConfigWire.parse({
      agent: { kind: "agentapi", command: ["agentapi", "server", "--", "claude"] },
      models: ["claude-haiku-4-5"],
      setup_script: "npm ci",
      setup_timeout_s: 120,
      env: { NODE_ENV: "test" },
      server_env: ["ANTHROPIC_API_KEY"],
      mcp_servers: { fs: { command: "npx", args: ["server-filesystem"] } },
      budget: { max_cost_usd: 2 },
      auto_pause_after_idle: 0,
      sandbox: { network: "none" },
    });
    const stored = configFromWire(wire);
    expect(stored).toEqual({
      brain: "agentapi",
      command: ["agentapi", "server", "--", "claude"],
      models: ["claude-haiku-4-5"],
      setup_script: "npm ci",
      setup_timeout_s: 120,
      env_values: { NODE_ENV: "test" },
      env: ["ANTHROPIC_API_KEY"],
      mcp_servers: { fs: { command: "npx", args: ["server-filesystem"] } },
      budget: { max_cost_usd: 2 },
      auto_pause_after_idle: 0,
      sandbox: { network: "none" },
    });
    expect(configToWire(stored)).toEqual(wire);
  });

  it("secrets are not part of the stored config", () => {
    const stored = configFromWire(templateConfigWire.parse({ agent: { kind: "echo" }, secrets: { TOKEN: "x" } }));
    expect(stored).toEqual({ brain: "echo" });
  });

  it("every built-in's config reads back as a valid wire config (so an owner can edit it as it is)", () => {
    for (const builtin of BUILTIN_TEMPLATES) {
      const wire = configToWire(builtin.config);
      expect(templateConfigWire.safeParse(wire).success, builtin.name).toBe(true);
      expect(configFromWire(templateConfigWire.parse(wire)), builtin.name).toEqual(builtin.config);
    }
  });

  it("refuses reserved and malformed names, saying why", () => {
    const result = templateConfigWire.safeParse({ agent: { kind: "echo" }, env: { HOME: "/x", "bad-name": "y", TASKYARD_X: "z", FINE: "ok" } });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ["env.HOME", expect.stringContaining("reserved")],
        ["env.bad-name", expect.stringContaining("upper case")],
        ["env.TASKYARD_X", expect.stringContaining("reserved")],
      ]),
    );
    expect(issues.some(([path]) => path === "env.FINE")).toBe(false);
  });
});
