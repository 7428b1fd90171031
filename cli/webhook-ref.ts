import type { TaskyardClient, Webhook } from "../lib/sdk/client";
import { doing } from "./task-ref";

/** `<webhook>` on the command line: its id, the start of its id (as `list` shows), or its URL. */
export async function resolveWebhook(client: TaskyardClient, ref: string): Promise<Webhook> {
  const webhooks = await doing("list webhooks", client.webhooks());
  const exact = webhooks.find((w) => w.id === ref.toLowerCase() || w.url === ref);
  if (exact) return exact;
  const prefixed = ref.length >= 4 ? webhooks.filter((w) => w.id.startsWith(ref.toLowerCase())) : [];
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new Error(`"${ref}" starts ${prefixed.length} webhooks' ids; give more of it`);
  throw new Error(`no webhook "${ref}" (see \`taskyard webhooks list\`)`);
}
