import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { baseUrl, createTestUser } from "../support/api";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

describe("the taskyard CLI", () => {
  it("logs in, creates a task and waits for it, lists, shows, reads logs, pauses, resumes and deletes", async () => {
    const user = await createTestUser();
    const config = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-cli-"));
    const cli = (...args: string[]) =>
      run(process.execPath, [path.join(ROOT, "bin/taskyard.mjs"), ...args], { env: { ...process.env, XDG_CONFIG_HOME: config, TASKYARD_URL: "", TASKYARD_TOKEN: "" }, cwd: ROOT });

    const login = await cli("login", baseUrl(), "--email", `${user.username}@example.com`, "--password", "password-123");
    expect(login.stdout).toContain("Logged in");
    const saved = JSON.parse(await fs.readFile(path.join(config, "taskyard/config.json"), "utf8"));
    expect((await fs.stat(path.join(config, "taskyard/config.json"))).mode & 0o077).toBe(0);
    expect(saved.url).toBe(baseUrl());

    const created = await cli("create", "Tidy", "the", "changelog", "--name", "tidy-changelog");
    expect(created.stdout).toContain(`${user.username}/tidy-changelog`);
    expect(created.stderr).toContain("active");

    expect((await cli("tasks")).stdout).toMatch(/tidy-changelog.*active/);
    expect(JSON.parse((await cli("tasks", "--json", "-q", "status:active")).stdout)).toHaveLength(1);
    expect((await cli("show", "tidy-changelog")).stdout).toContain("Tidy the changelog");
    expect((await cli("logs", "tidy-changelog")).stdout).toContain("You said: Tidy the changelog");

    expect((await cli("pause", "tidy-changelog")).stderr).toContain("paused");
    const snapshot = await cli("logs", "tidy-changelog");
    expect(snapshot.stderr).toContain("snapshot");
    expect(snapshot.stdout).toContain("You said: Tidy the changelog");
    expect((await cli("resume", `${user.username}/tidy-changelog`)).stderr).toContain("active");
    expect((await cli("delete", "tidy-changelog")).stdout).toContain("Deleted");

    const missing = await cli("show", "tidy-changelog").catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Resource not found");
    const invalid = await cli("create", "x", "--name", "bad name").catch((e) => e);
    expect(invalid.stderr).toContain("name: must be alphanumeric");
  });
});
