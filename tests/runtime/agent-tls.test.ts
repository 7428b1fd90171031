import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID, X509Certificate } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import postgres from "postgres";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createAgentCertificate } from "../../lib/agent/agent-certificate";
import { sha256 } from "../../lib/auth/tokens";
import { createDb } from "../../lib/db/client";
import { freeLoopbackPort } from "../../lib/ports";
import { TaskyardClient } from "../../lib/sdk/client";
import { resolveSandbox } from "../../lib/sandbox/bubblewrap";
import { createLocalDriver } from "../../lib/workspaces/drivers/local";
import { Provisioner } from "../../lib/workspaces/provisioner";
import { databaseStore } from "../../lib/workspaces/database-store";
import { newConfigDir, runCli } from "../support/cli";
import { latestPrompt, startFakeAnthropic } from "../support/fake-anthropic";
import { taskyard, type Proc } from "../support/stack";
import { waitFor } from "../support/runtime";

/**
 * docs/deployment.md "Traffic between hosts", end to end: a server serving HTTPS with its own
 * certificate, and an agent that listens beyond loopback, serving AgentAPI over TLS with a
 * certificate it made at start, which the server pins.
 *
 * The agent's address is one added here to `lo` outside 127.0.0.0/8: to the agent and the server
 * it is an address like another host's (not loopback), while its packets never leave this machine.
 * (A veth pair into a network namespace would be closer to a real link, but on these machines
 * every such pair vanishes when a workspace sandbox with its own network starts: observed, with
 * "Peer netns reference is invalid".)
 */

const octet = 16 + (process.pid % 200);
const AGENT_ADDRESS = `10.252.${octet}.${1 + (Date.now() % 250)}`;

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });

let dir: string;
let server: Proc;
let baseUrl: string;
let certPem: string;
let caFile: string;
let dispatcher: Agent;
let client: TaskyardClient;
let token: string;
let sql: postgres.Sql;
let admin: postgres.Sql;
let dbName: string;
let provisioner: Provisioner;
let provisionerDb: ReturnType<typeof createDb>;
let templateVersionId: string;
let model: Awaited<ReturnType<typeof startFakeAnthropic>>;
const MODEL_KEY = `sk-ant-api03-${randomBytes(24).toString("hex")}`;

const trusted = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, dispatcher } as RequestInit);

beforeAll(async () => {
  ip("addr", "add", `${AGENT_ADDRESS}/32`, "dev", "lo");

  // The server's certificate, made now (never committed): self-signed for 127.0.0.1.
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-tls-"));
  await fs.chmod(dir, 0o755);
  caFile = path.join(dir, "server.crt");
  const keyFile = path.join(dir, "server.key");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=taskyard-test", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", keyFile, "-out", caFile], { stdio: "pipe" });
  certPem = await fs.readFile(caFile, "utf8");
  dispatcher = new Agent({ connect: { ca: certPem } });

  // The model provider's stand-in, behind the server's model gateway.
  model = await startFakeAnthropic((request) => ({ content: [{ type: "text", text: `Model says: ${latestPrompt(request).slice(0, 60)}` }] }));

  // Its own database in the run's cluster, and no provisioner of its own: ours below advertises the agent address.
  const clusterUrl = new URL(inject("databaseUrl"));
  dbName = `tls_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  admin = postgres(inject("superuserDatabaseUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${dbName} OWNER ${clusterUrl.username}`);
  const dbUrl = new URL(clusterUrl);
  dbUrl.pathname = `/${dbName}`;
  const port = await freeLoopbackPort();
  baseUrl = `https://127.0.0.1:${port}`;
  server = taskyard(["server", "--no-build", "--no-provisioner"], {
    DATABASE_URL: dbUrl.toString(),
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    TASKYARD_DATA_DIR: path.join(dir, "data"),
    TASKYARD_ADMIN_EMAIL: "admin@example.com",
    TASKYARD_ADMIN_PASSWORD: "admin-password",
    TASKYARD_TLS_CERT_FILE: caFile,
    TASKYARD_TLS_KEY_FILE: keyFile,
    ANTHROPIC_API_KEY: MODEL_KEY,
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_MODEL: "",
    LOG_LEVEL: "warn",
  });
  await waitFor("the https server", async () => {
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    return (await trusted(`${baseUrl}/healthz`).then((r) => r.ok, () => false)) || undefined;
  }, 60_000, 100);
  const login = await new TaskyardClient({ baseUrl, fetch: trusted }).login("admin@example.com", "admin-password");
  token = login.session_token;
  client = new TaskyardClient({ baseUrl, token, fetch: trusted });
  templateVersionId = (await client.templates()).find((t) => t.name === "echo")!.active_version_id;
  sql = postgres(dbUrl.toString(), { max: 2, onnotice: () => {} });

  // A provisioner on "another host": the local driver, agents listening on the veth address over TLS, trusting the server's certificate.
  provisionerDb = createDb(dbUrl.toString(), { max: 4 });
  const driver = createLocalDriver({
    dataDir: path.join(dir, "provisioner"),
    serverUrl: baseUrl,
    sandbox: resolveSandbox("auto", () => {}),
    advertise: AGENT_ADDRESS,
    serverCa: certPem,
  });
  provisioner = new Provisioner({ db: provisionerDb.db, store: (holder) => databaseStore({ db: provisionerDb.db, sql: provisionerDb.sql, holder }), driver, leaseMs: 10_000, agentConnectTimeoutMs: 30_000, concurrency: 2 });
  await provisioner.start();
}, 120_000);

