import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { SettingsSection } from "@/components/git-credentials/settings-section";

/** The settings page's pointer to the provisioners page (its own route, so its code loads only there). */
export function ProvisionersLinkSection() {
  return (
    <SettingsSection id="provisioners" title="Provisioners" description="The hosts that run workspaces: the built-in provisioner and remote daemons, their tags, and the keys they sign in with.">
      <Link href="/settings/provisioners" className="inline-flex items-center gap-1 text-sm font-medium text-zinc-800 underline-offset-2 hover:underline dark:text-zinc-200">
        See provisioners and manage their keys
        <ChevronRight aria-hidden className="size-3.5" />
      </Link>
    </SettingsSection>
  );
}
