"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorState, InlineError } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { useActivateTemplateVersion, useCreateTemplateVersion, useTemplateVersions, useUpdateTemplate } from "@/hooks/use-manage-templates";
import type { Template, TemplateVersionDetail } from "@/lib/sdk/client";
import { composeConfig, TemplateConfigFields } from "./template-config-form";
import { TemplateIcon } from "./template-icon";

type Panel = "none" | "edit" | "versions";

/** One template on the settings page: what it is, and (for the owner) edit, versions, archive. */
export function TemplateRow({ template, canManage }: { template: Template; canManage: boolean }) {
  const [panel, setPanel] = useState<Panel>("none");
  const archive = useUpdateTemplate();
  const toggle = (next: Panel) => setPanel((p) => (p === next ? "none" : next));
  return (
    <li data-testid="template" aria-label={template.display_name} className="flex flex-col gap-3 py-3">
      <div className="flex flex-wrap items-center gap-3">
        <TemplateIcon src={template.icon} name={template.display_name} size={28} />
        <div className="min-w-0 flex-1">
          <p className="font-medium">
            {template.display_name} <code className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{template.name}</code>
          </p>
          <p data-testid="template-state" className="text-xs text-zinc-500 dark:text-zinc-400">
            {template.archived ? "Archived — not offered for new tasks" : template.available ? "Available" : `Unavailable: ${template.unavailable_reason}`}
          </p>
        </div>
        {canManage && (
          <div className="flex flex-wrap gap-1.5">
            <Button size="sm" aria-expanded={panel === "edit"} onClick={() => toggle("edit")}>
              Edit
            </Button>
            <Button size="sm" aria-expanded={panel === "versions"} onClick={() => toggle("versions")}>
              Versions
            </Button>
            <Button size="sm" variant="ghost" busy={archive.isPending} onClick={() => archive.mutate({ id: template.id, body: { archived: !template.archived } })}>
              {template.archived ? "Unarchive" : "Archive"}
            </Button>
          </div>
        )}
      </div>
      <InlineError error={archive.error} />
      {panel === "edit" && <TemplateEditor template={template} onDone={() => setPanel("versions")} />}
      {panel === "versions" && <TemplateVersions template={template} />}
    </li>
  );
}

/** A new version from the active one's config (secrets by name); active at once unless unticked. */
function TemplateEditor({ template, onDone }: { template: Template; onDone: () => void }) {
  const versions = useTemplateVersions(template.id);
  const save = useCreateTemplateVersion();
  const [value, setValue] = useState<{ text: string; secrets: Record<string, string | null> } | null>(null);
  const [activate, setActivate] = useState(true);
  const [problem, setProblem] = useState<Error | null>(null);
  if (versions.error) return <ErrorState title="Couldn’t load its versions" error={versions.error} onRetry={() => void versions.refetch()} retrying={versions.isFetching} />;
  if (!versions.data) return <Skeleton className="h-40 w-full" />;
  const base = versions.data.find((v) => v.active) ?? versions.data[0];
  const initial = base?.config ?? { agent: { kind: "echo" } };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const composed = composeConfig(value ?? { text: JSON.stringify(initial), secrets: {} });
    if ("error" in composed) return setProblem(composed.error);
    setProblem(null);
    save.mutate({ id: template.id, body: { config: composed.config, activate } }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} aria-label={`Edit ${template.display_name}`} className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Saving makes a new version{base ? ` after ${base.name}` : ""}; tasks already created keep the version they started with.</p>
      <TemplateConfigFields initial={initial} secretNames={base?.secret_names ?? []} onChange={setValue} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} className="size-4 accent-zinc-900 dark:accent-zinc-100" />
        Make the new version active (new tasks use it)
      </label>
      <InlineError error={problem ?? save.error} />
      <div>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save new version
        </Button>
      </div>
    </form>
  );
}

function TemplateVersions({ template }: { template: Template }) {
  const versions = useTemplateVersions(template.id);
  const activate = useActivateTemplateVersion();
  if (versions.error) return <ErrorState title="Couldn’t load its versions" error={versions.error} onRetry={() => void versions.refetch()} retrying={versions.isFetching} />;
  if (!versions.data) return <Skeleton className="h-16 w-full" />;
  return (
    <div className="flex flex-col gap-2">
      <ul aria-label={`Versions of ${template.display_name}`} className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {versions.data.map((version: TemplateVersionDetail) => (
          <li key={version.id} data-testid="template-version" className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
            <span className="font-mono font-medium">{version.name}</span>
            {version.active && <span className="rounded bg-emerald-100 px-1.5 text-xs text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300">active</span>}
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              {String((version.config.agent as { kind?: string } | undefined)?.kind ?? "")}
              {version.secret_names.length ? ` · secrets: ${version.secret_names.join(", ")}` : ""}
            </span>
            <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">
              <RelativeTime iso={version.created_at} />
            </span>
            {!version.active && (
              <Button size="sm" busy={activate.isPending && activate.variables?.versionId === version.id} onClick={() => activate.mutate({ id: template.id, versionId: version.id })}>
                Make {version.name} active
              </Button>
            )}
          </li>
        ))}
      </ul>
      <InlineError error={activate.error} />
    </div>
  );
}
