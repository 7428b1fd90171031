"use client";

import { isAdmin, useMe } from "@/hooks/use-session";
import { UsersLinkSection } from "@/components/users/users-link-section";
import { GitCredentialsSection } from "./git-credentials-section";
import { GitProvidersSection } from "./git-providers-section";
import { WebhooksLinkSection } from "@/components/webhooks/webhooks-link-section";
import { TemplatesLinkSection } from "@/components/templates/templates-link-section";
import { ProvisionersLinkSection } from "@/components/provisioners/provisioners-link-section";

/** Settings: everyone's git credentials and webhooks; the owner also configures the git providers. */
export function SettingsView() {
  const me = useMe();
  const isOwner = !!me.data?.roles.some((r) => r.name === "owner");
  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-xl font-semibold">Settings</h1>
      <GitCredentialsSection />
      <WebhooksLinkSection />
      <TemplatesLinkSection canManage={isOwner} />
      {isOwner && <GitProvidersSection />}
      {isAdmin(me.data) && <UsersLinkSection />}
      {isAdmin(me.data) && <ProvisionersLinkSection />}
    </div>
  );
}