afterAll(async () => {
  await provisioner?.stop({ stopAgents: true }).catch(() => {});
  await provisionerDb?.sql.end({ timeout: 5 });
  await sql?.end({ timeout: 5 });
  await server?.stop();
  model?.close();
  await admin?.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  await admin?.end({ timeout: 5 });
  await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
  try {
    ip("addr", "del", `${AGENT_ADDRESS}/32`, "dev", "lo");
  } catch {
    // never added
  }
});

/** What the agents and the server said, for a wait's timeout message. */
function said(): string {
  const logs = path.join(dir, "provisioner", "logs");
  let agents = "";
  try {
    for (const file of fsSync.readdirSync(logs)) agents += fsSync.readFileSync(path.join(logs, file), "utf8").slice(-2000);
  } catch {
    // no log yet
  }
  return `agents: ${agents}\nserver: ${server.output().slice(-2000)}\naddresses: ${execFileSync("ip", ["-br", "addr"]).toString()}`;
}

/** A TLS server on the agent's address presenting another certificate, answering like an agent would. */
async function rogueAgent(): Promise<{ url: string; requests: () => number; handshakes: () => number; close: () => void }> {
  const { key, cert } = await createAgentCertificate(AGENT_ADDRESS);
  let requests = 0;
  let handshakes = 0;
  const rogue = https.createServer({ key, cert }, (_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "stable", messages: [{ id: 0, role: "agent", content: "ROGUE DATA", time: new Date().toISOString() }] }));
  });
  rogue.on("secureConnection", () => handshakes++);
  rogue.on("tlsClientError", () => handshakes++);
  await new Promise<void>((resolve) => rogue.listen(0, AGENT_ADDRESS, resolve));
  const { port } = rogue.address() as { port: number };
  return { url: `https://${AGENT_ADDRESS}:${port}`, requests: () => requests, handshakes: () => handshakes, close: () => rogue.close() };
}

async function agentRow(taskId: string) {
  const [row] = await sql`
    SELECT a.id, a.api_url, a.api_certificate, a.workspace_id, a.build_id FROM tasks t JOIN workspace_agents a ON a.workspace_id = t.workspace_id
    WHERE t.id = ${taskId} ORDER BY a.created_at DESC LIMIT 1`;
  return row as { id: string; api_url: string; api_certificate: string | null; workspace_id: string; build_id: string };
}

