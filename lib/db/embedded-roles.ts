import postgres from "postgres";
import { logger } from "../logger";

/** The role the application connects as: it owns its database and everything in it, and nothing else. */
export const APP_ROLE = "taskyard";
/** The cluster's bootstrap superuser (initdb's); only the launcher signs in as it, to set up roles. */
export const SUPERUSER = "postgres";
export const DATABASE = "taskyard";
/** Lives only while an old cluster's superuser `taskyard` is renamed: a role cannot rename itself. */
const HANDOVER_ROLE = "taskyard_handover";

export type ClusterCredentials = { port: number; appPassword: string; superuserPassword: string };

function connect(port: number, user: string, password: string, database = "postgres"): postgres.Sql {
  return postgres({ host: "127.0.0.1", port, user, password, database, max: 1, connect_timeout: 5, onnotice: () => {} });
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function withConnection<T>(sql: postgres.Sql, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Whether `user` signs in with `password`; any other failure (the cluster is down) is thrown. */
async function signsIn(port: number, user: string, password: string): Promise<boolean> {
  return withConnection(connect(port, user, password), async (sql) => {
    try {
      await sql`select 1`;
      return true;
    } catch (error) {
      // 28P01: wrong password or no such role (PostgreSQL does not say which).
      if ((error as { code?: string }).code === "28P01") return false;
      throw error;
    }
  });
}

/**
 * Clusters made before Taskyard had an app role were initialised with `taskyard` as their
 * bootstrap superuser, which PostgreSQL never lets lose SUPERUSER (nor hand over its objects with
 * REASSIGN OWNED). So that role is renamed to `postgres` and takes the superuser password, and a new,
 * unprivileged `taskyard` is made afterwards. A role cannot rename itself while signed in, hence the
 * short-lived handover superuser. Each step leaves a state the next start resumes from: until the
 * rename commits, `taskyard` still signs in as superuser with the app password; after it, `postgres`
 * signs in with the superuser password, already on disk before the first step.
 */
async function renameOldSuperuser({ port, appPassword, superuserPassword }: ClusterCredentials): Promise<void> {
  await withConnection(connect(port, APP_ROLE, appPassword), async (sql) => {
    const [me] = await sql<{ rolsuper: boolean }[]>`select rolsuper from pg_roles where rolname = current_user`;
    if (!me?.rolsuper) {
      throw new Error(`cannot sign in to the embedded PostgreSQL as ${SUPERUSER} (pg-superuser-password does not match) and ${APP_ROLE} is no superuser: the cluster's roles were changed by hand`);
    }
    logger.warn(`the embedded PostgreSQL's app role ${APP_ROLE} is its superuser (made by an earlier version): handing superuser over to ${SUPERUSER}`);
    const [exists] = await sql`select 1 from pg_roles where rolname = ${HANDOVER_ROLE}`;
    await sql.unsafe(`${exists ? "alter" : "create"} role ${ident(HANDOVER_ROLE)} superuser login password ${literal(superuserPassword)}`);
  });
  await withConnection(connect(port, HANDOVER_ROLE, superuserPassword), (sql) =>
    sql.begin(async (tx) => {
      await tx.unsafe(`alter role ${ident(APP_ROLE)} rename to ${ident(SUPERUSER)}`);
      await tx.unsafe(`alter role ${ident(SUPERUSER)} password ${literal(superuserPassword)}`);
    }),
  );
}

/**
 * The app role as it must be: may sign in, nothing more. Memberships are dropped too: one in
 * `pg_execute_server_program` or `pg_read_server_files` would give back what NOSUPERUSER takes.
 */
async function ensureAppRole(sql: postgres.Sql, appPassword: string): Promise<void> {
  const [exists] = await sql`select 1 from pg_roles where rolname = ${APP_ROLE}`;
  await sql.unsafe(
    `${exists ? "alter" : "create"} role ${ident(APP_ROLE)} login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit password ${literal(appPassword)}`,
  );
  const memberships = await sql<{ rolname: string }[]>`
    select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
    where m.member = (select oid from pg_roles where rolname = ${APP_ROLE})`;
  for (const { rolname } of memberships) await sql.unsafe(`revoke ${ident(rolname)} from ${ident(APP_ROLE)}`);
  const [database] = await sql`select 1 from pg_database where datname = ${DATABASE}`;
  await sql.unsafe(database ? `alter database ${ident(DATABASE)} owner to ${ident(APP_ROLE)}` : `create database ${ident(DATABASE)} owner ${ident(APP_ROLE)}`);
}

/**
 * Hands everything the superuser owns in the app's database to the app role, which must own its
 * schemas, tables, sequences, types and functions for the migrations it runs. Only an upgraded
 * cluster has any: there the superuser made them all. Sequences that belong to a column follow
 * their table (PostgreSQL refuses to move them alone), as do indexes and a table's row type.
 */
async function handOverObjects(sql: postgres.Sql): Promise<void> {
  const statements = await sql<{ statement: string }[]>`
    with owned as (select ${SUPERUSER}::regrole::oid as superuser),
    user_schemas as (
      select oid, nspname from pg_namespace
      where nspname not like 'pg\\_%' and nspname <> 'information_schema'
    )
    select format('alter schema %I owner to %I', nspname, ${APP_ROLE}::text) as statement
      from pg_namespace, owned where oid in (select oid from user_schemas) and nspowner = superuser
    union all
    select format('alter %s %I.%I owner to %I',
                  case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'
                                 when 'f' then 'foreign table' else 'table' end,
                  s.nspname, c.relname, ${APP_ROLE}::text)
      from pg_class c join user_schemas s on s.oid = c.relnamespace, owned
      where c.relowner = superuser and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and not exists (select 1 from pg_depend d
                        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')
                          and d.refclassid = 'pg_class'::regclass)
    union all
    select format('alter type %I.%I owner to %I', s.nspname, t.typname, ${APP_ROLE}::text)
      from pg_type t join user_schemas s on s.oid = t.typnamespace, owned
      where t.typowner = superuser and t.typtype in ('e', 'd', 'r', 'm') and t.typelem = 0
    union all
    select format('alter routine %s owner to %I', p.oid::regprocedure, ${APP_ROLE}::text)
      from pg_proc p join user_schemas s on s.oid = p.pronamespace, owned
      where p.proowner = superuser`;
  if (statements.length === 0) return;
  await sql.begin(async (tx) => {
    for (const { statement } of statements) await tx.unsafe(statement);
  });
  logger.info({ objects: statements.length }, `handed the embedded database's objects over to ${APP_ROLE}`);
}

/**
 * Run at every start of the embedded PostgreSQL, after it accepts connections: the superuser keeps
 * its own password, the app role owns the app's database and nothing else, whatever the cluster
 * looked like before (fresh, made by an earlier version, or interrupted half-way through this).
 */
export async function secureClusterRoles(credentials: ClusterCredentials): Promise<void> {
  const { port, appPassword, superuserPassword } = credentials;
  if (!(await signsIn(port, SUPERUSER, superuserPassword))) await renameOldSuperuser(credentials);
  await withConnection(connect(port, SUPERUSER, superuserPassword), async (sql) => {
    await sql.unsafe(`drop role if exists ${ident(HANDOVER_ROLE)}`);
    await ensureAppRole(sql, appPassword);
  });
  await withConnection(connect(port, SUPERUSER, superuserPassword, DATABASE), handOverObjects);
}
