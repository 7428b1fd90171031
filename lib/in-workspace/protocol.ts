import type http2 from "node:http2";
import type net from "node:net";

/** What crosses the socket pair between the agent and the workspace runtime (HTTP/2, lib/in-workspace/runtime.ts). */
export const CHANNEL_PATHS = {
  exec: "/exec",
  spawn: "/spawn",
  signal: "/signal",
  changes: "/changes",
  upload: "/upload",
  stopAll: "/stop-all",
  diskUsage: "/disk-usage",
  readFile: "/read-file",
  workSnapshot: "/work-snapshot",
} as const;

/** A command to run inside the workspace: argv, its working directory there, its whole environment. */
export type SpawnSpec = { argv: string[]; cwd?: string; env: Record<string, string | undefined> };

export type ExecResult = { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null };

/** How a streamed command ended, sent as its answer's trailer. */
export type ExitReport = { code: number | null; signal: NodeJS.Signals | null; stderr: string };

/** Joins a TCP connection and an HTTP/2 tunnel both ways; either side ending ends the other. */
export function splice(socket: net.Socket, tunnel: http2.Http2Stream) {
  socket.pipe(tunnel);
  tunnel.pipe(socket);
  tunnel.on("error", () => socket.destroy());
  tunnel.on("close", () => socket.destroy());
  socket.on("error", () => tunnel.close());
  socket.on("close", () => tunnel.close());
}
