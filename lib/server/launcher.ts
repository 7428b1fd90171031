import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";
import { dataDir, env, inheritedEnvironment } from "../env";
import { logger } from "../logger";
import { resolveSandbox } from "../sandbox/bubblewrap";
import { bootstrapDatabase } from "./bootstrap";
import { ensureBuild, PROJECT_ROOT } from "./build";
import { localServerUrl, startProvisioner } from "../workspaces/start-provisioner";

export type LaunchOptions = { build?: boolean; provisioner?: boolean };
export type Launched = { url: string; databaseUrl: string; stop: () => Promise<void> };

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the web server did not become healthy within ${timeoutMs} ms`);
}

/** Another server on our port would answer our health check and pass for us: refuse to start. */
async function assertPortFree(port: number, host?: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `port ${port} is already in use; stop that server or set PORT` : e.message)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
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
 * `npm start`: the embedded PostgreSQL (unless DATABASE_URL), migrations and seeds, the Next.js
 * production server and the provisioner, and one orderly shutdown for all of them.
 */
export async function launch(options: LaunchOptions = {}): Promise<Launched> {
  const config = env();
  const sandbox = resolveSandbox(config.TASKYARD_SANDBOX, (line) => logger.warn(line));
  if (options.build !== false) await ensureBuild();

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(dataDir());
    databaseUrl = embedded.url;
    logger.info({ dataDir: dataDir() }, "embedded PostgreSQL is running");
  }

  let web: ChildProcess | undefined;
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((err) => logger.error({ err }, "shutdown step failed"));
      if (web) await stopChild(web);
      await embedded?.stop();
    })());

  try {
    await assertPortFree(config.PORT, config.HOSTNAME);
    await bootstrapDatabase(databaseUrl, { email: config.TASKYARD_ADMIN_EMAIL, password: config.TASKYARD_ADMIN_PASSWORD });
    const host = config.HOSTNAME;
    const args = [path.join(PROJECT_ROOT, "bin/web.mjs"), "-p", String(config.PORT)];
    if (host) args.push("-H", host);
    web = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...inheritedEnvironment(), DATABASE_URL: databaseUrl, TASKYARD_DATA_DIR: dataDir(), NODE_ENV: "production", TASKYARD_PROCESS: "web", TASKYARD_SANDBOX: sandbox },
    });
    web.stdout?.on("data", (chunk: Buffer) => logger.debug({ next: chunk.toString().trim() }, "next"));
    const browseHost = !host || host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
    const url = `http://${browseHost}:${config.PORT}`;
    await waitForHealthy(url, web);
    if (options.provisioner !== false) {
      const provisioner = await startProvisioner(databaseUrl, localServerUrl());
      stops.push(() => provisioner.stop());
    }
    return { url, databaseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { stopChild };
