import { z } from "zod";
import { TASK_EVENT_TYPES } from "./task-events";
import { text } from "./common";

export const WEBHOOK_FORMATS = ["json", "slack"] as const;

/**
 * An endpoint's address: http(s), no credentials or fragment. Whether it may be reached at all
 * (loopback, private, link-local and metadata addresses are refused) is decided where it is
 * resolved, when it is saved and again at each delivery: lib/webhooks.
 */
const webhookUrl = () =>
  text()
    .trim()
    .max(2048, "must be at most 2048 characters")
    .refine((s) => {
      try {
        const url = new URL(s);
        return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password && !url.hash;
      } catch {
        return false;
      }
    }, "must be an http(s) URL without credentials or fragment");

const events = () =>
  z
    .array(z.enum(TASK_EVENT_TYPES, { message: `must be one of ${TASK_EVENT_TYPES.join(", ")}` }))
    .min(1, "name at least one event")
    .transform((list) => [...new Set(list)]);

/** `POST /api/v2/users/{user}/webhooks`. `all_tasks` (owner and admins only): every task's events, not only the user's own. */
export const createWebhookRequest = z.object({
  url: webhookUrl(),
  events: events(),
  format: z.enum(WEBHOOK_FORMATS, { message: "must be json or slack" }).default("json"),
  all_tasks: z.boolean().default(false),
});

/** `PATCH …/webhooks/{id}`: any of these; `enabled: true` brings back an endpoint disabled for failing. */
export const updateWebhookRequest = z
  .object({ url: webhookUrl(), events: events(), format: z.enum(WEBHOOK_FORMATS, { message: "must be json or slack" }), enabled: z.boolean() })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, "name at least one of url, events, format, enabled");

export type CreateWebhookRequest = z.infer<typeof createWebhookRequest>;
export type UpdateWebhookRequest = z.infer<typeof updateWebhookRequest>;
