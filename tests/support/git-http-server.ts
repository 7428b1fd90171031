import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** This machine's first non-loopback IPv4 address: workspaces' sandboxes have a network of their own and cannot reach the host's loopback. */
export function hostAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal);
  return found?.address ?? "127.0.0.1";
}

export type GitHttpServer = Awaited<ReturnType<typeof startGitHttpServer>>;

/**
 * A real git server: git's own `git http-backend` (CGI) behind node:http, every request behind
 * HTTP Basic auth (`password` must be `token`; any user name unless `username` is given), holding
 * one private bare repository `<name>.git` with a commit on `main`. Records who asked what.
 */
export async function startGitHttpServer(options: { token: string; username?: string; name?: string; host?: string }) {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "taskyard-git-http-"));
  const name = options.name ?? "private";
  const bare = path.join(root, `${name}.git`);
  const seed = path.join(root, "seed");
  const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
  await fs.mkdir(seed);
  git(seed, "init", "--quiet", "--initial-branch", "main");
  await fs.writeFile(path.join(seed, "README.md"), "# private\n");
  git(seed, "add", ".");
  git(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "first");
  git(root, "clone", "--quiet", "--bare", seed, bare);
  git(bare, "config", "http.receivepack", "true");
  // Readable by a sandbox's unprivileged user when the test runs as root is not needed: only the backend (this process's user) reads it.
  const requests: { method: string; url: string; user: string | null; status: number }[] = [];

  const server = http.createServer((req, res) => {
    const header = req.headers.authorization ?? "";
    const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const user = colon >= 0 ? decoded.slice(0, colon) : null;
    const password = colon >= 0 ? decoded.slice(colon + 1) : null;
    const ok = password === options.token && (!options.username || user === options.username);
    const record = (status: number) => requests.push({ method: req.method ?? "", url: req.url ?? "", user, status });
    if (!ok) {
      record(401);
      res.writeHead(401, { "www-authenticate": 'Basic realm="taskyard-test"', "content-type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://x");
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        PATH: "/usr/bin:/bin",
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        REMOTE_USER: user ?? "",
        REMOTE_ADDR: req.socket.remoteAddress ?? "",
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let sent = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (sent) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const i = line.indexOf(":");
        const key = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (key === "status") status = Number(value.split(" ")[0]);
        else headers[key] = value;
      }
      record(status);
      res.writeHead(status, headers);
      sent = true;
      res.write(head.subarray(end + 4));
    });
    cgi.on("close", () => {
      if (!sent) {
        record(500);
        res.writeHead(500);
      }
      res.end();
    });
  });
  const host = options.host ?? hostAddress();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  return {
    origin,
    /** `host:port`, as a provider names it. */
    host: `${host}:${port}`,
    url: `${origin}/${name}.git`,
    bare,
    requests,
    /** The bare repository's branches. */
    branches: () => git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads").trim().split("\n"),
    /** `git log` in the bare repository. */
    log: (ref = "main") => git(bare, "log", "--format=%H %s", ref),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
