import "server-only";
import { randomUUID } from "node:crypto";
import type { Caller } from "../auth/roles";
import { isUniqueViolation } from "../auth/users";
import { ApiError } from "../api/errors";
import type { Db, DbOrTx } from "../db/client";
import { copyPresets, findTemplate, findTemplateVersion, insertTemplate, insertTemplateVersion, listTemplateVersions, lockTemplate, nextVersionNumber, updateTemplateRow } from "../db/queries/templates";
import type { TemplateVersion } from "../db/schema";
import { isUuid } from "../validation/common";
import type { CreateTemplateRequest, CreateTemplateVersionRequest, TemplateConfigWire, UpdateTemplateRequest } from "../validation/templates";
import { configFromWire } from "./config";
import { sealVersionSecrets } from "./secrets";

/**
 * Templates as data (Coder's model): every save is a new numbered version (`v1`, `v2`, …) that
 * is never changed afterwards; tasks pin the version they were created from, and the template's
 * active version is what new tasks get. Only owners change templates (the routes check the role).
 */

/** A template and its version 1, active, in one transaction; a taken name is 409. */
export async function createTemplate(db: Db, input: { organizationId: string; caller: Caller; request: CreateTemplateRequest }) {
  const { request } = input;
  try {
    return await db.transaction(async (tx) => {
      const row = await insertTemplate(tx, {
        organizationId: input.organizationId,
        name: request.name,
        displayName: request.display_name,
        description: request.description ?? "",
        icon: request.icon ?? "",
      });
      if (!row) throw nameTaken(request.name);
      const version = await addVersion(tx, { templateId: row.id, base: null, config: request.config, createdBy: input.caller.id });
      await updateTemplateRow(tx, row.id, { activeVersionId: version.id });
      return (await findTemplate(tx, { id: row.id }))!;
    });
  } catch (error) {
    // Names are unique without regard to case (lookups by name ignore it too).
    if (isUniqueViolation(error)) throw nameTaken(request.name);
    throw error;
  }
}

const nameTaken = (name: string) => ApiError.conflict(`A template named ${name} already exists.`, "Pick another name, or edit that template (a new version).");

/** A new version of a template; it becomes the active one unless `activate` is false. */
export async function createTemplateVersion(db: Db, input: { templateId: string; caller: Caller; request: CreateTemplateVersionRequest }): Promise<TemplateVersion> {
  if (!isUuid(input.templateId)) throw ApiError.notFound();
  return db.transaction(async (tx) => {
    const template = await lockTemplate(tx, input.templateId);
    if (!template) throw ApiError.notFound();
    const base = template.activeVersionId ? await findTemplateVersion(tx, template.activeVersionId) : undefined;
    const version = await addVersion(tx, { templateId: template.id, base: base ?? null, config: input.request.config, createdBy: input.caller.id });
    if (input.request.activate !== false) await updateTemplateRow(tx, template.id, { activeVersionId: version.id });
    else await updateTemplateRow(tx, template.id, {});
    return version;
  });
}

async function addVersion(tx: DbOrTx, input: { templateId: string; base: TemplateVersion | null; config: TemplateConfigWire; createdBy: string | null }) {
  const id = randomUUID(); // chosen here: the secrets are sealed to it in the same insert
  const secretsEncrypted = sealVersionSecrets({ versionId: id, base: input.base && { id: input.base.id, sealed: input.base.secretsEncrypted }, changes: input.config.secrets });
  const number = await nextVersionNumber(tx, input.templateId);
  const version = await insertTemplateVersion(tx, { id, templateId: input.templateId, number, config: configFromWire(input.config), secretsEncrypted, createdBy: input.createdBy });
  if (input.base) await copyPresets(tx, input.base.id, version.id);
  return version;
}

export async function templateVersions(db: DbOrTx, templateId: string) {
  if (!isUuid(templateId)) throw ApiError.notFound();
  const template = await findTemplate(db, { id: templateId });
  if (!template) throw ApiError.notFound();
  return { template, versions: await listTemplateVersions(db, templateId) };
}

/** Coder's `PATCH /templates/{id}/versions {id}`: new tasks get this version; running and older tasks keep theirs. */
export async function activateTemplateVersion(db: DbOrTx, templateId: string, versionId: string) {
  if (!isUuid(templateId)) throw ApiError.notFound();
  const template = await findTemplate(db, { id: templateId });
  if (!template) throw ApiError.notFound();
  const version = await findTemplateVersion(db, versionId);
  if (!version || version.templateId !== template.id) throw ApiError.invalidField("id", "no version of this template has this id");
  await updateTemplateRow(db, template.id, { activeVersionId: version.id });
}

/** Its name on the page, description, icon; archived templates leave the pickers and take no new tasks, their tasks keep running. */
export async function updateTemplate(db: DbOrTx, templateId: string, request: UpdateTemplateRequest) {
  if (!isUuid(templateId)) throw ApiError.notFound();
  const row = await updateTemplateRow(db, templateId, {
    ...(request.display_name !== undefined && { displayName: request.display_name }),
    ...(request.description !== undefined && { description: request.description }),
    ...(request.icon !== undefined && { icon: request.icon }),
    ...(request.archived !== undefined && { archivedAt: request.archived ? new Date() : null }),
  });
  if (!row) throw ApiError.notFound();
  return (await findTemplate(db, { id: row.id }))!;
}
