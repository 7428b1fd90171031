import type { FullConfig } from "@playwright/test";
import { startServer } from "./server";

export const ADMIN = { email: "admin@example.com", password: "supersecret-e2e", username: "admin" };

/**
 * One server for the run: fresh embedded database, the admin created from the environment, real
 * echo agents. The first run after a source change also runs `next build` (the launcher does it).
 */
export default async function globalSetup(_config: FullConfig) {
  const server = await startServer({ env: { TASKYARD_ADMIN_EMAIL: ADMIN.email, TASKYARD_ADMIN_PASSWORD: ADMIN.password } });
  process.env.TASKYARD_E2E_BASE_URL = server.url;
  return async () => {
    await server.stop();
  };
}
