import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { SettingsSection } from "@/components/git-credentials/settings-section";

/** The settings page's pointer to the webhooks page (its own route, so its code loads only there). */
export function WebhooksLinkSection() {
  return (
    <SettingsSection id="webhooks" title="Webhooks" description="Signed HTTP posts to your own endpoints (or a Slack/Mattermost channel) when your tasks wait for input, finish or fail.">
      <Link href="/settings/webhooks" className="inline-flex items-center gap-1 text-sm font-medium text-zinc-800 underline-offset-2 hover:underline dark:text-zinc-200">
        Manage webhooks and delivery logs
        <ChevronRight aria-hidden className="size-3.5" />
      </Link>
    </SettingsSection>
  );
}
