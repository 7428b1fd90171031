import "server-only";
import { and, asc, desc, eq, getTableColumns, isNull, max, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { templates, templateVersionPresets, templateVersions, type TemplateConfig } from "../schema";
import { isUuid } from "../../validation/common";

/** A template with its active version's config (what decides whether it can run here). */
const withConfig = { ...getTableColumns(templates), config: templateVersions.config };

/** Archived templates only when asked for (the settings page): pickers never offer them. */
export async function listTemplates(db: DbOrTx, organizationId?: string, options: { includeArchived?: boolean } = {}) {
  return db
    .select(withConfig)
    .from(templates)
    .leftJoin(templateVersions, eq(templateVersions.id, templates.activeVersionId))
    .where(and(organizationId ? eq(templates.organizationId, organizationId) : undefined, options.includeArchived ? undefined : isNull(templates.archivedAt)))
    .orderBy(asc(templates.name));
}

export async function findTemplate(db: DbOrTx, where: { id: string } | { organizationId: string; name: string }) {
  const match =
    "id" in where
      ? eq(templates.id, where.id)
      : and(eq(templates.organizationId, where.organizationId), sql`lower(${templates.name}) = lower(${where.name})`);
  const [row] = await db.select(withConfig).from(templates).leftJoin(templateVersions, eq(templateVersions.id, templates.activeVersionId)).where(match);
  return row;
}

export async function findTemplateVersion(db: DbOrTx, id: string) {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(templateVersions).where(eq(templateVersions.id, id));
  return row;
}

export async function findTemplateVersionByName(db: DbOrTx, templateId: string, name: string) {
  const [row] = await db
    .select()
    .from(templateVersions)
    .where(and(eq(templateVersions.templateId, templateId), eq(templateVersions.name, name)));
  return row;
}

export async function listPresets(db: DbOrTx, templateVersionId: string) {
  return db
    .select()
    .from(templateVersionPresets)
    .where(eq(templateVersionPresets.templateVersionId, templateVersionId))
    .orderBy(asc(templateVersionPresets.name));
}

export async function insertTemplate(db: DbOrTx, values: typeof templates.$inferInsert) {
  const [row] = await db.insert(templates).values(values).onConflictDoNothing().returning();
  return row;
}

/** The template's row, locked until the transaction ends: its versions are numbered one at a time. */
export async function lockTemplate(db: DbOrTx, id: string) {
  const [row] = await db.select().from(templates).where(eq(templates.id, id)).for("update");
  return row;
}

export async function nextVersionNumber(db: DbOrTx, templateId: string): Promise<number> {
  const [row] = await db.select({ n: max(templateVersions.number) }).from(templateVersions).where(eq(templateVersions.templateId, templateId));
  return (row?.n ?? 0) + 1;
}

export async function insertTemplateVersion(
  db: DbOrTx,
  values: { id: string; templateId: string; number: number; config: TemplateConfig; secretsEncrypted: Record<string, string>; createdBy: string | null },
) {
  const [row] = await db.insert(templateVersions).values({ ...values, name: `v${values.number}` }).returning();
  return row;
}

export async function listTemplateVersions(db: DbOrTx, templateId: string) {
  return db.select().from(templateVersions).where(eq(templateVersions.templateId, templateId)).orderBy(desc(templateVersions.number));
}

export async function updateTemplateRow(db: DbOrTx, id: string, set: Partial<Pick<typeof templates.$inferInsert, "displayName" | "description" | "icon" | "archivedAt" | "activeVersionId">>) {
  const [row] = await db.update(templates).set({ ...set, updatedAt: sql`now()` }).where(eq(templates.id, id)).returning();
  return row;
}

/** A new version starts with the presets of the one it is based on (presets are not part of the wire's config). */
export async function copyPresets(db: DbOrTx, fromVersionId: string, toVersionId: string) {
  await db.execute(sql`
    INSERT INTO template_version_presets (template_version_id, name, parameters, is_default, description, icon)
    SELECT ${toVersionId}, name, parameters, is_default, description, icon FROM template_version_presets WHERE template_version_id = ${fromVersionId}`);
}
