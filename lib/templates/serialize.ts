import type { Template, TemplateConfig, TemplateVersion, TemplateVersionPreset } from "../db/schema";
import type { z } from "zod";
import type { presetResponse, templateResponse, templateVersionDetailResponse, templateVersionResponse } from "../validation/responses";
import { configToWire } from "./config";
import { secretNames } from "./secrets";
import { ZERO_UUID } from "../validation/tasks";
import { templateAvailability } from "./availability";

export function toTemplateResponse(t: Template & { config: TemplateConfig | null }): z.output<typeof templateResponse> {
  return {
    id: t.id,
    organization_id: t.organizationId,
    name: t.name,
    display_name: t.displayName,
    description: t.description,
    icon: t.icon,
    active_version_id: t.activeVersionId ?? ZERO_UUID,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    ...templateAvailability(t.config),
    models: t.config?.models ?? [],
    archived: t.archivedAt !== null,
  };
}

export function toTemplateVersionResponse(v: TemplateVersion): z.output<typeof templateVersionResponse> {
  return { id: v.id, template_id: v.templateId, name: v.name, created_at: v.createdAt.toISOString() };
}

/** With its config in the wire's shape; secrets by name only. */
export function toTemplateVersionDetailResponse(v: TemplateVersion, activeVersionId: string | null): z.output<typeof templateVersionDetailResponse> {
  return {
    ...toTemplateVersionResponse(v),
    number: v.number,
    active: v.id === activeVersionId,
    created_by: v.createdBy,
    config: configToWire(v.config),
    secret_names: secretNames(v.secretsEncrypted),
  };
}

/** Coder's preset type has no JSON tags, so its wire keys are the Go field names. */
export function toPresetResponse(p: TemplateVersionPreset): z.output<typeof presetResponse> {
  return {
    ID: p.id,
    Name: p.name,
    Parameters: p.parameters.map((param) => ({ Name: param.name, Value: param.value })),
    Default: p.isDefault,
    Description: p.description,
    Icon: p.icon,
  };
}
