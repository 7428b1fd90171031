import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { parseRetryAfter } from "./retry-schedule";
import { RefusedAddressError, resolveAllowedAddress } from "./address-policy";

/** A receiver gets this long for the whole exchange, connection to last byte read. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The most of a receiver's answer that is read (kept, trimmed, as the attempt's error detail). */
const MAX_RESPONSE_BYTES = 4096;

export type AttemptOutcome =
  | { kind: "delivered"; status: number; latencyMs: number }
  /** Worth trying again later: a timeout, no connection, 5xx, 429. */
  | { kind: "retry"; status: number | null; error: string; retryAfterMs: number | null; latencyMs: number }
  /** Never worth repeating: another 4xx, a redirect, a refused address. */
  | { kind: "failed"; status: number | null; error: string; latencyMs: number };

/** Connects to the address that was checked, whatever the name resolves to by now. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

const snippet = (body: Buffer) => body.toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);

/**
 * One POST of a signed body. The host is resolved and checked here (lib/webhooks/address-policy.ts)
 * and the connection made to that very address; redirects are answers, never followed; at most
 * MAX_RESPONSE_BYTES of the answer are read.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, options: { allowPrivate: boolean; timeoutMs?: number }): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(url);
  let resolved;
  try {
    resolved = await resolveAllowedAddress(target, options.allowPrivate);
  } catch (error) {
    if (error instanceof RefusedAddressError) return { kind: "failed", status: null, error: `refused: ${error.message}`, latencyMs: elapsed() };
    return { kind: "retry", status: null, error: `cannot resolve ${target.hostname}: ${(error as Error).message}`, retryAfterMs: null, latencyMs: elapsed() };
  }
  const transport = target.protocol === "https:" ? https : http;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = transport.request(
      target,
      {
        method: "POST",
        lookup: pinnedLookup(resolved.address, resolved.family),
        agent: false,
        headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "user-agent": "Taskyard-Webhooks/1" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const settle = () => {
          const status = res.statusCode ?? 0;
          const latencyMs = elapsed();
          const text = snippet(Buffer.concat(chunks));
          const detail = `HTTP ${status}${text ? `: ${text}` : ""}`;
          if (status >= 200 && status < 300) return finish({ kind: "delivered", status, latencyMs });
          if (status >= 300 && status < 400) {
            return finish({ kind: "failed", status, error: `HTTP ${status}: redirects are not followed${res.headers.location ? ` (to ${String(res.headers.location).slice(0, 200)})` : ""}`, latencyMs });
          }
          if (status === 429 || status >= 500) return finish({ kind: "retry", status, error: detail, retryAfterMs: parseRetryAfter(res.headers["retry-after"]), latencyMs });
          finish({ kind: "failed", status, error: detail, latencyMs });
        };
        res.on("data", (chunk: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
          size += chunk.length;
          // Enough read: what follows is not ours to wait for.
          if (size >= MAX_RESPONSE_BYTES) settle();
        });
        res.on("end", settle);
        res.on("error", (error) => finish({ kind: "retry", status: res.statusCode ?? null, error: `the answer broke off: ${error.message}`, retryAfterMs: null, latencyMs: elapsed() }));
      },
    );
    const timer = setTimeout(
      () => finish({ kind: "retry", status: null, error: `no answer within ${timeoutMs / 1000} s`, retryAfterMs: null, latencyMs: elapsed() }),
      timeoutMs,
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ kind: "retry", status: null, error: `cannot connect to ${target.host}: ${error.code ?? error.message}`, retryAfterMs: null, latencyMs: elapsed() }),
    );
    req.end(body);
  });
}
