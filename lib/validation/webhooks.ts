import { z } from "zod";
import { TASK_EVENT_TYPES } from "./task-events";
import { httpUrl } from "./common";

export const WEBHOOK_FORMATS = ["json", "slack"] as const;

/**
 * An endpoint's address: http(s), no credentials or fragment. Whether it may be reached at all
 * (loopback, private, link-local and metadata addresses are refused) is decided where it is
 * resolved, when it is saved and again at each delivery: lib/webhooks.
 */
const webhookUrl = () => httpUrl({ query: true });

const format = () => z.enum(WEBHOOK_FORMATS, { message: "must be json or slack" });

const events = () =>
  z
    .array(z.enum(TASK_EVENT_TYPES, { message: `must be one of ${TASK_EVENT_TYPES.join(", ")}` }))
    .min(1, "name at least one event")
    .transform((list) => [...new Set(list)]);

/** `POST /api/v2/users/{user}/webhooks`. `all_tasks` (owner and admins only): every task's events, not only the user's own. */
export const createWebhookRequest = z.object({
  url: webhookUrl(),
  events: events(),
  format: format().default("json"),
  all_tasks: z.boolean().default(false),
});

/** `PATCH …/webhooks/{id}`: any of these; `enabled: true` brings back an endpoint disabled for failing. */
export const updateWebhookRequest = z
  .object({ url: webhookUrl(), events: events(), format: format(), enabled: z.boolean() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, "name at least one of url, events, format, enabled");

export type CreateWebhookRequest = z.infer<typeof createWebhookRequest>;
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequest>;
