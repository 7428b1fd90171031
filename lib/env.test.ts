import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentEnv, takeAgentToken } from "./agent-env";
import { ENVIRONMENT_VARIABLES } from "./env";

const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

describe("lib/env.ts", () => {
  it("is, with the agent's lib/agent-env.ts, the only place the application reads the environment", () => {
    const readers = ["app", "lib", "cli", "components", "hooks", "templates"]
      .flatMap(sourceFiles)
      .concat(["proxy.ts", "next.config.ts"])
      .filter((file) => file !== "lib/env.ts" && file !== "lib/agent-env.ts" && /process\.env\b/.test(fs.readFileSync(path.join(ROOT, file), "utf8")));
    expect(readers).toEqual([]);
  });

  it("the README's table lists every variable it reads", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Environment"), readme.indexOf("\n## ", readme.indexOf("## Environment") + 1));
    const listed = new Set([...section.matchAll(/^\|([^|]*)\|/gm)].flatMap(([, names]) => [...names.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])));
    expect(ENVIRONMENT_VARIABLES.filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => !ENVIRONMENT_VARIABLES.includes(name))).toEqual([]);
  });

  it("reads the agent's settings without zod, with the same one-line message for a bad value", () => {
    expect(agentEnv({})).toEqual({ TASKYARD_AGENT_URL: undefined, TASKYARD_WORKSPACE_DIR: undefined, TASKYARD_AGENT_HEARTBEAT_MS: 5000 });
    expect(agentEnv({ TASKYARD_AGENT_HEARTBEAT_MS: "200", TASKYARD_AGENT_URL: "http://127.0.0.1:3000", TASKYARD_WORKSPACE_DIR: "" })).toEqual({
      TASKYARD_AGENT_URL: "http://127.0.0.1:3000",
      TASKYARD_WORKSPACE_DIR: undefined,
      TASKYARD_AGENT_HEARTBEAT_MS: 200,
    });
    for (const bad of ["10", "5s", "-100", "1e3"]) {
      expect(() => agentEnv({ TASKYARD_AGENT_HEARTBEAT_MS: bad })).toThrow(/^invalid environment: TASKYARD_AGENT_HEARTBEAT_MS /);
    }
  });

  it("hands an agent token given by hand over once and removes it from the environment", () => {
    process.env.TASKYARD_AGENT_TOKEN = "secret-token";
    expect(takeAgentToken()).toBe("secret-token");
    expect(process.env.TASKYARD_AGENT_TOKEN).toBeUndefined();
    expect(takeAgentToken()).toBeUndefined();
  });
});