/** What the agent's port presents, read straight off a TLS handshake (its certificate is trusted for this look only). */
function presentedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("traffic between hosts (TLS both ways, the agent's certificate pinned)", () => {
  let taskId: string;
  let taskName: string;
  const canary = `prompt-canary-${randomBytes(8).toString("hex")}`;
  let capture: ChildProcess | undefined;
  const pcap = () => path.join(dir, "agent.pcap");

  it("a remote agent serves AgentAPI over TLS on its address and registers the certificate it presents; the server pins it", async () => {
    const task = await client.createTask({ input: "hello over tls", template_version_id: templateVersionId });
    taskId = task.id;
    taskName = task.name;
    await waitFor("the task to be idle", async () => (await client.task("me", taskId)).current_state?.state === "idle", 45_000, 100, () => said());
    const row = await agentRow(taskId);
    expect(row.api_url).toMatch(new RegExp(`^https://${AGENT_ADDRESS.replaceAll(".", "\\.")}:\\d+$`));
    expect(row.api_certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const stored = new X509Certificate(row.api_certificate!);
    expect(stored.subjectAltName).toBe(`IP Address:${AGENT_ADDRESS}`);
    expect(await presentedFingerprint(row.api_url)).toBe(stored.fingerprint256);
    // Nothing on loopback: the agent listens only where it was told to.
    const port = new URL(row.api_url).port;
    await expect(presentedFingerprint(`https://127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
    // Plain HTTP on its port is no way in either.
    const plain = await fetch(`http://${AGENT_ADDRESS}:${port}/status`).then((r) => r.status, (e: Error) => e.message);
    expect(plain).not.toBe(200);
  });

  it("logs, send, the AgentAPI pass-through and the event streams all work through the server, and the wire shows no prompt text", async () => {
    const row = await agentRow(taskId);
    const agentPort = new URL(row.api_url).port;
    // Server ↔ agent crosses `lo`, to and from the agent's address.
    capture = spawn("tcpdump", ["--immediate-mode", "-i", "lo", "-U", "-n", "-s", "0", "-w", pcap(), "host", AGENT_ADDRESS, "and", "tcp", "port", agentPort], { stdio: ["ignore", "ignore", "pipe"] });
    let captureSaid = "";
    capture.stderr!.on("data", (d: Buffer) => (captureSaid += d));
    await waitFor("tcpdump to listen", async () => /listening on/.test(captureSaid), 10_000, 50, () => captureSaid);

    const before = (await client.logs("me", taskId)).logs.length;
    await client.send("me", taskId, canary);
    const logs = await waitFor("the reply", async () => {
      const { logs } = await client.logs("me", taskId);
      return logs.length >= before + 2 ? logs : undefined;
    }, 20_000);
    expect(logs.at(-1)!.content).toBe(`You said: ${canary}`);

    const headers = { "Coder-Session-Token": token };
    const passStatus = await trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/agentapi/status`, { headers });
    expect(passStatus.status).toBe(200);
    expect(await passStatus.json()).toMatchObject({ status: "stable" });
    const passMessages = await (await trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/agentapi/messages`, { headers })).json();
    expect(JSON.stringify(passMessages)).toContain(canary);

    // The agent's own event stream through the pass-through, then the task's log stream (the server follows /events itself).
    const events = await trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/agentapi/events`, { headers });
    expect(events.status).toBe(200);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const posted = trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/agentapi/message`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ type: "user", content: `${canary}-2` }) });
    while (!seen.includes(`You said: ${canary}-2`)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    await reader.cancel();
    expect((await posted).status).toBe(200);
    expect(seen).toContain("event: message_update");
    expect(seen).toContain(`You said: ${canary}-2`);
    await waitFor("idle again", async () => (await client.task("me", taskId)).current_state?.state === "idle", 20_000, 100);

    const stream = await trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/logs/stream`, { headers });
    const streamReader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let streamed = "";
    void client.send("me", taskId, `${canary}-3`);
    while (!streamed.includes(`You said: ${canary}-3`)) {
      const { value, done } = await streamReader.read();
      if (done) break;
      streamed += value;
    }
    await streamReader.cancel();
    expect(streamed).toContain(`You said: ${canary}-3`);
    await waitFor("idle again", async () => (await client.task("me", taskId)).current_state?.state === "idle", 20_000, 100);

    await new Promise((r) => setTimeout(r, 300));
    capture.kill("SIGINT");
    await new Promise((r) => capture!.once("exit", r));
    const bytes = await fs.readFile(pcap());
    // The capture saw the conversation's traffic (TLS records: 0x17 0x03 0x03), and none of its text.
    expect(bytes.length).toBeGreaterThan(5_000);
    expect(bytes.includes(Buffer.from([0x17, 0x03, 0x03]))).toBe(true);
    expect(bytes.includes(Buffer.from(canary))).toBe(false);
    expect(bytes.includes(Buffer.from("You said"))).toBe(false);
    expect(bytes.includes(Buffer.from(row.api_url.slice(8)))).toBe(false); // not even a plain Host header
  });

  it("a port presenting any other certificate gets nothing from the server: 502, never its data, no request sent", async () => {
    const row = await agentRow(taskId);
    const rogue = await rogueAgent();
    try {
      await sql`UPDATE workspace_agents SET api_url = ${rogue.url} WHERE id = ${row.id}`;
      const headers = { "Coder-Session-Token": token };
      const logs = await trusted(`${baseUrl}/api/v2/tasks/me/${taskId}/logs`, { headers });
      expect(logs.status).toBe(502);
      expect(await logs.text()).not.toContain("ROGUE");
      const status = await trusted(`${baseUrl}/api/v2/tasks/me/${taskName}/agentapi/status`, { headers });
      expect(status.status).toBe(502);
      expect(await status.text()).not.toContain("ROGUE");
      const send = await trusted(`${baseUrl}/api/v2/tasks/me/${taskId}/send`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ input: "to the rogue" }) });
      expect(send.status).toBe(502);
      expect(rogue.handshakes()).toBeGreaterThan(0); // the server did come, and turned back at the certificate
      expect(rogue.requests()).toBe(0); // so the agent's secret never reached it
    } finally {
      await sql`UPDATE workspace_agents SET api_url = ${row.api_url} WHERE id = ${row.id}`;
      rogue.close();
    }
    // The real agent is still reached as before.
    expect((await client.logs("me", taskId)).logs.length).toBeGreaterThan(2);
  });

  it("a registration is 400 for plain http beyond loopback, https without a certificate, or a certificate the port does not present", async () => {
    const row = await agentRow(taskId);
    // A stand-in agent identity of our own (its token known here), on the task's workspace and build.
    const agentToken = randomBytes(32).toString("hex");
    await sql`INSERT INTO workspace_agents (workspace_id, build_id, auth_token_hash, api_secret, lifecycle_state) VALUES (${row.workspace_id}, ${row.build_id}, ${sha256(agentToken)}, 'not-the-agents', 'starting')`;
    const register = (body: unknown) =>
      trusted(`${baseUrl}/api/v2/workspaceagents/me/connection`, { method: "POST", headers: { "Coder-Session-Token": agentToken, "content-type": "application/json" }, body: JSON.stringify(body) });
    const port = new URL(row.api_url).port;
    const downgrade = await register({ api_url: `http://${AGENT_ADDRESS}:${port}` });
    expect(downgrade.status).toBe(400);
    expect(JSON.stringify(await downgrade.json())).toContain("api_url");
    const noCertificate = await register({ api_url: row.api_url });
    expect(noCertificate.status).toBe(400);
    expect(JSON.stringify(await noCertificate.json())).toContain("certificate");
    const other = await createAgentCertificate(AGENT_ADDRESS);
    expect((await register({ api_url: row.api_url, certificate: other.cert })).status).toBe(400);
    expect((await register({ api_url: row.api_url, certificate: "not a certificate" })).status).toBe(400);
    // Even the right certificate does not register someone else's port: it answers only with its own agent's secret.
    expect((await register({ api_url: row.api_url, certificate: row.api_certificate })).status).toBe(400);
    const [stored] = await sql`SELECT api_url, api_certificate FROM workspace_agents WHERE auth_token_hash = ${sha256(agentToken)}`;
    expect(stored).toEqual({ api_url: null, api_certificate: null });
    await sql`DELETE FROM workspace_agents WHERE auth_token_hash = ${sha256(agentToken)}`;
  });

  it("a coding agent's model calls reach the server's gateway over the agent's TLS relay: the workspace speaks plain HTTP only to its agent", async () => {
    const claude = (await client.templates()).find((t) => t.name === "claude")!;
    const before = model.requests.length;
    const task = await client.createTask({ input: "Answer through the relay", template_version_id: claude.active_version_id });
    const reply = await waitFor("the model's reply", async () => {
      const { logs } = await client.logs("me", task.id).catch(() => ({ logs: [] as { content: string }[] }));
      return logs.find((l) => l.content.includes("Model says: Answer through the relay"));
    }, 90_000, 250, () => said());
    expect(reply).toBeTruthy();
    expect(model.requests.length).toBeGreaterThan(before);
    // The provider saw the server's key (the gateway's upstream), never the workspace's.
    expect(model.keys.at(-1)).toContain(MODEL_KEY);
    const row = await agentRow(task.id);
    expect(row.api_url).toMatch(/^https:/);
    await client.deleteTask("me", task.id).catch(() => {});
  }, 120_000);

  it("the CLI reaches the https server with --ca (or TASKYARD_CA_FILE) and says why not without it", async () => {
    const config = await newConfigDir();
    const env = { TASKYARD_URL: baseUrl, TASKYARD_SESSION_TOKEN: token };
    const withCa = await runCli(["--ca", caFile, "whoami"], { config, env });
    expect(withCa.stderr).toBe("");
    expect(withCa.code).toBe(0);
    expect(withCa.stdout).toContain("admin");
    const withEnv = await runCli(["whoami"], { config, env: { ...env, TASKYARD_CA_FILE: caFile } });
    expect(withEnv.code).toBe(0);
    const without = await runCli(["whoami"], { config, env });
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/cannot reach the Taskyard server at https:\/\/127\.0\.0\.1:\d+ \(\w+\): its certificate is not trusted here; pass the CA that signed it with --ca <file>/);
    // The plain-HTTP address of the same port answers nothing useful: the server speaks only TLS there.
    const plain = await runCli(["whoami"], { config, env: { ...env, TASKYARD_URL: baseUrl.replace("https:", "http:") } });
    expect(plain.code).toBe(1);
  });
});
