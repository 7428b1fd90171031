import { execFile, spawn, type ChildProcess } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import http2 from "node:http2";
import net from "node:net";
import path from "node:path";
import { collectChanges } from "../git";
import { takeWorkSnapshot, type WorkSnapshotRequest } from "./work-snapshot";
import { CHANNEL_PATHS, splice, type ExecResult, type ExitReport, type SpawnSpec } from "./protocol";

/**
 * The workspace runtime: the one process of Taskyard inside a workspace's sandbox, running as the
 * workspace's uid in the workspace's own network namespace. It holds no token and no secret. The
 * agent (outside, as another uid) drives it over HTTP/2 on a socket pair: run a command (buffered or
 * streamed), signal it, read the repository's changes, store an upload, connect to a port inside.
 * For each address in `forwards` (a model endpoint on the host's loopback) it listens inside and
 * tunnels every connection out through the agent on the second socket. When the agent's socket
 * closes it kills everything it started and exits: the sandbox ends with it.
 */
export function serveWorkspace(options: {
  workspaceDir: string;
  control: net.Socket;
  dialOut?: net.Socket;
  forwards?: { host: string; port: number }[];
  /** In the sandbox's pid namespace every process but its init (pid 1) and this one is the workspace's. */
  ownPidNamespace?: boolean;
}) {
  const children = new Map<number, ChildProcess>();
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    route(stream, headers).catch((error: unknown) => fail(stream, 500, error instanceof Error ? error.message : String(error)));
  });
  server.on("sessionError", () => shutdown());
  server.emit("connection", options.control);
  options.control.on("close", () => shutdown());
  // A removed workspace ends its runtime (the bind mount outlives the directory, which then has no links left), and with it the agent.
  setInterval(() => {
    fs.stat(options.workspaceDir).then((st) => st.nlink === 0 && shutdown(), () => shutdown());
  }, 1000).unref();

  function shutdown() {
    for (const child of children.values()) killGroup(child, "SIGKILL");
    process.exit(0);
  }

  async function route(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) {
    const method = headers[":method"];
    if (method === "CONNECT") return connectInside(stream, String(headers[":authority"] ?? ""));
    const url = new URL(String(headers[":path"] ?? "/"), "http://workspace");
    switch (`${method} ${url.pathname}`) {
      case `POST ${CHANNEL_PATHS.exec}`:
        return reply(stream, await execute(JSON.parse((await readAll(stream)).toString("utf8")) as SpawnSpec & { stdin?: string }));
      case `POST ${CHANNEL_PATHS.spawn}`:
        return streamProcess(stream);
      case `POST ${CHANNEL_PATHS.signal}`: {
        const { pid, signal } = JSON.parse((await readAll(stream)).toString("utf8")) as { pid: number; signal: NodeJS.Signals };
        const child = children.get(pid);
        if (child) killGroup(child, signal);
        return reply(stream, { ok: Boolean(child) });
      }
      case `GET ${CHANNEL_PATHS.changes}`:
        return reply(stream, await collectChanges(String(url.searchParams.get("repo")), String(url.searchParams.get("base"))));
      case `POST ${CHANNEL_PATHS.stopAll}`:
        return reply(stream, { stopped: stopAll() });
      case `GET ${CHANNEL_PATHS.readFile}`: {
        // As the workspace's uid, like any command in it: it reads only what the workspace could.
        const text = await fs.readFile(String(url.searchParams.get("path")), "utf8").catch(() => null);
        return reply(stream, { text });
      }
      case `POST ${CHANNEL_PATHS.workSnapshot}`:
        return reply(stream, await takeWorkSnapshot(options.workspaceDir, JSON.parse((await readAll(stream)).toString("utf8")) as WorkSnapshotRequest));
      case `GET ${CHANNEL_PATHS.diskUsage}`:
        return reply(stream, { bytes: await diskUsage(options.workspaceDir) });
      case `POST ${CHANNEL_PATHS.upload}`:
        return reply(stream, { path: await storeUpload(options.workspaceDir, String(url.searchParams.get("name") ?? ""), await readAll(stream)) });
      default:
        return fail(stream, 404, `no route ${method} ${url.pathname}`);
    }
  }

  /**
   * Ends every process of the workspace but the runtime: in the sandbox's pid namespace it sees
   * exactly the workspace's processes (those that left their group included); without a sandbox,
   * only its own children.
   */
  function stopAll(): number {
    if (!options.ownPidNamespace) {
      for (const child of children.values()) killGroup(child, "SIGKILL");
      return children.size;
    }
    let stopped = 0;
    for (const entry of fsSync.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || entry === "1" || Number(entry) === process.pid) continue;
      try {
        process.kill(Number(entry), "SIGKILL");
        stopped++;
      } catch {
        // Gone meanwhile.
      }
    }
    return stopped;
  }

  function launch(spec: SpawnSpec): ChildProcess {
    const child = spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd ?? options.workspaceDir,
      env: spec.env as NodeJS.ProcessEnv,
      // Its own process group: a kill reaches whatever it started too.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.once("spawn", () => children.set(child.pid!, child));
    child.once("exit", () => children.delete(child.pid!));
    return child;
  }

  /** A command run to its end, its output collected (capped): the echo brain's `/sh`, a `/write`. */
  function execute(spec: SpawnSpec & { stdin?: string; timeoutMs?: number }): Promise<ExecResult> {
    return new Promise((resolve) => {
      const child = launch(spec);
      const out = capped(child.stdout!);
      const err = capped(child.stderr!);
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), spec.timeoutMs ?? 60_000);
      child.stdin!.on("error", () => {});
      child.stdin!.end(spec.stdin ?? "");
      child.once("error", (e) => {
        clearTimeout(timer);
        resolve({ stdout: "", stderr: e.message, code: 127, signal: null });
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ stdout: out(), stderr: err(), code, signal });
      });
    });
  }

  /** A long-lived command: the request body after its first line is its stdin, the answer its stdout, the trailers how it ended. */
  async function streamProcess(stream: http2.ServerHttp2Stream) {
    const { spec, rest } = await readSpec(stream);
    const child = launch(spec);
    const stderrTail = capped(child.stderr!, 4096, true);
    child.once("error", (e) => fail(stream, 502, `cannot run ${spec.argv[0]}: ${e.message}`));
    child.once("spawn", () => {
      stream.respond({ ":status": 200, "taskyard-pid": String(child.pid) }, { waitForTrailers: true });
      child.stdin!.on("error", () => {});
      if (rest.length) child.stdin!.write(rest);
      stream.pipe(child.stdin!);
      child.stdout!.pipe(stream, { end: false });
      child.once("close", (code, signal) => {
        const report: ExitReport = { code, signal, stderr: stderrTail() };
        stream.once("wantTrailers", () => stream.sendTrailers({ "taskyard-exit": Buffer.from(JSON.stringify(report)).toString("base64") }));
        if (!stream.destroyed) stream.end();
      });
      // The agent gave up on it (closed or reset its stream): it must not outlive that.
      stream.once("close", () => children.has(child.pid!) && killGroup(child, "SIGKILL"));
    });
  }

  /** Tunnels to a port on the sandbox's own loopback (an AgentAPI command the agent talks to). */
  function connectInside(stream: http2.ServerHttp2Stream, authority: string) {
    const match = /^127\.0\.0\.1:(\d{1,5})$/.exec(authority);
    if (!match) return fail(stream, 403, "only ports on the workspace's own loopback can be reached");
    const socket = net.connect(Number(match[1]), "127.0.0.1");
    socket.once("connect", () => {
      stream.respond({ ":status": 200 });
      splice(socket, stream);
    });
    socket.once("error", () => (stream.headersSent ? stream.close(http2.constants.NGHTTP2_CONNECT_ERROR) : fail(stream, 502, "nothing listens there")));
    stream.once("close", () => socket.destroy());
  }

  if (options.dialOut && options.forwards?.length) listenForwards(options.dialOut, options.forwards);
}

