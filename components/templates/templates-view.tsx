"use client";

import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { SettingsSection } from "@/components/git-credentials/settings-section";
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

  useEffect(() => {
    document.title = "Templates · Taskyard";
  }, []);

  return (
    <div className="flex flex-col gap-5">
      <div>
        <Link href="/settings" className="inline-flex items-center gap-1 text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400">
          <ArrowLeft aria-hidden className="size-3.5" />
          Settings
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Templates</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          A template is what a task runs: its agent, models, setup script, environment and secrets, MCP servers. Every save is a new version; tasks keep the version they were created
          from.{!isOwner && me.data ? " Only an owner changes templates." : ""}
        </p>
      </div>

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
