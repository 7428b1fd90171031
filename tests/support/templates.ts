import { randomBytes } from "node:crypto";
import type postgres from "postgres";
import type { TemplateConfig } from "../../lib/db/schema/templates";

/**
 * A template of its own (in the echo template's organization) whose active version has `config`,
 * written straight into the database: what a test needs of a template before (or besides) the
 * templates API. Answers the version's id, for `template_version_id`.
 */
export async function insertTemplateVersion(sql: postgres.Sql, config: TemplateConfig, prefix = "tpl"): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  const [template] = await sql`
    INSERT INTO templates (organization_id, name, display_name) SELECT organization_id, ${name}, ${name} FROM templates WHERE name = 'echo' RETURNING id`;
  const [version] = await sql`INSERT INTO template_versions (template_id, name, config) VALUES (${template.id}, 'v1', ${sql.json(config as postgres.JSONValue)}) RETURNING id`;
  await sql`UPDATE templates SET active_version_id = ${version.id} WHERE id = ${template.id}`;
  return version.id as string;
}