/** Each forwarded address answers inside the sandbox; its connections leave through the agent, which dials the real one. */
function listenForwards(dialOut: net.Socket, forwards: { host: string; port: number }[]) {
  const session = http2.connect("http://agent", { createConnection: () => dialOut });
  session.on("error", () => {});
  for (const { host, port } of forwards) {
    net
      .createServer((socket) => {
        const tunnel = session.request({ ":method": "CONNECT", ":authority": `${host.includes(":") ? `[${host}]` : host}:${port}` });
        tunnel.on("response", () => splice(socket, tunnel));
        tunnel.on("error", () => socket.destroy());
        socket.on("error", () => tunnel.close());
      })
      .on("error", (e) => process.stderr.write(`taskyard workspace: cannot forward ${host}:${port}: ${e.message}\n`))
      .listen(port, host);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

const OUTPUT_MAX_BYTES = 1024 * 1024;

/** Collects a stream's bytes up to a cap (the first ones, or with `tail` the last ones). */
function capped(stream: NodeJS.ReadableStream, max = OUTPUT_MAX_BYTES, tail = false): () => string {
  let chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    if (!tail && size >= max) return;
    chunks.push(chunk);
    size += chunk.length;
    if (tail && size > max * 2) {
      const kept = Buffer.concat(chunks).subarray(-max);
      chunks = [kept];
      size = kept.length;
    }
  });
  return () => {
    const all = Buffer.concat(chunks);
    return (tail ? all.subarray(-max) : all.subarray(0, max)).toString("utf8");
  };
}

