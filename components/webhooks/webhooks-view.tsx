"use client";

import { useState } from "react";
import { SettingsPageHeader, SettingsSection } from "@/components/git-credentials/settings-section";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { isAdmin, useMe } from "@/hooks/use-session";
import { useWebhooks } from "@/hooks/use-webhooks";
import type { WebhookWithSecret } from "@/lib/sdk/client";
import { WebhookCard } from "./webhook-card";
import { WebhookForm } from "./webhook-form";
import { WebhookSecret } from "./webhook-secret";

/**
 * `/settings/webhooks`: my endpoints (each with its actions and delivery log) and a form to add
 * one. A secret the server just sent (creation, rotation) is shown once at the top until dismissed.
 */
export function WebhooksView() {
  const me = useMe();
  const webhooks = useWebhooks();
  const [secret, setSecret] = useState<{ webhook: WebhookWithSecret; rotated: boolean } | null>(null);

  return (
    <div className="flex flex-col gap-5">
      <SettingsPageHeader title="Webhooks">
          Taskyard posts your tasks&apos; events to these URLs, signed per Standard Webhooks, retrying for a day when a receiver is down. An endpoint failing for a day is
          disabled, and says why here.
      </SettingsPageHeader>

      {secret && <WebhookSecret url={secret.webhook.url} secret={secret.webhook.secret} rotated={secret.rotated} onDone={() => setSecret(null)} />}

      <SettingsSection id="webhook-endpoints" title="Endpoints" description="Send test posts a webhook.test event; the delivery log shows each attempt's outcome.">
        {webhooks.error ? (
          <ErrorState title="Couldn’t load your webhooks" error={webhooks.error} onRetry={() => void webhooks.refetch()} retrying={webhooks.isFetching} />
        ) : !webhooks.data ? (
          <div className="flex flex-col gap-2">
            <Skeleton className="h-16 w-full" />
            <Skeleton className="h-16 w-full" />
          </div>
        ) : webhooks.data.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No webhooks yet — add an endpoint below to hear when a task needs you.</p>
        ) : (
          <ul aria-label="Webhooks" className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {webhooks.data.map((webhook) => (
              <WebhookCard key={webhook.id} webhook={webhook} onSecret={(rotated) => setSecret({ webhook: rotated, rotated: true })} />
            ))}
          </ul>
        )}
      </SettingsSection>

      <SettingsSection id="webhook-add" title="Add a webhook" description="Its signing secret is shown once, right after it is added.">
        <WebhookForm canWatchAllTasks={isAdmin(me.data)} onCreated={(created) => setSecret({ webhook: created, rotated: false })} />
      </SettingsSection>
    </div>
  );
}
