import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { inject } from "vitest";
import { freeLoopbackPort } from "../../lib/ports";
import { TaskyardClient } from "../../lib/sdk/client";
import { descendants } from "./processes";
import { taskyard, waitHealthy, type Proc } from "./stack";

/**
 * `taskyard server`s (no provisioner) on a database of their own in the run's cluster, for webhook
 * deliveries to a loopback receiver: TASKYARD_WEBHOOK_ALLOW_PRIVATE=1 and a retry schedule scaled
 * down to `scale` (the default turns the 24 h after which a failing endpoint is disabled into 4.3 s).
 * A server may be killed outright (launcher and web server, SIGKILL) and another started on the
 * same database and data dir (its secret key), as after a crash.
 */
export async function webhookDatabase(scale = 0.00005) {
  const clusterUrl = new URL(inject("databaseUrl"));
  const name = `webhooks_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(inject("superuserDatabaseUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name} OWNER ${clusterUrl.username}`);
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-webhooks-"));
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  const servers: Proc[] = [];

  async function start(env: Record<string, string> = {}) {
    const port = await freeLoopbackPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const proc = taskyard(["server", "--no-build", "--no-provisioner"], {
      DATABASE_URL: url.toString(),
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      TASKYARD_DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      TASKYARD_ADMIN_EMAIL: "",
      TASKYARD_ADMIN_PASSWORD: "",
      TASKYARD_WEBHOOK_ALLOW_PRIVATE: "1",
      TASKYARD_WEBHOOK_RETRY_SCALE: String(scale),
      ...env,
    });
    servers.push(proc);
    await waitHealthy(baseUrl, proc);
    return {
      baseUrl,
      proc,
      /** kill -9 of the launcher and its web server: nothing gets to finish or clean up. */
      kill: async () => {
        const pids = [proc.child.pid!, ...descendants(proc.child.pid!).map((p) => p.pid)];
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone already
          }
        }
        if (proc.child.exitCode === null && proc.child.signalCode === null) await new Promise((r) => proc.child.once("exit", r));
      },
    };
  }

  let current = "";
  let ownerToken: string | undefined;
  /** A fresh member with an API key, on the server started last (the first call makes the owner first). */
  async function user(): Promise<{ id: string; token: string; client: TaskyardClient }> {
    if (!ownerToken) {
      const anonymous = new TaskyardClient({ baseUrl: current });
      await anonymous.createFirstUser({ email: "owner@example.com", username: "owner", password: "owner-password" });
      ownerToken = (await anonymous.login("owner@example.com", "owner-password")).session_token;
    }
    const owner = new TaskyardClient({ baseUrl: current, token: ownerToken });
    const username = `u${randomUUID().slice(0, 8)}`;
    const created = await owner.createUser({ email: `${username}@example.com`, username, password: "password-123", role: "member" });
    const { key } = await owner.createApiKey(created.id);
    return { id: created.id, token: key, client: new TaskyardClient({ baseUrl: current, token: key }) };
  }

  return {
    sql,
    start: async (env?: Record<string, string>) => {
      const server = await start(env);
      current = server.baseUrl;
      return server;
    },
    user,
    close: async () => {
      for (const proc of servers) await proc.stop();
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end({ timeout: 5 });
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
