import { withPublic } from "@/lib/api/handler";
import { forwardModelCall } from "@/lib/gateway/forward";

// /api/v2/aigateway/anthropic/v1/… — the model gateway: agents' Messages API calls, with their own
// key (checked by the gateway, in the Messages API's error shape), forwarded with the real one and metered
const handle = withPublic({}, async ({ db, req, params }) => forwardModelCall(db, req, params.path));

export const GET = handle;
export const POST = handle;
