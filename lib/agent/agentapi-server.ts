import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Brain } from "./brains/types";
import { NotStableError } from "./brains/types";

function send(res: http.ServerResponse, status: number, body: unknown, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(JSON.stringify(body));
}

/** RFC 7807 problem JSON, as agentapi answers errors. */
function problem(res: http.ServerResponse, status: number, title: string, detail: string) {
  send(res, status, { title, status, detail }, "application/problem+json");
}

async function readJson(req: http.IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function sse(res: http.ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * The AgentAPI protocol (coder/agentapi's openapi.json) over a brain, on a loopback port:
 * GET /status, GET /messages, POST /message, GET /events (SSE).
 */
export async function serveAgentApi(brain: Brain, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const streams = new Set<http.ServerResponse>();
  brain.onMessage((m) => streams.forEach((s) => sse(s, "message_update", { id: m.id, role: m.role, message: m.content, time: m.time })));
  brain.onStatus((status) => streams.forEach((s) => sse(s, "status_change", { status, agent_type: brain.agentType })));

  const server = http.createServer(async (req, res) => {
    const route = `${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`;
    try {
      switch (route) {
        case "GET /status":
          return send(res, 200, { status: brain.status(), agent_type: brain.agentType });
        case "GET /messages":
          return send(res, 200, { messages: brain.messages() });
        case "POST /message": {
          const body = (await readJson(req)) as { content?: unknown; type?: unknown };
          if (typeof body?.content !== "string" || !body.content.trim()) return problem(res, 400, "Bad Request", "content must be a non-empty string");
          if (body.type !== "user" && body.type !== "raw") return problem(res, 400, "Bad Request", 'type must be "user" or "raw"');
          await brain.send(body.content);
          return send(res, 200, { ok: true });
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
          return problem(res, 404, "Not Found", `no route ${route}`);
      }
    } catch (error) {
      if (error instanceof NotStableError) return problem(res, 500, "Internal Server Error", error.message);
      return problem(res, 400, "Bad Request", error instanceof Error ? error.message : String(error));
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        streams.forEach((s) => s.end());
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