async function readAll(stream: NodeJS.ReadableStream, max = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The spawn request's first line is its JSON spec; whatever came after it already is stdin. */
async function readSpec(stream: http2.ServerHttp2Stream): Promise<{ spec: SpawnSpec; rest: Buffer }> {
  let buffered = Buffer.alloc(0);
  stream.pause();
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk === null) {
      if (stream.readableEnded) break;
      await new Promise((resolve) => stream.once("readable", resolve));
      continue;
    }
    buffered = Buffer.concat([buffered, chunk]);
    const newline = buffered.indexOf(10);
    if (newline >= 0) {
      const spec = JSON.parse(buffered.subarray(0, newline).toString("utf8")) as SpawnSpec;
      return { spec, rest: buffered.subarray(newline + 1) };
    }
    if (buffered.length > 1024 * 1024) break;
  }
  throw new Error("the spawn request has no spec line");
}

function reply(stream: http2.ServerHttp2Stream, body: unknown) {
  if (stream.destroyed) return;
  stream.respond({ ":status": 200, "content-type": "application/json" });
  stream.end(JSON.stringify(body));
}

function fail(stream: http2.ServerHttp2Stream, status: number, message: string) {
  if (stream.destroyed || stream.headersSent) return stream.destroy();
  stream.respond({ ":status": status, "content-type": "application/json" });
  stream.end(JSON.stringify({ message }));
}

/** Bytes the workspace takes on disk (`du`, one file system, links not followed). */
function diskUsage(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile("du", ["-skx", dir], { timeout: 120_000 }, (error, stdout) => {
      if (error) return reject(new Error(`du failed: ${error.message}`));
      resolve(Number(stdout.split("\t")[0]) * 1024);
    });
  });
}

/** Stores an upload under `<workspace>/uploads/`, never overwriting, and returns its path as the agent sees it. */
async function storeUpload(workspaceDir: string, given: string, data: Buffer): Promise<string> {
  const dir = path.join(workspaceDir, "uploads");
  await fs.mkdir(dir, { recursive: true });
  const name = path.basename(given || "upload").replace(/[^\w.-]+/g, "_").replace(/^\.+/, "") || "upload";
  const { name: stem, ext } = path.parse(name);
  for (let i = 0; ; i++) {
    const target = path.join(dir, i === 0 ? name : `${stem}-${i}${ext}`);
    try {
      await fs.writeFile(target, data, { flag: "wx" });
      return target;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}
