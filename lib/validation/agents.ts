import { z } from "zod";
import { agentLifecycle, appHealth, appStatusState } from "../db/schema/agents";
import { text } from "./common";



export const lifecycleRequest = z.object({ state: z.enum(agentLifecycle.enumValues), changed_at: z.string().optional() });

export const appHealthRequest = z.object({
  app_slug: text().min(1).max(64),
  health: z.enum(appHealth.enumValues),
});

export const appStatusRequest = z.object({
  app_slug: text().min(1).max(64),
  state: z.enum(appStatusState.enumValues),
  message: text().refine((s) => Buffer.byteLength(s) <= 160, "must be at most 160 bytes"),
  uri: text().max(2048).optional(),
});

/** Only loopback: the server fetches this address, so it must never point elsewhere. */
export const connectionRequest = z.object({
  api_url: z.url().refine((u) => /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/.test(u), "must be an http loopback address"),
});

export const snapshotMessage = z.object({
  id: z.number().int().min(0),
  content: text(),
  role: z.enum(["user", "agent"]),
  time: z.string().max(64),
});

export const logSnapshotRequest = z.object({ messages: z.array(snapshotMessage).max(10_000) });

export const SNAPSHOT_MAX_BYTES = 64 * 1024;

const tokens = z.number().int().min(0).max(1e12);

/** One turn's model usage; `turn_id` makes a repeated report count once. */
export const usageRequest = z.object({
  turn_id: text().min(1).max(128),
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_input_tokens: tokens,
  cache_creation_input_tokens: tokens,
  cost_usd: z.number().min(0).max(1e6),
});
