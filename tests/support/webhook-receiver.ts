import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type Received = { id: string; timestamp: string; signature: string; body: string; at: number; headers: http.IncomingHttpHeaders };
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | "hang";

/**
 * A webhook receiver stand-in on loopback: records every request as it came and answers what
 * `respond` says (200 by default). `verify` checks a request with the standardwebhooks package's
 * own verifier, as a real receiver would.
 */
export async function startReceiver(respond: (req: Received, index: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  let answer = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Received = {
        id: String(req.headers["webhook-id"]),
        timestamp: String(req.headers["webhook-timestamp"]),
        signature: String(req.headers["webhook-signature"]),
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        headers: req.headers,
      };
      received.push(entry);
      const a = answer(entry, received.length - 1);
      if (a === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status, a.headers).end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    setAnswer: (next: typeof respond) => (answer = next),
    verify: (secret: string, entry: Received) =>
      new Webhook(secret).verify(entry.body, { "webhook-id": entry.id, "webhook-timestamp": entry.timestamp, "webhook-signature": entry.signature }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
