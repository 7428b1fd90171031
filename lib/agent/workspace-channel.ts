import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import { PassThrough, type Readable, type Writable } from "node:stream";
import type { Changes } from "../git";
import type { WorkSnapshotParts, WorkSnapshotRequest } from "../in-workspace/work-snapshot";
import { CHANNEL_PATHS, splice, type ExecResult, type ExitReport, type SpawnSpec } from "../in-workspace/protocol";

/**
 * The agent's side of its workspace: every command, file and port of the workspace is reached
 * through the workspace runtime (lib/in-workspace/runtime.ts) over HTTP/2 on a socket pair, so
 * the agent process (which holds the agent token) shares no uid, network or process view with
 * the code the model runs.
 */
export class WorkspaceChannel {
  private readonly session: http2.ClientHttp2Session;
  private closed = false;
  private closing = false;

  constructor(
    control: net.Socket,
    /** Where the workspace is, as commands in it see it. */
    readonly workspaceDir: string,
    dialIn?: { socket: net.Socket; allowed: string[]; relay?: TlsRelay },
    /** The runtime runs in a sandbox of the driver's, as the workspace's own uid. */
    readonly sandboxed = true,
  ) {
    this.session = http2.connect("http://workspace", { createConnection: () => control });
    this.session.on("error", () => {});
    this.session.on("close", () => (this.closed = true));
    if (dialIn) serveDialIn(dialIn.socket, dialIn.allowed, dialIn.relay);
  }

  /**
   * Without a driver-made sandbox (`taskyard agent` by hand, or TASKYARD_SANDBOX=none): start the
   * runtime as a child of our own, on plain `node`, in the workspace directory.
   */
  static startLocal(workspaceDir: string, entry: string[]): WorkspaceChannel {
    const child = spawn(entry[0], [...entry.slice(1), "--dir", workspaceDir, "--control-fd", "3"], {
      cwd: workspaceDir,
      stdio: ["ignore", "inherit", "inherit", "pipe"],
    });
    child.unref();
    const control = child.stdio[3] as net.Socket;
    return new WorkspaceChannel(control, workspaceDir, undefined, false);
  }

  /** Once, when the runtime (and with it the workspace's sandbox) is gone, unless the agent closed it. */
  onClose(listener: () => void) {
    this.session.once("close", () => {
      if (!this.closing) listener();
    });
  }

  private request(headers: http2.OutgoingHttpHeaders): http2.ClientHttp2Stream {
    if (this.closed) throw new Error("the workspace runtime is gone");
    return this.session.request(headers);
  }

