// GET /healthz — liveness
export function GET() {
  return new Response("OK", { headers: { "content-type": "text/plain" } });
}
