import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** `taskyard server` with `env`, to its exit: what it printed. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/taskyard.mjs"), "server", "--no-build"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", PORT: "0", HOSTNAME: "127.0.0.1", LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("starting the server", () => {
  it("refuses a too-short TASKYARD_ADMIN_PASSWORD with one clear line, before starting anything", async () => {
    const { code, stdout, stderr } = await runServer({ TASKYARD_ADMIN_EMAIL: "admin@example.com", TASKYARD_ADMIN_PASSWORD: "short" });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual(["taskyard: invalid environment: TASKYARD_ADMIN_PASSWORD must be at least 8 characters"]);
    expect(stderr).not.toContain("short");
  }, 40_000);
});
