"use client";

import { SettingsPageHeader, SettingsSection } from "@/components/git-credentials/settings-section";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { isAdmin, useMe } from "@/hooks/use-session";
import { useAllTemplates } from "@/hooks/use-manage-templates";
import { useTemplates } from "@/hooks/use-templates";
import { TemplateCreateForm } from "./template-create-form";
import { TemplateRow } from "./template-row";

/**
 * `/settings/templates`: every template with its state; the owner edits them (each save a new
 * version), makes a version active, archives, and creates new ones. Others see the list only.
 */
export function TemplatesView() {
  const me = useMe();
  const isOwner = !!me.data?.roles.some((r) => r.name === "owner");
  // Owners and admins see archived templates too; members see what they may pick.
  const all = useAllTemplates();
  const offered = useTemplates();
  const templates = isAdmin(me.data) ? all : offered;

  return (
    <div className="flex flex-col gap-5">
      <SettingsPageHeader title="Templates">
          A template is what a task runs: its agent, models, setup script, environment and secrets, MCP servers. Every save is a new version; tasks keep the version they were created
          from.{!isOwner && me.data ? " Only an owner changes templates." : ""}
      </SettingsPageHeader>

      <SettingsSection id="template-list" title="Templates" description="Archived templates are not offered for new tasks; their tasks keep running.">
        {templates.error ? (
          <ErrorState title="Couldn’t load the templates" error={templates.error} onRetry={() => void templates.refetch()} retrying={templates.isFetching} />
        ) : !templates.data || !me.data ? (
          <div className="flex flex-col gap-2">
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </div>
        ) : templates.data.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No templates yet{isOwner ? " — create one below." : "."}</p>
        ) : (
          <ul aria-label="Templates" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {templates.data.map((template) => (
              <TemplateRow key={template.id} template={template} canManage={isOwner} />
            ))}
          </ul>
        )}
      </SettingsSection>

      {isOwner && (
        <SettingsSection id="template-new" title="New template" description="Its config becomes version 1, active at once.">
          <TemplateCreateForm />
        </SettingsSection>
      )}
    </div>
  );
}
