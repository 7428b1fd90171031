import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { inject } from "vitest";
import { freeLoopbackPort as freePort } from "../../lib/ports";
import { TaskyardClient } from "../../lib/sdk/client";

export type ExtraServer = {
  baseUrl: string;
  databaseUrl: string;
  port: number;
  /** Its TASKYARD_DATA_DIR (workspaces, logs, the secret key). */
  dataDir: string;
  /** Everything the server printed so far, stdout and stderr (stderr is also passed on to the test run's). */
  output: () => string;
  /** `keep`: only the server stops; its database and data dir stay for `restartExtraServer`. */
  stop: (options?: { keep?: boolean }) => Promise<void>;
};

/** `databaseUrl`: another server's database, shared (several web servers), neither made nor dropped here. */
export type ExtraServerOptions = { args?: string[]; databaseUrl?: string };

/**
 * A second `taskyard server` on its own empty database in the run's PostgreSQL cluster: for what
 * only a fresh install shows (no first user yet, the admin-from-environment bootstrap). With
 * `options.databaseUrl`, one more web server on an existing database instead.
 */
export async function startExtraServer(env: Record<string, string> = {}, again?: Pick<ExtraServer, "databaseUrl" | "dataDir">, options: ExtraServerOptions = {}): Promise<ExtraServer> {
  const clusterUrl = new URL(inject("databaseUrl"));
  const shared = options.databaseUrl !== undefined;
  const dbUrl = new URL(options.databaseUrl ?? again?.databaseUrl ?? clusterUrl);
  const dbName = again || shared ? dbUrl.pathname.slice(1) : `extra_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  // The app role may not create databases: the superuser makes one the app role owns, as an operator would.
  const admin = postgres(inject("superuserDatabaseUrl"), { max: 1, onnotice: () => {} });
  if (!again && !shared) await admin.unsafe(`CREATE DATABASE ${dbName} OWNER ${clusterUrl.username}`);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = again?.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-extra-")));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["bin/taskyard.mjs", "server", "--no-build", ...(options.args ?? [])], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      TASKYARD_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      ANTHROPIC_API_KEY: "",
      TASKYARD_ADMIN_EMAIL: "",
      TASKYARD_ADMIN_PASSWORD: "",
      ...env,
    },
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => {
    output += d;
    process.stderr.write(d);
  });
  const stop = async (options: { keep?: boolean } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (options.keep || shared) {
      await admin.end({ timeout: 5 });
      if (shared) await fs.rm(dataDir, { recursive: true, force: true });
      return;
    }
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 5 });
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error("the extra taskyard server exited during startup");
      if (await fetch(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 600) throw new Error("the extra taskyard server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, databaseUrl: dbUrl.toString(), port, dataDir, output: () => output, stop };
}

/** The same server again, after `stop({ keep: true })`: its database and data dir as they were left (a restart). */
export const restartExtraServer = (previous: ExtraServer, env: Record<string, string> = {}) => startExtraServer(env, previous);

/** The owner's client on a fresh extra server: its first user, created through first-run setup and signed in. */
export async function ownerOf(server: ExtraServer): Promise<TaskyardClient> {
  const anonymous = new TaskyardClient({ baseUrl: server.baseUrl });
  await anonymous.createFirstUser({ email: "owner@example.com", username: "owner", password: "owner-password" });
  return new TaskyardClient({ baseUrl: server.baseUrl, token: (await anonymous.login("owner@example.com", "owner-password")).session_token });
}
