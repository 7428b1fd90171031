import type { Template, TemplateConfig, TemplateVersion, TemplateVersionPreset } from "../db/schema";
import { templateAvailability } from "./availability";

export function toTemplateResponse(t: Template & { config: TemplateConfig | null }) {
  return {
    id: t.id,
    organization_id: t.organizationId,
    name: t.name,
    display_name: t.displayName,
    description: t.description,
    icon: t.icon,
    active_version_id: t.activeVersionId,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    ...templateAvailability(t.config),
  };
}

export function toTemplateVersionResponse(v: TemplateVersion) {
  return { id: v.id, template_id: v.templateId, name: v.name, created_at: v.createdAt.toISOString() };
}

/** Coder's preset type has no JSON tags, so its wire keys are the Go field names. */
export function toPresetResponse(p: TemplateVersionPreset) {
  return {
    ID: p.id,
    Name: p.name,
    Parameters: p.parameters.map((param) => ({ Name: param.name, Value: param.value })),
    Default: p.isDefault,
    Description: p.description,
    Icon: p.icon,
  };
}
