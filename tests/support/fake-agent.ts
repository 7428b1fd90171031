import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeMessage = { id: number; content: string; role: "user" | "agent"; time: string };

/** A minimal AgentAPI server (GET /status, GET /messages, POST /message) standing in for a task's agent. */
export async function startFakeAgent(initial: FakeMessage[] = []) {
  const state = {
    status: "stable" as "stable" | "running",
    messages: [...initial],
    received: [] as { content: string; type: string }[],
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && req.url === "/status") return send(200, { status: state.status, agent_type: "custom" });
      if (req.method === "GET" && req.url === "/messages") return send(200, { messages: state.messages });
      if (req.method === "POST" && req.url === "/message") {
        const body = JSON.parse(raw);
        state.received.push(body);
        if (state.status !== "stable") return send(500, { title: "Internal Server Error", status: 500, detail: "agent is busy" });
        state.messages.push({ id: state.messages.length, content: body.content, role: "user", time: new Date().toISOString() });
        return send(200, { ok: true });
      }
      send(404, { title: "Not Found", status: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback address nothing listens on. */
export async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
