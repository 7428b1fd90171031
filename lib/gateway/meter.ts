import "server-only";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { DbOrTx } from "../db/client";
import { growModelCall, insertModelCall, type CallUsage } from "../db/queries/model-calls";
import { logger } from "../logger";
import { costOf, priceOf, type Usage } from "./prices";

const ZERO: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

/** The four counters of an API `usage` object (missing ones are 0). */
function usageIn(value: unknown): Usage {
  const u = (value ?? {}) as Record<string, unknown>;
  const n = (key: keyof Usage) => (typeof u[key] === "number" && Number.isFinite(u[key]) && (u[key] as number) >= 0 ? Math.floor(u[key] as number) : 0);
  return { input_tokens: n("input_tokens"), output_tokens: n("output_tokens"), cache_read_input_tokens: n("cache_read_input_tokens"), cache_creation_input_tokens: n("cache_creation_input_tokens") };
}

const unpriced = new Set<string>();

/** Said once per model and process, not at every event of every call. */
function warnIfUnpriced(model: string) {
  if (priceOf(model) || unpriced.has(model) || unpriced.size > 100) return;
  unpriced.add(model);
  logger.warn({ model }, "the model gateway has no price for this model: its calls cost 0");
}

/**
 * Meters one model call as its answer passes through: the usage `message_start` reports is written
 * when it arrives, and what each `message_delta` adds (its counts are the call's totals so far) as
 * it arrives, so a call cut off halfway still counts what it used. Writes go out one at a time, in
 * order, and never hold the stream up.
 */
export class CallMeter {
  private recorded: Usage = ZERO;
  private callId: Promise<string | undefined> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private model: string;

  constructor(
    private readonly db: DbOrTx,
    private readonly call: { taskId: string; agentId: string; turnId: string | null; model: string },
  ) {
    this.model = call.model;
  }

  /** A streamed answer's events. */
  event(event: EventSourceMessage) {
    if (event.event !== "message_start" && event.event !== "message_delta") return;
    let data: { message?: { model?: unknown; usage?: unknown }; usage?: unknown };
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    if (event.event === "message_start") {
      if (typeof data.message?.model === "string") this.model = data.message.model;
      this.reached(usageIn(data.message?.usage));
    } else this.reached(usageIn(data.usage));
  }

  /** A whole (not streamed) answer's body. */
  body(text: string) {
    try {
      const message = JSON.parse(text) as { model?: unknown; usage?: unknown };
      if (typeof message.model === "string") this.model = message.model;
      this.reached(usageIn(message.usage));
    } catch {
      // Not JSON: an error page; nothing was used.
    }
  }

  /** Resolves once everything seen so far is written. */
  settled(): Promise<unknown> {
    return this.writes;
  }

  /** The call's totals are now at least `seen` (counts are running totals; a delta may leave some out). */
  private reached(seen: Usage) {
    const total: Usage = { ...this.recorded };
    for (const key of Object.keys(total) as (keyof Usage)[]) total[key] = Math.max(this.recorded[key], seen[key]);
    const delta = Object.fromEntries((Object.keys(total) as (keyof Usage)[]).map((k) => [k, total[k] - this.recorded[k]])) as Usage;
    if (this.callId && Object.values(delta).every((v) => v === 0)) return;
    this.recorded = total;
    warnIfUnpriced(this.model);
    const usage: CallUsage = { ...delta, cost_usd: costOf(this.model, delta) };
    const first = !this.callId;
    if (first) this.callId = (this.writes = this.writes.then(() => insertModelCall(this.db, { ...this.call, model: this.model }, usage)).catch((err: unknown) => this.failed(err))) as Promise<string | undefined>;
    else {
      const id = this.callId!;
      this.writes = this.writes.then(async () => {
        const at = await id;
        if (at) await growModelCall(this.db, at, usage);
      }).catch((err: unknown) => this.failed(err));
    }
  }

  private failed(err: unknown): undefined {
    logger.error({ err, task: this.call.taskId }, "the model gateway could not record a call's usage");
    return undefined;
  }
}

/** A TransformStream that passes every byte through as it comes and shows the meter the server-sent events in it. */
export function meteredStream(meter: CallMeter, streamed: boolean, maxBodyBytes = 8 * 1024 * 1024): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({ onEvent: (event) => meter.event(event) });
  let body = "";
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      const text = decoder.decode(chunk, { stream: true });
      if (streamed) parser.feed(text);
      else if (body.length < maxBodyBytes) body += text;
    },
    flush() {
      if (!streamed) meter.body(body + decoder.decode());
    },
  });
}
