import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { createDb } from "../db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";
import { startInputDelivery } from "../tasks/input-queue";
import { startHostLossSweep } from "../provisioners/host-loss";
import { startWaitingSweep } from "../provisioners/waiting";
import { startIdleAutoPause } from "../tasks/idle-sweep";
import { startIssueCommentDelivery } from "../github-issues/comment-dispatcher";
import { startWebhookDispatcher } from "../webhooks/dispatcher";
import { connectsAsSuperuser } from "../db/superuser-check";
import { inheritedEnvironment } from "../agent-env";
import { dataDir, env } from "../env";
import { logger, relayLogLine } from "../logger";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { resolveSystemPrograms } from "../system-programs";
import { bootstrapDatabase } from "./bootstrap";
import { ensureBuild, PROJECT_ROOT } from "./build";
import { firstRunSetupCode } from "./first-run";
import { serverTls, type ServerTls } from "./tls";
import { acquireInstanceLock, type InstanceLock } from "./instance-lock";
import { describeExit, Supervisor } from "./supervisor";
import { assertRepoRootsApart } from "../workspaces/repo-roots";
import { localServerUrl, startProvisioner } from "../workspaces/start-provisioner";

export type LaunchOptions = { build?: boolean; provisioner?: boolean };
export type Launched = {
  url: string;
  databaseUrl: string;
  /** Stops everything in order: agents (off + final snapshot), the web server, PostgreSQL. */
  stop: () => Promise<void>;
  /** Settles with the reason if a supervised part could not be kept running (everything is stopped by then). */
  failed: Promise<string>;
  /** While no user exists: asked of whoever creates the first one (lib/auth/setup-code.ts says when). */
  setupCode?: string;
};

/**
 * Our own web server's health. Over HTTPS it answers on an address its certificate may not name
 * (localhost): the certificate is recognised by its fingerprint instead, so nothing else on the
 * port passes for it.
 */
