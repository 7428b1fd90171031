"use client";

import { useId } from "react";
import type { Preset, Template } from "@/lib/sdk/client";
import { useTemplateVersion } from "@/hooks/use-templates";
import { labelClass, selectClass } from "@/components/ui/field-styles";
import { Skeleton } from "@/components/ui/skeleton";
import { TemplateIcon } from "./template-icon";

export function TemplatePicker({ templates, value, onChange }: { templates: Template[] | undefined; value: string; onChange: (id: string) => void }) {
  const id = useId();
  const selected = templates?.find((t) => t.id === value);
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className={`${labelClass} sr-only`}>
        Template
      </label>
      {selected ? <TemplateIcon src={selected.icon} name={selected.display_name} size={24} /> : <Skeleton className="size-6 shrink-0" />}
      <select
        id={id}
        className={`${selectClass} max-w-48`}
        value={value}
        disabled={!templates}
        title={selected?.description}
        onChange={(e) => onChange(e.target.value)}
      >
        {!templates && <option value="">Loading templates…</option>}
        {templates?.map((t) => (
          <option key={t.id} value={t.id}>
            {t.display_name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Admins pick the template version; today each template has one, its active version. */
export function VersionPicker({ versionId }: { versionId: string | undefined }) {
  const id = useId();
  const version = useTemplateVersion(versionId);
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className={`${labelClass} sr-only`}>
        Version
      </label>
      <select id={id} className={`${selectClass} max-w-32`} value={versionId ?? ""} disabled={!version.data} onChange={() => {}}>
        <option value={versionId ?? ""}>{version.data ? `${version.data.name} (active)` : "Version…"}</option>
      </select>
    </div>
  );
}

export function PresetPicker({ presets, value, onChange }: { presets: Preset[] | undefined; value: string; onChange: (id: string) => void }) {
  const id = useId();
  const selected = presets?.find((p) => p.ID === value);
  if (presets && presets.length === 0) return null;
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className={`${labelClass} sr-only`}>
        Preset
      </label>
      <select
        id={id}
        className={`${selectClass} max-w-40`}
        value={value}
        disabled={!presets}
        title={selected?.Description}
        onChange={(e) => onChange(e.target.value)}
      >
        {!presets && <option value="">Presets…</option>}
        {presets?.map((p) => (
          <option key={p.ID} value={p.ID}>
            {p.Name}
          </option>
        ))}
      </select>
    </div>
  );
}
