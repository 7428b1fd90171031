"use client";

import { SettingsPageHeader } from "@/components/git-credentials/settings-section";
import { Skeleton } from "@/components/ui/skeleton";
import { isAdmin, useMe } from "@/hooks/use-session";
import { ProvisionerKeysSection } from "./provisioner-keys-section";
import { ProvisionersList } from "./provisioners-list";

/** `/settings/provisioners`: the hosts running workspaces (owner and admins) and the keys remote ones use (owner). */
export function ProvisionersView() {
  const me = useMe();
  const isOwner = !!me.data?.roles.some((r) => r.name === "owner");
  return (
    <div className="flex flex-col gap-5">
      <SettingsPageHeader title="Provisioners">
        Provisioners carry out builds: the built-in one of <code>npm start</code>, and daemons on other hosts that sign in with a key. A template&apos;s{" "}
        <code>provisioner_tags</code> send its tasks only to provisioners with those tags.
      </SettingsPageHeader>
      {!me.data ? (
        <Skeleton className="h-24 w-full" />
      ) : !isAdmin(me.data) ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Only owners and admins see the provisioners.</p>
      ) : (
        <>
          <ProvisionersList />
          {isOwner && <ProvisionerKeysSection />}
        </>
      )}
    </div>
  );
}
