"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateWebhookInput, UpdateWebhookInput } from "@/lib/sdk/client";
import { api } from "./api-client";

export const webhookKeys = {
  list: ["webhooks", "me"] as const,
  deliveries: (id: string) => ["webhook-deliveries", id] as const,
};

/** How often an open delivery log is read again while one of its deliveries is still pending (retries happen server-side). */
export const PENDING_DELIVERIES_POLL_MS = 2000;

/** My webhook endpoints. */
export function useWebhooks() {
  return useQuery({ queryKey: webhookKeys.list, queryFn: () => api.webhooks(), staleTime: 0 });
}

/** `201` with the secret, which the page shows once. */
export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWebhookInput) => api.createWebhook(body),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list }),
  });
}

/** Enable/disable (enabling brings back one disabled for failing), or change url/events/format. */
export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateWebhookInput }) => api.updateWebhook(id, body),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteWebhook(id),
    onSettled: () => qc.invalidateQueries({ queryKey: webhookKeys.list }),
  });
}

/** A new secret (the old one stops signing at once); answered once, like at creation. */
export function useRotateWebhookSecret() {
  return useMutation({ mutationFn: (id: string) => api.rotateWebhookSecret(id) });
}

/** Queues a `webhook.test` delivery; it shows in the endpoint's log. */
export function useTestWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.testWebhook(id),
    onSuccess: (_data, id) => qc.invalidateQueries({ queryKey: webhookKeys.deliveries(id) }),
  });
}

/**
 * One endpoint's delivery log, newest first, while it is open. Deliveries are retried by the
 * server on its own schedule and no push stream carries them, so the log is read again every few
 * seconds only while something in it is still pending, and not at all once everything settled;
 * each read also refreshes the endpoints, whose state a settled delivery may have changed.
 */
export function useWebhookDeliveries(id: string, { enabled }: { enabled: boolean }) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: webhookKeys.deliveries(id),
    queryFn: async () => {
      const deliveries = await api.webhookDeliveries(id);
      // A delivery that settled may have changed its endpoint too (disabled after a day of failures).
      void qc.invalidateQueries({ queryKey: webhookKeys.list });
      return deliveries;
    },
    enabled,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.some((d) => d.status === "pending") ? PENDING_DELIVERIES_POLL_MS : false),
  });
}
