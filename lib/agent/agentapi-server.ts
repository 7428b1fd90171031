import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { AgentMessage } from "../agents/agentapi-client";
import { readRawInput } from "../agents/raw-input";
import type { Brain } from "./brains/types";
import { NotStableError } from "./brains/types";
import type { WorkspaceChannel } from "./workspace-channel";

/** AgentAPI's limit on one uploaded file. */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
const MESSAGE_MAX_BYTES = 1024 * 1024;
/**
 * What `GET /status` says about how the agent is driven. AgentAPI knows two: "pty" (a terminal
 * whose screen is scraped into messages) and "acp" (structured messages). Ours are structured.
 */
export const TRANSPORT = "acp";

class HttpProblem extends Error {
  constructor(readonly status: number, readonly title: string, detail: string) {
    super(detail);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(JSON.stringify(body));
}

/** RFC 7807 problem JSON, as agentapi answers errors. */
function problem(res: http.ServerResponse, status: number, title: string, detail: string) {
  send(res, status, { title, status, detail }, "application/problem+json");
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpProblem(413, "Request Entity Too Large", `the request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sse(res: http.ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function mediaType(req: http.IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Raw input is keystrokes, taken at any status as AgentAPI takes them: ESC interrupts the turn,
 * keys without text change nothing, and text is a prompt while the agent waits for one (as
 * AgentAPI's acp transport reads it; while it works there is no prompt to type into).
 */
async function takeRaw(brain: Brain, content: string) {
  if (brain.raw) return brain.raw(content);
  const input = readRawInput(content);
  if (input.kind === "interrupt") return brain.interrupt();
  if (input.kind !== "text" || brain.status() !== "stable") return;
  await brain.send(input.text).catch((error: unknown) => {
    // Another input got there first: the agent is working, so this text had nothing to go into.
    if (!(error instanceof NotStableError)) throw error;
  });
}

export type AgentApiServerOptions = {
  /** The bearer secret every request must carry; only the Taskyard server knows it. */
  secret?: string;
  /** The workspace uploads go to and the repository's changes are read in. */
  workspace: WorkspaceChannel;
  /** The task's repository as the workspace sees it, if it has one (Taskyard's `GET /changes` reads it). */
  repoDir?: string;
  port?: number;
  /**
   * An agent on another host: serve on this address (not loopback) over TLS with this key and
   * certificate, which the agent registers and the server pins. Without it: plain HTTP on 127.0.0.1.
   */
  listen?: { address: string; key: string; cert: string };
};

/**
 * The AgentAPI protocol (coder/agentapi 0.12.1's openapi.json) over a brain, on a loopback port:
 * GET /status, GET /messages, POST /message, GET /events (SSE), POST /upload — and Taskyard's
 * GET /changes?base=<commit> (the repository's changes) and GET /tool-calls?message=<id> (the
 * tool calls behind a message's tool lines). Closed to everyone
 * but the server: a bearer secret, its own `Host` (DNS rebinding) and JSON-only message posts
 * (no "simple" cross-site request gets through); beyond loopback, only over TLS (`listen`).
 */
export async function serveAgentApi(brain: Brain, options: AgentApiServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const streams = new Set<http.ServerResponse>();
  brain.onMessage((m) => streams.forEach((s) => sse(s, "message_update", { id: m.id, role: m.role, message: m.content, time: m.time })));
  brain.onStatus((status) => streams.forEach((s) => sse(s, "status_change", { status, agent_type: brain.agentType })));
  let port = 0;

  const listen = options.listen;
  const hostInUrl = listen ? (listen.address.includes(":") ? `[${listen.address}]` : listen.address) : "127.0.0.1";

  function admit(req: http.IncomingMessage) {
    const host = (req.headers.host ?? "").toLowerCase();
    const own = listen ? [`${hostInUrl.toLowerCase()}:${port}`] : [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    if (!own.includes(host)) {
      throw new HttpProblem(403, "Forbidden", `this agent answers only requests addressed to ${listen ? "its address" : "its loopback address"}`);
    }
    if (options.secret === undefined) return;
    const given = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
    if (!given || !sameSecret(given, options.secret)) throw new HttpProblem(401, "Unauthorized", "a valid bearer secret is required");
  }

  // A conversation is replaced, never changed in place (lib/agent/conversation.ts): while it is the
  // same array its JSON is the same, and a long one is read far more often than it changes. Each
  // version gets an ETag (unique to this process: a restarted agent never repeats one), and a
  // reader that already holds it gets a 304 without the body.
  const instance = randomBytes(6).toString("hex");
  let version = 0;
  let serialized: { messages: AgentMessage[]; json: string; etag: string } | undefined;
  function sendMessages(req: http.IncomingMessage, res: http.ServerResponse) {
    const messages = brain.messages();
    if (serialized?.messages !== messages) serialized = { messages, json: JSON.stringify({ messages }), etag: `"${instance}-${++version}"` };
    if (req.headers["if-none-match"] === serialized.etag) {
      res.writeHead(304, { etag: serialized.etag });
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json", etag: serialized.etag });
    res.end(serialized.json);
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse) {
    admit(req);
    const name = `${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`;
    switch (name) {
      case "GET /status":
        return send(res, 200, { status: brain.status(), agent_type: brain.agentType, transport: TRANSPORT });
      case "GET /messages":
        return sendMessages(req, res);
      case "POST /message": {
        if (mediaType(req) !== "application/json") throw new HttpProblem(415, "Unsupported Media Type", "the body must be application/json");
        let body: { content?: unknown; type?: unknown };
        try {
          body = JSON.parse((await readBody(req, MESSAGE_MAX_BYTES)).toString("utf8"));
        } catch (e) {
          if (e instanceof HttpProblem) throw e;
          throw new HttpProblem(400, "Bad Request", "the body is not valid JSON");
        }
        if (body?.type !== "user" && body?.type !== "raw") throw new HttpProblem(400, "Bad Request", 'type must be "user" or "raw"');
        if (typeof body.content !== "string") throw new HttpProblem(400, "Bad Request", "content must be a string");
        if (body.type === "raw") {
          await takeRaw(brain, body.content);
          return send(res, 200, { ok: true });
        }
        if (!body.content.trim()) throw new HttpProblem(400, "Bad Request", "content must be a non-empty string");
        await brain.send(body.content);
        return send(res, 200, { ok: true });
      }
      case "POST /upload": {
        if (mediaType(req) !== "multipart/form-data") throw new HttpProblem(415, "Unsupported Media Type", "the body must be multipart/form-data");
        const raw = await readBody(req, UPLOAD_MAX_BYTES + 64 * 1024);
        const form = await new Response(new Uint8Array(raw), { headers: { "content-type": req.headers["content-type"]! } }).formData().catch(() => {
          throw new HttpProblem(400, "Bad Request", "the body is not valid multipart/form-data");
        });
        const file = form.get("file");
        if (!(file instanceof File)) throw new HttpProblem(400, "Bad Request", 'the form needs a file in the field "file"');
        if (file.size > UPLOAD_MAX_BYTES) throw new HttpProblem(413, "Request Entity Too Large", `a file may be at most ${UPLOAD_MAX_BYTES} bytes`);
        return send(res, 200, { ok: true, filePath: await options.workspace.upload(file.name, Buffer.from(await file.arrayBuffer())) });
      }
      case "GET /changes": {
        const base = new URL(req.url ?? "/", "http://x").searchParams.get("base") ?? "";
        if (!/^[0-9a-f]{7,64}$/.test(base)) throw new HttpProblem(400, "Bad Request", "base must be a commit id");
        if (!options.repoDir) throw new HttpProblem(409, "Conflict", "this workspace has no repository");
        return send(res, 200, await options.workspace.changes(options.repoDir, base));
      }
      case "GET /tool-calls": {
        const id = new URL(req.url ?? "/", "http://x").searchParams.get("message") ?? "";
        if (!/^\d{1,9}$/.test(id)) throw new HttpProblem(400, "Bad Request", "message must be a message id");
        return send(res, 200, { tool_calls: (await brain.toolCalls?.(Number(id))) ?? [] });
      }
      case "GET /events": {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
        for (const m of brain.messages()) sse(res, "message_update", { id: m.id, role: m.role, message: m.content, time: m.time });
        sse(res, "status_change", { status: brain.status(), agent_type: brain.agentType });
        streams.add(res);
        req.on("close", () => streams.delete(res));
        return;
      }
      default:
        throw new HttpProblem(404, "Not Found", `no route ${name}`);
    }
  }

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpProblem) return problem(res, error.status, error.title, error.message);
      if (error instanceof NotStableError) return problem(res, 409, "Conflict", error.message);
      problem(res, 500, "Internal Server Error", error instanceof Error ? error.message : String(error));
    });
  };
  // TLS 1.3 only: the one client is our own server.
  const server = listen ? https.createServer({ key: listen.key, cert: listen.cert, minVersion: "TLSv1.3" }, handle) : http.createServer(handle);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, listen?.address ?? "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `${listen ? "https" : "http"}://${hostInUrl}:${port}`,
    close: () =>
      new Promise((resolve) => {
        streams.forEach((s) => s.end());
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
