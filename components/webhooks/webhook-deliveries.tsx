"use client";

import { InlineError } from "@/components/ui/error-state";
import { formatDuration } from "@/components/ui/format-time";
import { RelativeTime } from "@/components/ui/relative-time";
import { Skeleton } from "@/components/ui/skeleton";
import { useWebhookDeliveries } from "@/hooks/use-webhooks";
import type { WebhookDelivery } from "@/lib/sdk/client";

const STATUS_STYLES: Record<WebhookDelivery["status"], string> = {
  delivered: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  pending: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
};

/** One endpoint's recent deliveries, newest first: what was sent, how it went, and the last error. */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useWebhookDeliveries(webhookId, { enabled: true });
  if (deliveries.error) return <InlineError error={deliveries.error} />;
  if (!deliveries.data) {
    return (
      <div aria-label="Loading deliveries" className="flex flex-col gap-1.5">
        <Skeleton className="h-7 w-full" />
        <Skeleton className="h-7 w-full" />
      </div>
    );
  }
  if (deliveries.data.length === 0) {
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No deliveries yet. They appear here when a subscribed event happens, or after Send test.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table aria-label="Deliveries" className="w-full min-w-[40rem] text-left text-xs">
        <thead className="text-zinc-500 dark:text-zinc-400">
          <tr>
            <th scope="col" className="py-1.5 pr-3 font-medium">Event</th>
            <th scope="col" className="py-1.5 pr-3 font-medium">Status</th>
            <th scope="col" className="py-1.5 pr-3 font-medium">Attempts</th>
            <th scope="col" className="py-1.5 pr-3 font-medium">Response</th>
            <th scope="col" className="py-1.5 pr-3 font-medium">Latency</th>
            <th scope="col" className="py-1.5 pr-3 font-medium">Last error</th>
            <th scope="col" className="py-1.5 font-medium">Time</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {deliveries.data.map((d) => (
            <tr key={d.id} data-testid="webhook-delivery" data-status={d.status}>
              <td className="py-1.5 pr-3 font-mono">{d.event}</td>
              <td className="py-1.5 pr-3">
                <span className={`rounded px-1.5 py-0.5 font-medium ${STATUS_STYLES[d.status]}`}>{d.status}</span>
                {d.status === "pending" && d.next_attempt_at && d.attempts > 0 && <RelativeTime iso={d.next_attempt_at} prefix=" retry " className="text-zinc-500" />}
              </td>
              <td className="py-1.5 pr-3 tabular-nums">{d.attempts}</td>
              <td className="py-1.5 pr-3 tabular-nums">{d.response_status ?? "—"}</td>
              <td className="py-1.5 pr-3 tabular-nums">{d.latency_ms === null ? "—" : formatDuration(d.latency_ms)}</td>
              <td className="max-w-64 py-1.5 pr-3 break-words text-red-700 dark:text-red-400">{d.last_error ?? ""}</td>
              <td className="py-1.5 whitespace-nowrap">
                <RelativeTime iso={d.delivered_at ?? d.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
