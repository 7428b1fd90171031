import "server-only";
import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { DbOrTx } from "../client";
import { templates, templateVersionPresets, templateVersions } from "../schema";
import { isUuid } from "../../validation/common";

/** A template with its active version's config (what decides whether it can run here). */
const withConfig = { ...getTableColumns(templates), config: templateVersions.config };

export async function listTemplates(db: DbOrTx, organizationId?: string) {
  return db
    .select(withConfig)
    .from(templates)
    .leftJoin(templateVersions, eq(templateVersions.id, templates.activeVersionId))
    .where(organizationId ? eq(templates.organizationId, organizationId) : undefined)
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
