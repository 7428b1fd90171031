"use client";

import { ChevronDown, CircleAlert, Webhook as WebhookIcon } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { InlineError } from "@/components/ui/error-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { useDeleteWebhook, useRotateWebhookSecret, useTestWebhook, useUpdateWebhook } from "@/hooks/use-webhooks";
import type { Webhook, WebhookWithSecret } from "@/lib/sdk/client";
import { WebhookDeliveries } from "./webhook-deliveries";

/**
 * One endpoint: where it posts, what it hears, whether it is on (and, when the server turned it off
 * for failing, why — in red, first thing), its actions and its delivery log.
 */
export function WebhookCard({ webhook, onSecret }: { webhook: Webhook; onSecret: (rotated: WebhookWithSecret) => void }) {
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const rotate = useRotateWebhookSecret();
  const test = useTestWebhook();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [logOpen, setLogOpen] = useState(false);
  const [tested, setTested] = useState(false);
  const logId = useId();
  const headingId = useId();

  const sendTest = () =>
    test.mutate(webhook.id, {
      onSuccess: () => {
        setTested(true);
        setLogOpen(true);
      },
    });

  return (
    <li data-testid="webhook" aria-labelledby={headingId} className="flex flex-col gap-3 py-4 first:pt-0 last:pb-0">
      <div className="flex flex-wrap items-start gap-2.5">
        <WebhookIcon aria-hidden className="mt-0.5 size-4 shrink-0 text-zinc-500" />
        <div className="min-w-0 flex-1">
          <p id={headingId} className="font-mono text-sm break-all">
            {webhook.url}
          </p>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-1.5 text-xs text-zinc-500 dark:text-zinc-400">
            <span
              data-testid="webhook-state"
              className={`rounded px-1.5 font-medium ${webhook.enabled ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300" : "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"}`}
            >
              {webhook.enabled ? "Enabled" : "Disabled"}
            </span>
            <span>{webhook.format === "slack" ? "Slack text" : "JSON"}</span>·{webhook.all_tasks && <span>every user&apos;s tasks ·</span>}
            <RelativeTime iso={webhook.created_at} prefix="added " />
          </p>
          <ul aria-label="Events" className="mt-1.5 flex flex-wrap gap-1">
            {webhook.events.map((event) => (
              <li key={event} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                {event}
              </li>
            ))}
          </ul>
        </div>
      </div>

      {!webhook.enabled && webhook.disabled_reason && (
        <div role="alert" data-testid="webhook-disabled-reason" className="flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900 dark:border-red-900/60 dark:bg-red-950/30 dark:text-red-200">
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <p>
            <span className="font-medium">Disabled for failing:</span> {webhook.disabled_reason}. Fix the receiver, then enable it again: deliveries resume from where they stopped.
          </p>
        </div>
      )}

      <div className="flex flex-wrap gap-1.5">
        <Button size="sm" onClick={sendTest} busy={test.isPending} disabled={!webhook.enabled} title={webhook.enabled ? undefined : "Enable it to send a test"}>
          Send test
        </Button>
        <Button size="sm" busy={update.isPending} onClick={() => update.mutate({ id: webhook.id, body: { enabled: !webhook.enabled } })}>
          {webhook.enabled ? "Disable" : "Enable"}
        </Button>
        <Button size="sm" busy={rotate.isPending} onClick={() => rotate.mutate(webhook.id, { onSuccess: onSecret })}>
          Rotate secret
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setConfirmDelete(true)}>
          Delete…
        </Button>
        <Button size="sm" variant="ghost" aria-expanded={logOpen} aria-controls={logId} onClick={() => setLogOpen((o) => !o)}>
          Delivery log
          <ChevronDown aria-hidden className={`size-3.5 transition-transform ${logOpen ? "rotate-180" : ""}`} />
        </Button>
      </div>
      {tested && !test.isPending && <p role="status" className="text-xs text-zinc-500">Test queued: it shows in the log below.</p>}
      <InlineError error={test.error ?? update.error ?? rotate.error} />

      {logOpen && (
        <div id={logId} role="region" aria-label={`Delivery log for ${webhook.url}`} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <WebhookDeliveries webhookId={webhook.id} />
        </div>
      )}

      <ConfirmDialog
        open={confirmDelete}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        busy={remove.isPending}
        error={remove.error}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate(webhook.id, { onSuccess: () => setConfirmDelete(false) })}
      >
        <span className="font-mono break-all">{webhook.url}</span> stops receiving events, and its pending deliveries and log are removed.
      </ConfirmDialog>
    </li>
  );
}
