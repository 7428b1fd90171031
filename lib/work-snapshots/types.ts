import type { GitCredentialAnswer } from "../git";

/**
 * A work snapshot's bytes as a driver restores them (lib/workspaces/driver.ts `restore`): what the
 * server holds for a task (lib/work-snapshots/restore.ts) and what a remote provisioner gets over HTTP.
 */
export type WorkSnapshotBytes = {
  /** The agent's state dir files, gzipped JSON `{relative path: base64}`. */
  agentState: Buffer;
  /** The coding agent's session files, a tar.gz relative to the workspace. */
  brainFiles: Buffer | null;
  /** `git bundle` of `refs/heads/<branch>` (since the base commit when that has parents). */
  bundle: Buffer | null;
  /** `git diff --binary` of the working tree against the branch. */
  diff: Buffer | null;
  headCommit: string | null;
};

/** Where the restored repository comes from: a clone as the first checkout made it (`url`), or, with none, only the bundle. */
export type RestoreRepository = {
  url: string | null;
  credential?: GitCredentialAnswer;
  branch: string;
  baseCommit: string;
  identity: { name: string; email: string };
};

/** The snapshot's bytes as JSON carries them (the provisioner API): each part base64, or null. */
export type WorkSnapshotWire = { [K in keyof WorkSnapshotBytes]: WorkSnapshotBytes[K] extends Buffer | null ? string | null : WorkSnapshotBytes[K] };

const PARTS = ["agentState", "brainFiles", "bundle", "diff"] as const;

export function snapshotToWire(snapshot: WorkSnapshotBytes): WorkSnapshotWire {
  const wire = { headCommit: snapshot.headCommit } as WorkSnapshotWire;
  for (const part of PARTS) (wire as Record<string, string | null>)[part] = snapshot[part]?.toString("base64") ?? null;
  return wire;
}

export function snapshotFromWire(wire: WorkSnapshotWire): WorkSnapshotBytes {
  const snapshot = { headCommit: wire.headCommit } as WorkSnapshotBytes;
  for (const part of PARTS) (snapshot as Record<string, Buffer | null>)[part] = wire[part] === null ? null : Buffer.from(wire[part]!, "base64");
  return snapshot;
}