  private async json<T>(method: string, path: string, body?: Buffer | string): Promise<T> {
    const stream = this.request({ ":method": method, ":path": path });
    stream.end(body);
    const [status, text] = await Promise.all([
      new Promise<number>((resolve, reject) => {
        stream.once("response", (h) => resolve(Number(h[":status"])));
        stream.once("error", reject);
      }),
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        stream.once("error", reject);
      }),
    ]);
    const parsed = text ? JSON.parse(text) : {};
    if (status !== 200) throw new Error(parsed.message ?? `the workspace answered ${status}`);
    return parsed as T;
  }

  /** Runs a command to its end inside the workspace and returns its output (each stream capped at 1 MiB). */
  exec(spec: SpawnSpec & { stdin?: string; timeoutMs?: number }): Promise<ExecResult> {
    return this.json("POST", CHANNEL_PATHS.exec, JSON.stringify({ cwd: this.workspaceDir, ...spec }));
  }

  /** Starts a long-lived command inside the workspace; the handle looks like a child process (Claude Code's SDK takes it as one). */
  spawn(spec: SpawnSpec): RemoteProcess {
    const stream = this.request({ ":method": "POST", ":path": CHANNEL_PATHS.spawn });
    stream.write(JSON.stringify({ cwd: this.workspaceDir, ...spec }) + "\n");
    return new RemoteProcess(stream, (pid, signal) => void this.json("POST", CHANNEL_PATHS.signal, JSON.stringify({ pid, signal })).catch(() => {}));
  }

  /** Ends every process in the workspace but its runtime (a turn that must not go on). */
  stopAll(): Promise<{ stopped: number }> {
    return this.json("POST", CHANNEL_PATHS.stopAll);
  }

  /** A file's text as the workspace's user reads it; null if it cannot. */
  async readFile(file: string): Promise<string | null> {
    return (await this.json<{ text: string | null }>("GET", `${CHANNEL_PATHS.readFile}?${new URLSearchParams({ path: file })}`)).text;
  }

  async diskUsage(): Promise<number> {
    return (await this.json<{ bytes: number }>("GET", CHANNEL_PATHS.diskUsage)).bytes;
  }

  changes(repoDir: string, base: string): Promise<Changes> {
    return this.json("GET", `${CHANNEL_PATHS.changes}?${new URLSearchParams({ repo: repoDir, base })}`);
  }

  /** The repository's state and the coding agent's session files, for a work snapshot (lib/in-workspace/work-snapshot.ts). */
  workSnapshot(request: WorkSnapshotRequest): Promise<WorkSnapshotParts> {
    return this.json("POST", CHANNEL_PATHS.workSnapshot, JSON.stringify(request));
  }

  async upload(name: string, data: Buffer): Promise<string> {
    return (await this.json<{ path: string }>("POST", `${CHANNEL_PATHS.upload}?${new URLSearchParams({ name })}`, data)).path;
  }

  /** A duplex connection to a port on the workspace's own loopback. */
  connect(port: number): Promise<http2.ClientHttp2Stream> {
    const stream = this.request({ ":method": "CONNECT", ":authority": `127.0.0.1:${port}` });
    return new Promise((resolve, reject) => {
      stream.once("response", (h) => (Number(h[":status"]) === 200 ? resolve(stream) : reject(new Error(`cannot connect to port ${port} in the workspace`))));
      stream.once("error", reject);
    });
  }

  /**
   * A port on the agent's loopback that leads to `port` inside the workspace (for clients that
   * speak plain HTTP), by default the same number, so the `Host` a server there checks is its own.
   */
  async forwardPort(port: number, listenOn = port): Promise<{ port: number; close: () => void }> {
    const server = net.createServer((socket) => {
      this.connect(port).then(
        (tunnel) => splice(socket, tunnel),
        () => socket.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(listenOn, "127.0.0.1", resolve));
    return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
  }

  close() {
    this.closing = true;
    this.session.close();
  }
}

/** A command running inside the workspace, shaped like a ChildProcess: stdin, stdout, kill, exit. */
export class RemoteProcess extends EventEmitter {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr = new PassThrough();
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  private ended = false;

  constructor(
    private readonly stream: http2.ClientHttp2Stream,
    private readonly signal: (pid: number, signal: NodeJS.Signals) => void,
  ) {
    super();
    this.stdin = stream;
    this.stdout = new PassThrough();
    stream.on("response", (headers) => {
      const status = Number(headers[":status"]);
      if (status === 200) {
        this.pid = Number(headers["taskyard-pid"]);
        this.emit("spawn");
        stream.pipe(this.stdout as PassThrough);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.once("end", () => {
        const said = Buffer.concat(chunks).toString("utf8");
        this.emit("error", new Error((said && (JSON.parse(said) as { message?: string }).message) || `the workspace answered ${status}`));
        this.finish({ code: 127, signal: null, stderr: "" });
      });
    });
    stream.on("trailers", (trailers) => {
      const raw = trailers["taskyard-exit"];
      if (typeof raw === "string") this.finish(JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as ExitReport);
    });
    // The workspace (or the channel) went away without saying how the command ended.
    stream.on("close", () => this.finish({ code: null, signal: "SIGKILL", stderr: "" }));
    stream.on("error", () => {});
  }

  private finish(report: ExitReport) {
    if (this.ended) return;
    this.ended = true;
    this.exitCode = report.code;
    this.signalCode = report.signal;
    if (report.stderr) this.stderr.write(report.stderr);
    this.stderr.end();
    (this.stdout as PassThrough).end();
    this.emit("exit", report.code, report.signal);
    this.emit("close", report.code, report.signal);
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.ended) return false;
    this.killed = true;
    if (this.pid) this.signal(this.pid, signal);
    else this.stream.close(http2.constants.NGHTTP2_CANCEL);
    if (signal === "SIGKILL") this.stream.close(http2.constants.NGHTTP2_CANCEL);
    return true;
  }
}

/**
 * One forwarded address whose far end is the server over https (the model gateway of a server with
 * TLS): the workspace speaks plain HTTP to it inside its own sandbox, and the agent carries it to
 * the server over TLS, checking the server's certificate against `ca` (the system's CAs without
 * it). The workspace needs no CA of its own, and nothing crosses the network in the clear.
 */
export type TlsRelay = { authority: string; host: string; port: number; ca?: string };

/** The relay for a coding agent's model gateway, when the server is reached over https; its address inside the workspace. */
export function gatewayRelay(serverUrl: string, ca: string | undefined): TlsRelay | undefined {
  const url = new URL(serverUrl);
  if (url.protocol !== "https:") return undefined;
  const port = Number(url.port || 443);
  return { authority: `127.0.0.1:${port}`, host: url.hostname.replace(/^\[|\]$/g, ""), port, ca };
}

function dial(authority: string, relay: TlsRelay | undefined): net.Socket {
  if (relay && authority === relay.authority) {
    const servername = net.isIP(relay.host) ? undefined : relay.host;
    return tls.connect({ host: relay.host, port: relay.port, servername, ...(relay.ca ? { ca: relay.ca } : {}) });
  }
  const { hostname, port } = new URL(`http://${authority}`);
  return net.connect(Number(port), hostname.replace(/^\[|\]$/g, ""));
}

/**
 * The agent's end of the runtime's outward tunnels: only the exact addresses the driver allowed
 * (a model endpoint on the host's loopback, the model gateway) are dialled; anything else is refused.
 */
function serveDialIn(socket: net.Socket, allowed: string[], relay?: TlsRelay) {
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const authority = String(headers[":authority"] ?? "");
    if (headers[":method"] !== "CONNECT" || !allowed.includes(authority)) {
      stream.respond({ ":status": 403 });
      return stream.end();
    }
    const target = dial(authority, relay);
    target.once(target instanceof tls.TLSSocket ? "secureConnect" : "connect", () => {
      stream.respond({ ":status": 200 });
      splice(target, stream);
    });
    target.once("error", () => (stream.headersSent ? stream.close(http2.constants.NGHTTP2_CONNECT_ERROR) : (stream.respond({ ":status": 502 }), stream.end())));
    stream.once("close", () => target.destroy());
  });
  server.on("sessionError", () => {});
  server.emit("connection", socket);
}
