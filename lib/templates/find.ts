import "server-only";
import type { DbOrTx } from "../db/client";
import { findTemplate, findTemplateVersion, findTemplateVersionByName } from "../db/queries/templates";
import { findOrganizationByRef } from "../db/queries/users";
import { ApiError } from "../api/errors";
import { isUuid } from "../validation/common";

export async function findOrganizationOrThrow(db: DbOrTx, ref: string) {
  if (!isUuid(ref) && !/^[a-zA-Z0-9-]{1,64}$/.test(ref)) throw ApiError.notFound();
  const org = await findOrganizationByRef(db, ref);
  if (!org) throw ApiError.notFound();
  return org;
}

export async function findTemplateOrThrow(db: DbOrTx, where: { id: string } | { organizationId: string; name: string }) {
  if ("id" in where && !isUuid(where.id)) throw ApiError.notFound();
  if ("name" in where && !/^[a-zA-Z0-9-]{1,64}$/.test(where.name)) throw ApiError.notFound();
  const template = await findTemplate(db, where);
  if (!template) throw ApiError.notFound();
  return template;
}

export async function findTemplateVersionOrThrow(db: DbOrTx, id: string) {
  const version = await findTemplateVersion(db, id);
  if (!version) throw ApiError.notFound();
  return version;
}

/** A version by its name (`v1`) within a template, as `--template-version` names it. */
export async function findTemplateVersionByNameOrThrow(db: DbOrTx, templateId: string, name: string) {
  if (!/^[\w.+-]{1,64}$/.test(name)) throw ApiError.notFound();
  const version = await findTemplateVersionByName(db, templateId, name);
  if (!version) throw ApiError.notFound();
  return version;
}

/** `?include_archived=true`: the settings page lists archived templates too; pickers never ask. */
export function includeArchived(req: Request): boolean {
  return new URL(req.url).searchParams.get("include_archived") === "true";
}
