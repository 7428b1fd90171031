import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { startServer } from "./server";

export const ADMIN = { email: "admin@example.com", password: "supersecret-e2e", username: "admin" };

/**
 * One server for the run: fresh embedded database, the admin created from the environment, real
 * echo agents. The first run after a source change also runs `next build` (the launcher does it).
 */
export default async function globalSetup(_config: FullConfig) {
  // The one directory local repositories may come from (specs make theirs inside it); readable by the sandbox's `nobody`.
  const repoRoot = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-e2e-repos-"));
  await fs.chmod(repoRoot, 0o755);
  const server = await startServer({
    env: {
      TASKYARD_ADMIN_EMAIL: ADMIN.email,
      TASKYARD_ADMIN_PASSWORD: ADMIN.password,
      TASKYARD_LOCAL_REPO_ROOTS: repoRoot,
      // Webhook receivers in the specs listen on loopback, and a day of failures lasts seconds.
      TASKYARD_WEBHOOK_ALLOW_PRIVATE: "1",
      TASKYARD_WEBHOOK_RETRY_SCALE: "0.0001",
    },
  });
  process.env.TASKYARD_E2E_BASE_URL = server.url;
  process.env.TASKYARD_E2E_REPO_ROOT = repoRoot;
  // Specs that arrange what the API cannot yet (a template version with a setup script) reach its database through this.
  process.env.TASKYARD_E2E_DATA_DIR = server.dataDir;
  return async () => {
    await server.stop();
    await fs.rm(repoRoot, { recursive: true, force: true });
  };
}
