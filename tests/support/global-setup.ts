import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { freeLoopbackPort as freePort } from "../../lib/ports";
import { TaskyardClient } from "../../lib/sdk/client";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    /** The embedded cluster's superuser: only for what the app role may not do (a database of its own for an extra server). */
    superuserDatabaseUrl: string;
    ownerToken: string;
    dataDir: string;
    /** The one directory the server lets local repositories come from (TASKYARD_LOCAL_REPO_ROOTS). */
    repoRoot: string;
  }
}

let pg: EmbeddedDatabase | undefined;
let server: ChildProcess | undefined;
let dataDir: string | undefined;
let repoRoot: string | undefined;

/**
 * A fresh embedded PostgreSQL and a real `taskyard server` on it, once per test run and project.
 * The `api` project's server runs no provisioner, so a task stays `pending` and tests can set up
 * any status in the database; the `runtime` project's server runs real builds and agents.
 */
export async function setup(project: TestProject) {
  const withProvisioner = project.name === "runtime";
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-test-"));
  // Beside the data dir, never around it; readable by the sandbox's `nobody` when run as root.
  repoRoot = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-repos-"));
  await fs.chmod(repoRoot, 0o755);
  pg = await startEmbeddedPostgres(dataDir);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = ["bin/taskyard.mjs", "server", "--no-build", ...(withProvisioner ? [] : ["--no-provisioner"])];
  server = spawn(process.execPath, args, {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      TASKYARD_DATA_DIR: dataDir,
      TASKYARD_LOCAL_REPO_ROOTS: repoRoot,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      ANTHROPIC_API_KEY: "",
    },
  });
  const client = new TaskyardClient({ baseUrl });
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error("taskyard server exited during startup");
    if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error("taskyard server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.createFirstUser({ email: "owner@example.com", username: "owner", password: "owner-password" });
  const { session_token } = await client.login("owner@example.com", "owner-password");
  project.provide("baseUrl", baseUrl);
  project.provide("databaseUrl", pg.url);
  project.provide("superuserDatabaseUrl", pg.superuserUrl);
  project.provide("ownerToken", session_token);
  project.provide("dataDir", dataDir);
  project.provide("repoRoot", repoRoot);
}

export async function teardown() {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  await pg?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  if (repoRoot) await fs.rm(repoRoot, { recursive: true, force: true });
}
