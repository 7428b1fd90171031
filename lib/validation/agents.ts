import { z } from "zod";
import { text } from "./common";

export const AGENT_LIFECYCLE_STATES = [
  "created",
  "starting",
  "start_timeout",
  "start_error",
  "ready",
  "shutting_down",
  "shutdown_timeout",
  "shutdown_error",
  "off",
] as const;

export const lifecycleRequest = z.object({ state: z.enum(AGENT_LIFECYCLE_STATES), changed_at: z.string().optional() });

export const appHealthRequest = z.object({
  app_slug: text().min(1).max(64),
  health: z.enum(["disabled", "initializing", "healthy", "unhealthy"]),
});

export const appStatusRequest = z.object({
  app_slug: text().min(1).max(64),
  state: z.enum(["working", "idle", "complete", "failure"]),
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
