import { spawn } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { WorkspaceDriver } from "../driver";

const BIN = path.resolve(import.meta.dirname, "../../../bin/taskyard.mjs");

/**
 * Workspaces as directories under the data dir, agents as detached `taskyard agent` processes (so
 * they outlive a provisioner crash; the provisioner finds them again by pid and agent id).
 */
export function createLocalDriver(options: { dataDir: string; serverUrl: string; graceMs?: number }): WorkspaceDriver {
  const graceMs = options.graceMs ?? 5000;
  const exits = new Map<string, Promise<string>>();
  const dirOf = (workspaceId: string) => path.join(options.dataDir, "workspaces", workspaceId);

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

  return {
    host: os.hostname(),

    async start({ workspaceId, agentId, agentToken }) {
      const dir = dirOf(workspaceId);
      await fs.mkdir(dir, { recursive: true });
      const log = fsSync.openSync(path.join(dir, "agent.log"), "a");
      const child = spawn(process.execPath, [BIN, "agent", "--agent-id", agentId, "--dir", dir, "--url", options.serverUrl], {
        cwd: dir,
        detached: true,
        stdio: ["ignore", log, log],
        env: { ...process.env, TASKYARD_AGENT_TOKEN: agentToken, TASKYARD_PROCESS: "agent", DATABASE_URL: "" },
      });
      fsSync.closeSync(log);
      exits.set(
        agentId,
        new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`))),
      );
      child.unref();
      if (!child.pid) throw new Error("could not spawn the agent process");
      return { pid: child.pid, host: os.hostname() };
    },

    async stop(agent) {
      if (!agent.pid || !isAlive(agent)) return;
      process.kill(agent.pid, "SIGTERM");
      if (!(await waitGone(agent, graceMs))) {
        process.kill(agent.pid, "SIGKILL");
        await waitGone(agent, 2000);
      }
    },

    async remove({ workspaceId }) {
      await fs.rm(dirOf(workspaceId), { recursive: true, force: true });
    },

    isAlive,
    exited: (agentId) => exits.get(agentId),
  };
}
