import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { SettingsSection } from "@/components/git-credentials/settings-section";

/** The settings page's pointer to the templates page (its own route, so its code loads only there). */
export function TemplatesLinkSection({ canManage }: { canManage: boolean }) {
  return (
    <SettingsSection id="templates" title="Templates" description="What a task runs: the agent, models, setup script, environment and secrets, MCP servers — versioned.">
      <Link href="/settings/templates" className="inline-flex items-center gap-1 text-sm font-medium text-zinc-800 underline-offset-2 hover:underline dark:text-zinc-200">
        {canManage ? "Manage templates and their versions" : "See the templates"}
        <ChevronRight aria-hidden className="size-3.5" />
      </Link>
    </SettingsSection>
  );
}
