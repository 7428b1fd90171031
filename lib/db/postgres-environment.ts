/**
 * All the embedded PostgreSQL (and initdb) get of an environment. Whatever else the launcher holds
 * (TASKYARD_ADMIN_PASSWORD, DATABASE_URL, ANTHROPIC_API_KEY …) would be readable by anyone who runs
 * SQL as a superuser or code as the `postgres` user; PostgreSQL needs none of it. Messages in C, so
 * the launcher recognises "ready to accept connections".
 */
export function postgresEnvironment(pgDir: string): NodeJS.ProcessEnv {
  const env: Record<string, string> = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", LC_MESSAGES: "C", PGDATA: pgDir };
  return env as NodeJS.ProcessEnv;
}
