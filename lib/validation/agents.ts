import { z } from "zod";
import { agentLifecycle, appHealth, appStatusState } from "../db/schema/agents";
import { toolCall } from "../agents/agentapi-client";
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

/**
 * Where the agent serves AgentAPI: plain `http://` on loopback (an agent on the server's host), or
 * `https://<address>:<port>` with the certificate its port presents (an agent on another host; the
 * server pins it). The server fetches this address, so nothing else is taken: no path, no plain
 * HTTP beyond loopback (a remote agent cannot downgrade).
 */
export const connectionRequest = z
  .object({
    api_url: z
      .url()
      .max(300)
      .refine((u) => /^(http:\/\/(127\.0\.0\.1|localhost|\[::1\])|https:\/\/[^/?#@]+):\d+\/?$/i.test(u), "must be an http loopback address, or https://<address>:<port> with its certificate"),
    /** PEM: the self-signed certificate of an agent on another host. */
    certificate: z.string().max(16 * 1024).optional(),
  })
  .refine((b) => !b.api_url.toLowerCase().startsWith("https:") || b.certificate, { path: ["certificate"], message: "an https address needs the certificate its port presents" });

export const snapshotMessage = z.object({
  id: z.number().int().min(0),
  content: text(),
  role: z.enum(["user", "agent"]),
  time: z.string().max(64),
});

export const logSnapshotRequest = z.object({ messages: z.array(snapshotMessage).max(10_000) });

export const SNAPSHOT_MAX_BYTES = 64 * 1024;

/** The tool calls behind one message's tool lines (each text kept to 16 KiB by the agent), so a paused task still opens them. */
export const toolCallsReport = z.object({
  message_id: z.number().int().min(0).max(999_999_999),
  tool_calls: z.array(toolCall).max(1000),
});
export const TOOL_CALLS_REPORT_MAX_BYTES = 4 * 1024 * 1024;

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

/** A repository's changes as an agent reports them: its files and a diff cut at 1 MiB. */
export const changesSnapshotRequest = z.object({
  head_commit: text().regex(/^[0-9a-f]{7,64}$/, "must be a commit id"),
  files: z
    .array(
      z.object({
        path: text().min(1).max(4096),
        status: z.enum(["added", "modified", "deleted", "renamed"]),
        additions: z.number().int().min(0),
        deletions: z.number().int().min(0),
        old_path: text().max(4096).optional(),
      }),
    )
    .max(100_000),
  diff: text().refine((d) => Buffer.byteLength(d) <= 1024 * 1024 + 4, "must be at most 1 MiB"),
  truncated: z.boolean(),
  // An agent from before commits were listed sends none.
  commits: z
    .array(
      z.object({
        sha: text().regex(/^[0-9a-f]{7,64}$/, "must be a commit id"),
        subject: text().max(1000),
        author: text().max(1000),
        created_at: z.iso.datetime({ offset: true }),
      }),
    )
    .max(100)
    .default([]),
});

export const CHANGES_SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64");
const commitId = text().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, "must be a commit id");

/** An agent's work snapshot after a turn (lib/agent/work-snapshot.ts): bytes as base64, each part optional but its state. */
export const workSnapshotRequest = z.object({
  turn: z.number().int().min(0),
  brain: text().min(1).max(64),
  session_id: text().max(256).nullable(),
  agent_state: base64.min(1),
  brain_files: base64.nullable(),
  branch: text().max(1024).nullable(),
  base_commit: commitId.nullable(),
  head_commit: commitId.nullable(),
  bundle: base64.nullable(),
  diff: base64.nullable(),
  dropped: text().max(4096).nullable(),
});

/** The body a work snapshot of `maxBytes` takes once base64-encoded in JSON, with room for its small fields. */
export const workSnapshotBodyMaxBytes = (maxBytes: number) => Math.ceil((maxBytes * 4) / 3) + 64 * 1024;
