import { withPublic } from "@/lib/api/handler";
import { readBody } from "@/lib/api/body";
import { json } from "@/lib/api/respond";
import { MAX_DELIVERY_BYTES, receiveGitHubDelivery } from "@/lib/github-issues/inbound";

// POST /api/v2/integrations/github/events — a GitHub webhook delivery (no session: signed with a provider's webhook secret)
export const POST = withPublic({}, async ({ req, db }) => {
  const payload = await readBody(req, MAX_DELIVERY_BYTES);
  const h = req.headers;
  const answer = await receiveGitHubDelivery(db, {
    event: h.get("x-github-event"),
    deliveryId: h.get("x-github-delivery"),
    signature: h.get("x-hub-signature-256"),
    contentType: h.get("content-type"),
    payload,
  });
  return json(answer.body, answer.status);
});
