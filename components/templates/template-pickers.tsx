"use client";

import { Info } from "lucide-react";
import { useId, useState } from "react";
import type { Preset, Template } from "@/lib/sdk/client";
import { useTemplateVersion } from "@/hooks/use-templates";
import { labelClass, selectClass } from "@/components/ui/field-styles";
import { Skeleton } from "@/components/ui/skeleton";
import { TemplateIcon } from "./template-icon";

/**
 * Templates that cannot run on this server (e.g. Claude Code without an API key) are listed but
 * disabled. Why is said in a note that pops up while the picker is hovered or focused (and stays
 * in place when nothing can run); screen readers get it as the picker's description.
 */
export function TemplatePicker({ templates, value, onChange }: { templates: Template[] | undefined; value: string; onChange: (id: string) => void }) {
  const id = useId();
  const reasonsId = useId();
  const [hover, setHover] = useState(false);
  const [focus, setFocus] = useState(false);
  const selected = templates?.find((t) => t.id === value);
  const unavailable = templates?.filter((t) => !t.available) ?? [];
  const noneAvailable = !!templates && templates.length > 0 && unavailable.length === templates.length;
  const reasonsClass = noneAvailable
    ? "max-w-80"
    : hover || focus
      ? "absolute top-full left-0 z-20 mt-1 w-80 max-w-[calc(100vw-2.5rem)] rounded-md border border-zinc-200 bg-white p-2 shadow-md dark:border-zinc-700 dark:bg-zinc-900"
      : "sr-only";
  return (
    <div className="relative flex min-w-0 flex-col gap-1" onPointerEnter={() => setHover(true)} onPointerLeave={() => setHover(false)}>
      <div className="flex min-w-0 items-center gap-2">
        <label htmlFor={id} className={`${labelClass} sr-only`}>
          Template
        </label>
        {selected ? <TemplateIcon src={selected.icon} name={selected.display_name} size={24} /> : <Skeleton className="size-6 shrink-0" />}
        <select
          id={id}
          className={`${selectClass} max-w-56`}
          value={value}
          disabled={!templates}
          title={selected?.description}
          aria-describedby={unavailable.length ? reasonsId : undefined}
          onFocus={() => setFocus(true)}
          onBlur={() => setFocus(false)}
          onChange={(e) => onChange(e.target.value)}
        >
          {!templates && <option value="">Loading templates…</option>}
          {templates && !selected && (
            <option value="" disabled>
              {noneAvailable ? "No template can run here" : "Choose a template"}
            </option>
          )}
          {templates?.map((t) => (
            <option key={t.id} value={t.id} disabled={!t.available} title={t.available ? t.description : t.unavailable_reason}>
              {t.available ? t.display_name : `${t.display_name} — unavailable`}
            </option>
          ))}
        </select>
      </div>
      {unavailable.length > 0 && (
        <ul id={reasonsId} data-testid="template-unavailable-reasons" className={`flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400 ${reasonsClass}`}>
          {unavailable.map((t) => (
            <li key={t.id} className="flex items-start gap-1.5">
              <Info aria-hidden className="mt-px size-3.5 shrink-0" />
              <span>
                <span className="font-medium text-zinc-800 dark:text-zinc-200">{t.display_name}</span> is unavailable:{" "}
                <Reason text={t.unavailable_reason || "it cannot run on this server."} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A server's reason, its `command` parts in code. */
function Reason({ text }: { text: string }) {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code key={i} className="font-mono">{part}</code> : part));
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

/** The model a task runs on, among its template's (the first is the default); nothing to pick with one or none. */
export function ModelPicker({ models, value, onChange }: { models: string[] | undefined; value: string; onChange: (model: string) => void }) {
  const id = useId();
  if (!models || models.length < 2) return null;
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className={`${labelClass} sr-only`}>
        Model
      </label>
      <select id={id} className={`${selectClass} max-w-44`} value={models.includes(value) ? value : models[0]} onChange={(e) => onChange(e.target.value)}>
        {models.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </div>
  );
}