function healthy(url: string, tls: ServerTls | undefined): Promise<boolean> {
  if (!tls) return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
  return new Promise((resolve) => {
    const req = https.get(`${url}/healthz`, { rejectUnauthorized: false, agent: false, timeout: 5000 }, (res) => {
      const ours = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 === tls.fingerprint;
      res.resume();
      resolve(ours && res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

async function waitForHealthy(url: string, child: ChildProcess, tls: ServerTls | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(describeExit(child.exitCode, child.signalCode));
    const ok = await healthy(url, tls);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`not healthy within ${timeoutMs / 1000} s`);
}

function tryListen(port: number, host?: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => resolve(e));
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Another server on our port would answer our health check and pass for us: refuse to start. A
 * web server whose launcher was just killed frees the port within half a second, so a restart
 * right after a crash waits for it a little before giving up.
 */
async function assertPortFree(port: number, host?: string, waitMs = 3000): Promise<void> {
  if (port === 0) return;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const error = await tryListen(port, host);
    if (!error) return;
    if (error.code !== "EADDRINUSE") throw new Error(error.message);
    if (Date.now() > deadline) throw new Error(`port ${port} is already in use; stop that server or set PORT`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Creates the data dir, saying plainly when it cannot: a recursive mkdir under a read-only parent
 * fails with ENOENT, so the nearest existing ancestor is asked why.
 */
async function ensureDataDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    let ancestor = path.dirname(dir);
    while (!(await fs.stat(ancestor).catch(() => null))) ancestor = path.dirname(ancestor);
    const code = await fs.access(ancestor, fs.constants.W_OK).then(
      () => (error as NodeJS.ErrnoException).code,
      (e: NodeJS.ErrnoException) => e.code,
    );
    throw new Error(`cannot create the data dir ${dir}: ${ancestor} is not writable (${code}); set TASKYARD_DATA_DIR to a writable directory`);
  }
}

/**
 * The Next.js server, in its own process group (a signal to ours must not stop it before the
 * agents' final snapshots have gone through it), its output relayed into our log at its level.
 */
function spawnWeb(port: number, host: string | undefined, childEnv: NodeJS.ProcessEnv, tls: ServerTls | undefined): ChildProcess {
  // A larger young generation (32 MB semi-spaces, default 16): every list or log answer allocates
  // a few hundred KB that die at once; fewer scavenges, and fewer of them promoted, trim the tail.
  const args = ["--max-semi-space-size=32", path.join(PROJECT_ROOT, "bin/web.mjs"), "-p", String(port)];
  if (host) args.push("-H", host);
  if (tls) args.push("--taskyard-tls-cert", tls.certFile, "--taskyard-tls-key", tls.keyFile);
  const web = spawn(process.execPath, args, { cwd: PROJECT_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: childEnv });
  readline.createInterface({ input: web.stdout! }).on("line", (line) => relayLogLine(line, "info", "web"));
  readline.createInterface({ input: web.stderr! }).on("line", (line) => relayLogLine(line, "warn", "web"));
  return web;
}

/**
 * `npm start`: the data dir's lock, the embedded PostgreSQL (unless DATABASE_URL), migrations and
 * seeds, the Next.js production server and the provisioner. PostgreSQL and the web server are
 * supervised (restarted when they die); one orderly shutdown stops everything.
 */
export async function launch(options: LaunchOptions = {}): Promise<Launched> {
  const config = env();
  assertRepoRootsApart(config.TASKYARD_LOCAL_REPO_ROOTS, dataDir());
  // What root runs is settled now, from the system's directories: nothing put on PATH later counts.
  resolveSystemPrograms();
  const sandbox = resolveSandbox(config.TASKYARD_SANDBOX, (line) => logger.warn(line));
  // Checked before anything starts: a wrong certificate or key is one line, not a web server that never answers.
  const tls = serverTls();
  await ensureDataDir(dataDir());
  const lock: InstanceLock = await acquireInstanceLock(dataDir());
  let reportFailure!: (reason: string) => void;
  const failed = new Promise<string>((resolve) => (reportFailure = resolve));

  let embedded: EmbeddedDatabase | undefined;
  let web: Supervisor | undefined;
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((err) => logger.error({ err }, "shutdown step failed"));
      await web?.stop();
      await embedded?.stop();
      await lock.release();
    })());
  const giveUp = (reason: string) => void stop().then(() => reportFailure(reason));

  try {
    await assertPortFree(config.PORT, config.HOSTNAME);
    if (options.build !== false) await ensureBuild();
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(dataDir(), { onGiveUp: giveUp });
      databaseUrl = embedded.url;
      logger.info({ dataDir: dataDir() }, "embedded PostgreSQL is running");
    }
    await bootstrapDatabase(databaseUrl, { email: config.TASKYARD_ADMIN_EMAIL, password: config.TASKYARD_ADMIN_PASSWORD });
    if (config.DATABASE_URL && (await connectsAsSuperuser(databaseUrl))) {
      logger.warn("DATABASE_URL signs in as a PostgreSQL superuser: whoever learns its password can run programs on the database host; give Taskyard a role that owns only its database");
    }

    const host = config.HOSTNAME;
    const setupCode = await firstRunSetupCode(databaseUrl);
    const browseHost = !host || host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
    const url = `${tls ? "https" : "http"}://${browseHost}:${config.PORT}`;
    const webEnv = { ...inheritedEnvironment(), DATABASE_URL: databaseUrl, TASKYARD_DATA_DIR: dataDir(), NODE_ENV: "production" as const, TASKYARD_PROCESS: "web", TASKYARD_SANDBOX: sandbox, TASKYARD_SETUP_CODE: setupCode ?? "" };
    web = new Supervisor({
      name: "the web server",
      start: async () => {
        const child = spawnWeb(config.PORT, host, webEnv, tls);
        await waitForHealthy(url, child, tls);
        return child;
      },
      stop: (child) => stopChild(child, 3000),
      onGiveUp: giveUp,
    });
    await web.start().catch((error: Error) => {
      throw new Error(`the web server did not start (${error.message})`);
    });
    // Queued follow-ups reach agents that became idle without a report saying so (a restart, a resume).
    const deliveryDb = createDb(databaseUrl, { max: 2 });
    const delivery = startInputDelivery(deliveryDb.db);
    // Tasks whose start no live provisioner can take say so (lib/provisioners/waiting.ts).
    const waiting = startWaitingSweep(deliveryDb.db);
    // Comments on GitHub issues that became tasks (lib/github-issues): their links point at the access URL when set.
    const issueComments = startIssueCommentDelivery(deliveryDb.db, deliveryDb.sql, config.TASKYARD_ACCESS_URL ?? url);
    stops.push(async () => {
      await issueComments.stop();
      await delivery.stop();
      await waiting.stop();
      await deliveryDb.sql.end({ timeout: 5 });
    });
    // Webhooks go out from here, where the database is (provisioners may run on hosts without it).
    const webhookDb = createDb(databaseUrl, { max: 3 });
    const webhooks = startWebhookDispatcher({ db: webhookDb.db, sql: webhookDb.sql });
    stops.push(async () => {
      await webhooks.stop();
      await webhookDb.sql.end({ timeout: 5 });
    });
    if (options.provisioner !== false) {
      const provisioner = await startProvisioner(databaseUrl, localServerUrl());
      stops.push(() => provisioner.stop());
    } else {
      // No built-in provisioner (several web servers, remote provisioners): its idle auto-pause sweep runs here instead.
      const idleSweep = startIdleAutoPause(deliveryDb.db, config.TASKYARD_AUTO_PAUSE_SWEEP_MS);
      stops.push(() => idleSweep.stop());
    }
    // Tasks on a host that went away say so, and can be resumed elsewhere (lib/provisioners/host-loss.ts).
    // After the built-in provisioner has registered: this host's own agents are its to restart.
    const hostLossDb = createDb(databaseUrl, { max: 1 });
    const hostLoss = startHostLossSweep(hostLossDb.db, config.TASKYARD_HOST_LOST_AFTER_MS);
    stops.push(async () => {
      await hostLoss.stop();
      await hostLossDb.sql.end({ timeout: 5 });
    });
    return { url, databaseUrl, stop, failed, setupCode };
  } catch (error) {
    await stop();
    throw error;
  }
}
