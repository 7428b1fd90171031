import type { WorkspaceLimits } from "./cgroup";

/**
 * A template's say over its workspaces' sandbox (`sandbox` in its config); every field optional,
 * each with a default that is safe for a coding agent on a shared machine.
 */
export type TemplateSandbox = {
  /** "outbound": the internet through user-mode networking (never the host's loopback); "none": no network at all. */
  network?: "outbound" | "none";
  pids?: number;
  memory_mb?: number;
  /** CPU weight against other workspaces (100 = an equal share). */
  cpu_weight?: number;
  /** Size of the sandbox's private /tmp. */
  tmp_mb?: number;
  /** Disk the workspace may use; past it the agent is told and stops. */
  disk_mb?: number;
};

export type SandboxSettings = { network: "outbound" | "none"; limits: WorkspaceLimits; tmpBytes: number; diskBytes: number };

const MiB = 1024 * 1024;

export const SANDBOX_DEFAULTS = { network: "outbound", pids: 1024, memory_mb: 4096, cpu_weight: 100, tmp_mb: 512, disk_mb: 10240 } as const;

export function sandboxSettings(given: TemplateSandbox | null | undefined): SandboxSettings {
  const s = { ...SANDBOX_DEFAULTS, ...(given ?? {}) };
  return {
    network: s.network === "none" ? "none" : "outbound",
    limits: { pids: s.pids, memoryBytes: s.memory_mb * MiB, cpuWeight: s.cpu_weight },
    tmpBytes: s.tmp_mb * MiB,
    diskBytes: s.disk_mb * MiB,
  };
}
