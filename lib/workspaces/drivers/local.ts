import { spawn } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bubblewrapArgs, SANDBOX_UID, SANDBOX_WORKSPACE, type SandboxKind } from "../../sandbox/bubblewrap";
import { agentEnvironment } from "../../sandbox/environment";
import { env } from "../../env";
import { cloneRepository } from "../../git";
import { localRepositoryPath, localRepositoryProblem } from "../../repo-url";
import { ensureAgentBundle } from "../agent-bundle";
import type { WorkspaceDriver } from "../driver";

/** The outer bwrap ignores SIGTERM, so a stop reaches the agent (pid 1 inside) and the process lives until it has shut down. */
const IGNORE_TERM = ["sh", "-c", 'trap "" TERM INT HUP; exec "$@"', "taskyard-sandbox"];

/** The last line an agent wrote to its log before it ended: "exited with code 1" alone helps nobody. */
async function lastWords(logFile: string, since: number): Promise<string> {
  const handle = await fs.open(logFile, "r").catch(() => null);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    // Only this lifetime's lines: the log is appended to across restarts.
    const length = Math.min(size - since, 2048);
    if (length <= 0) return "";
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const line = buffer.toString("utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("at ")).at(-1) ?? "";
    return line.length > 200 ? `${line.slice(0, 199)}…` : line;
  } finally {
    await handle.close();
  }
}

/**
 * Workspaces as directories under the data dir, agents as detached `taskyard agent` processes (so
 * they outlive a provisioner crash; the provisioner finds them again by pid and agent id), each in
 * a bubblewrap sandbox where the host has one.
 */
export function createLocalDriver(options: { dataDir: string; serverUrl: string; sandbox: SandboxKind; graceMs?: number }): WorkspaceDriver {
  const graceMs = options.graceMs ?? 5000;
  const exits = new Map<string, Promise<string>>();
  const dirOf = (workspaceId: string) => path.join(options.dataDir, "workspaces", workspaceId);
  const sandboxed = options.sandbox === "bubblewrap";
  const dropsToNobody = sandboxed && process.getuid?.() === 0;

  /** A pid is ours only while /proc says it is still running that agent (pids get reused). */
  function isAlive({ agentId, pid }: { agentId: string; pid: number | null }): boolean {
    if (!pid) return false;
    try {
      const cmdline = fsSync.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes(agentId)) return false;
      const stat = fsSync.readFileSync(`/proc/${pid}/stat`, "utf8");
      return !/\) Z /.test(stat); // a zombie has exited already
    } catch {
      return false;
    }
  }

  async function waitGone(agent: { agentId: string; pid: number | null }, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (isAlive(agent)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }

  /** The agent leads its own process group (it is spawned detached): signal all of it. */
  function signalGroup(pid: number, signal: NodeJS.Signals) {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Inside the sandbox the agent is `nobody`: its workspace must be its own to write. */
  async function handOver(dir: string) {
    if (!dropsToNobody) return;
    const { uid } = await fs.stat(dir);
    if (uid === SANDBOX_UID) return;
    const entries = await fs.readdir(dir, { recursive: true });
    await Promise.all([dir, ...entries.map((e) => path.join(dir, e))].map((p) => fs.lchown(p, SANDBOX_UID, SANDBOX_UID)));
  }

  return {
    host: os.hostname(),

    async start({ workspaceId, agentId, agentToken, env }) {
      const dir = dirOf(workspaceId);
      // Created 0700 all the way up: with an external DATABASE_URL this may make the data dir itself.
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await handOver(dir);
      const agentDir = sandboxed ? SANDBOX_WORKSPACE : dir;
      // Plain JavaScript on plain node: tsx would compile the agent's TypeScript in every sandbox, every start.
      const agent = [process.execPath, await ensureAgentBundle(), "agent", "--agent-id", agentId, "--dir", agentDir, "--url", options.serverUrl, "--token-fd", "3"];
      const [command, ...args] = sandboxed ? [...IGNORE_TERM, "bwrap", ...bubblewrapArgs(dir, agent)] : agent;
      const log = fsSync.openSync(path.join(dir, "agent.log"), "a");
      const logStart = fsSync.fstatSync(log).size;
      const child = spawn(command, args, {
        cwd: dir,
        detached: true,
        // The token goes down a pipe, never into the environment: a child's /proc/<pid>/environ would show it.
        stdio: ["ignore", log, log, "pipe"],
        env: agentEnvironment({ home: agentDir, declared: env }),
      });
      fsSync.closeSync(log);
      const tokenPipe = child.stdio[3] as NodeJS.WritableStream | null;
      tokenPipe?.on("error", () => {}); // an agent that died at once; its exit is reported below
      tokenPipe?.end(agentToken);
      exits.set(
        agentId,
        new Promise((resolve) =>
          child.once("exit", (code, signal) => {
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            void lastWords(path.join(dir, "agent.log"), logStart).then((said) => resolve(said ? `${how} (${said})` : how));
          }),
        ),
      );
      child.unref();
      if (!child.pid) throw new Error("could not spawn the agent process");
      return { pid: child.pid, host: os.hostname() };
    },

    async stop(agent) {
      if (!agent.pid || !isAlive(agent)) return;
      signalGroup(agent.pid, "SIGTERM");
      if (!(await waitGone(agent, graceMs))) {
        signalGroup(agent.pid, "SIGKILL");
        await waitGone(agent, 2000);
      }
    },

    async checkout({ workspaceId, ...repository }) {
      const dir = dirOf(workspaceId);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await handOver(dir);
      // A clone cut short by a crash leaves a half repository: start over.
      await fs.rm(path.join(dir, "repo"), { recursive: true, force: true });
      const { TASKYARD_LOCAL_REPO_ROOTS: roots, TASKYARD_GIT_STALL_SECONDS: stallSeconds } = env();
      // Judged again here: the roots may have changed since the task was created.
      const local = localRepositoryPath(repository.url);
      const problem = local && localRepositoryProblem(local, roots);
      if (problem) throw new Error(`Cloning ${repository.url} refused: it ${problem}.`);
      // Without a sandbox git runs as the server's user, who can read whatever an agent could.
      if (!sandboxed) return cloneRepository({ dir, cwd: dir, stallSeconds, ...repository });
      // In the workspace's sandbox, as its user. For a local repository the allowed ROOTS are bound
      // in read-only at their own paths, never the given path: whatever the path or a symlink in it
      // resolves to, git (as the workspace's uid) can reach only inside the roots, with that uid's
      // rights, and nothing on the host resolves the path between the check above and the clone.
      const wrap = (argv: string[]) => ["bwrap", ...bubblewrapArgs(dir, argv, { readOnly: local ? roots : [], dieWithParent: true })];
      return cloneRepository({ dir: SANDBOX_WORKSPACE, cwd: dir, wrap, stallSeconds, ...repository });
    },

    async remove({ workspaceId }) {
      await fs.rm(dirOf(workspaceId), { recursive: true, force: true });
    },

    isAlive,
    exited: (agentId) => exits.get(agentId),
  };
}
