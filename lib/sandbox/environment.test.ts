import { describe, expect, it } from "vitest";
import { agentEnvironment, codingAgentEnvironment, declaredValues, setupScriptEnvironment } from "./environment";

const server = {
  PATH: "/usr/bin:/bin",
  LANG: "C.UTF-8",
  TZ: "UTC",
  HOME: "/root",
  DATABASE_URL: "postgres://taskyard:secret@127.0.0.1/taskyard",
  TASKYARD_ADMIN_EMAIL: "admin@example.com",
  TASKYARD_ADMIN_PASSWORD: "hunter2",
  TASKYARD_AGENT_TOKEN: "token",
  TASKYARD_AGENT_HEARTBEAT_MS: "500",
  ANTHROPIC_API_KEY: "sk-ant-secret",
  ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
  AWS_SECRET_ACCESS_KEY: "aws",
  PGPASSWORD: "pg",
  ANTHROPIC_SMALL_FAST_MODEL: "claude-haiku-4-5",
};

describe("agentEnvironment", () => {
  it("passes only the allow-list, HOME in the workspace, and the agent's own settings", () => {
    expect(agentEnvironment({ home: "/workspace", source: server })).toEqual({
      HOME: "/workspace",
      PATH: "/usr/bin:/bin",
      LANG: "C.UTF-8",
      TZ: "UTC",
      TASKYARD_PROCESS: "agent",
      TASKYARD_AGENT_HEARTBEAT_MS: "500",
    });
  });

  it("adds what the template declares, but never server settings or database credentials", () => {
    const env = agentEnvironment({
      home: "/workspace",
      declared: ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL", "ANTHROPIC_SMALL_FAST_MODEL", "TASKYARD_ADMIN_PASSWORD", "DATABASE_URL", "PGPASSWORD"],
      source: server,
    });
    expect(env.ANTHROPIC_SMALL_FAST_MODEL).toBe("claude-haiku-4-5");
    // The model provider's key and address never cross: such a template gets the model gateway instead.
    expect(env).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(env).not.toHaveProperty("ANTHROPIC_BASE_URL");
    expect(env).not.toHaveProperty("ANTHROPIC_MODEL"); // unset on the server: not invented
    for (const name of ["TASKYARD_ADMIN_PASSWORD", "TASKYARD_ADMIN_EMAIL", "TASKYARD_AGENT_TOKEN", "DATABASE_URL", "PGPASSWORD", "AWS_SECRET_ACCESS_KEY"]) {
      expect(env).not.toHaveProperty(name);
    }
  });
});

describe("codingAgentEnvironment", () => {
  it("hands the coding agent the agent's environment without any TASKYARD_ setting", () => {
    const env = codingAgentEnvironment({ PORT: "4000" }, { PATH: "/bin", HOME: "/workspace", TASKYARD_PROCESS: "agent", TASKYARD_AGENT_TOKEN: "t", ANTHROPIC_API_KEY: "k" });
    expect(env).toEqual({ PATH: "/bin", HOME: "/workspace", ANTHROPIC_API_KEY: "k", PORT: "4000" });
  });
});

describe("setupScriptEnvironment and declaredValues", () => {
  it("gives a setup script what the coding agent gets from its template, none of Taskyard's settings", () => {
    const env = setupScriptEnvironment({ home: "/workspace", declared: ["AWS_SECRET_ACCESS_KEY", "DATABASE_URL", "TASKYARD_ADMIN_PASSWORD"], source: server });
    expect(env).toEqual({ HOME: "/workspace", PATH: "/usr/bin:/bin", LANG: "C.UTF-8", TZ: "UTC", AWS_SECRET_ACCESS_KEY: "aws" });
  });

  it("names the values of the template's own variables (for the log's redaction), not the ones every workspace gets", () => {
    expect(declaredValues(["AWS_SECRET_ACCESS_KEY", "PATH", "DATABASE_URL", "MISSING"], server)).toEqual(["aws"]);
    expect(declaredValues(undefined, server)).toEqual([]);
  });
});
