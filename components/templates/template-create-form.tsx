"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass } from "@/components/ui/field-styles";
import { useCreateTemplate } from "@/hooks/use-manage-templates";
import { composeConfig, NEW_TEMPLATE_CONFIG, TemplateConfigFields } from "./template-config-form";

/** A new template: its name, how pickers show it, and its config (version 1). */
export function TemplateCreateForm() {
  const create = useCreateTemplate();
  const [fields, setFields] = useState({ name: "", displayName: "", description: "", icon: "" });
  const [config, setConfig] = useState({ text: JSON.stringify(NEW_TEMPLATE_CONFIG, null, 2), secrets: {} as Record<string, string | null> });
  const [formKey, setFormKey] = useState(0);
  const [problem, setProblem] = useState<Error | null>(null);
  const ids = { name: useId(), displayName: useId(), description: useId(), icon: useId() };
  const set = (key: keyof typeof fields) => (e: React.ChangeEvent<HTMLInputElement>) => setFields((f) => ({ ...f, [key]: e.target.value }));

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const composed = composeConfig(config);
    if ("error" in composed) return setProblem(composed.error);
    setProblem(null);
    create.mutate(
      { name: fields.name.trim(), display_name: fields.displayName.trim() || fields.name.trim(), description: fields.description, icon: fields.icon.trim() || undefined, config: composed.config },
      {
        onSuccess: () => {
          setFields({ name: "", displayName: "", description: "", icon: "" });
          setConfig({ text: JSON.stringify(NEW_TEMPLATE_CONFIG, null, 2), secrets: {} });
          setFormKey((k) => k + 1);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} aria-label="New template" className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.name} className={labelClass}>
            Name
          </label>
          <input id={ids.name} className={`${inputClass} font-mono`} placeholder="node-app" value={fields.name} onChange={set("name")} required spellCheck={false} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.displayName} className={labelClass}>
            Display name
          </label>
          <input id={ids.displayName} className={inputClass} placeholder="Node app" value={fields.displayName} onChange={set("displayName")} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.description} className={labelClass}>
            Description
          </label>
          <input id={ids.description} className={inputClass} value={fields.description} onChange={set("description")} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={ids.icon} className={labelClass}>
            Icon
          </label>
          <input id={ids.icon} className={inputClass} placeholder="/icon/claude.svg" value={fields.icon} onChange={set("icon")} spellCheck={false} />
        </div>
      </div>
      <TemplateConfigFields key={formKey} initial={NEW_TEMPLATE_CONFIG} secretNames={[]} onChange={setConfig} />
      <InlineError error={problem ?? create.error} />
      <div>
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create template
        </Button>
      </div>
    </form>
  );
}
