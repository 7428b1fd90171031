import postgres from "postgres";

/**
 * Whether `url` signs in as a PostgreSQL superuser. With a DATABASE_URL of their own, operators
 * choose the role; the launcher only says so when it could run programs as the database's OS user.
 */
export async function connectsAsSuperuser(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await sql<{ rolsuper: boolean }[]>`select rolsuper from pg_roles where rolname = current_user`;
    return Boolean(row?.rolsuper);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
