import fs from "node:fs";
import path from "node:path";
import type postgres from "postgres";

/** Every file under `dir` whose bytes contain `needle` (the embedded cluster's files, workspaces and their `.git` included). */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        try {
          if (fs.readFileSync(p).includes(bytes)) found.push(p);
        } catch {
          // a file that vanished while we looked
        }
      }
    }
  };
  walk(dir);
  return found;
}

/** Every row of every table, as text: what `pg_dump` would print (the system's pg_dump is older than the embedded server). */
export async function databaseDump(sql: postgres.Sql): Promise<string> {
  const tables = await sql<{ name: string }[]>`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`;
  let dump = "";
  for (const { name } of tables) for (const row of await sql.unsafe(`SELECT t::text AS row FROM ${name} t`)) dump += `${row.row}\n`;
  return dump;
}
