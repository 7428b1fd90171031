import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { SettingsSection } from "@/components/git-credentials/settings-section";

/** The settings page's pointer to Users (owner and admins; its own route, so its code loads only there). */
export function UsersLinkSection() {
  return (
    <SettingsSection id="users" title="Users" description="Invite people, change their roles, suspend and reactivate them (owner and admins).">
      <Link href="/settings/users" className="inline-flex items-center gap-1 text-sm font-medium text-zinc-800 underline-offset-2 hover:underline dark:text-zinc-200">
        Manage users
        <ChevronRight aria-hidden className="size-3.5" />
      </Link>
    </SettingsSection>
  );
}
