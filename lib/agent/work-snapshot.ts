import fs from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Brain } from "./brains/types";
import type { createControlPlaneClient, Manifest } from "./control-plane";
import type { WorkspaceChannel } from "./workspace-channel";

/**
 * The agent's side of a work snapshot (README "What survives a lost host"), taken at the end of
 * every turn: its own state (read here: the state dir is the agent's) and, from the workspace
 * runtime, the coding agent's session files and the repository as a bundle plus a diff. Another
 * host rebuilds the workspace from it (lib/work-snapshots/restore.ts).
 */

export const WORK_SNAPSHOT_DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** The agent's state that a resumed agent reads (conversation, prompt, status, the coding agent's session id); `tool-calls/` too. */
const STATE_FILES = ["conversation.json", "prompt.txt", "status.json", "claude-session.json", "acp-session.json"];
const STATE_DIRS = ["tool-calls"];

/**
 * Where each brain's coding agent keeps the session it resumes, in the workspace. Claude Code
 * (directly or through its ACP adapter) keeps transcripts under its config dir, `.claude` there;
 * an AgentAPI command's own state is unknown to us (it restarts with the conversation only), and
 * echo keeps everything in the agent's state.
 */
const SESSION_PATHS: Record<string, string[]> = { "claude-code": [".claude/projects"], acp: [".claude/projects"] };

/** The body of `POST /api/v2/workspaceagents/me/tasks/{task}/work-snapshot` (lib/validation/agents.ts `workSnapshotRequest`). */
export type WorkSnapshotUpload = {
  turn: number;
  brain: string;
  session_id: string | null;
  agent_state: string;
  brain_files: string | null;
  branch: string | null;
  base_commit: string | null;
  head_commit: string | null;
  bundle: string | null;
  diff: string | null;
  dropped: string | null;
};

/** The state dir's files as `{relative path: base64}`, gzipped JSON. */
async function packAgentState(stateDir: string): Promise<Buffer> {
  const files: Record<string, string> = {};
  const add = async (rel: string) => {
    const st = await fs.lstat(path.join(stateDir, rel)).catch(() => null);
    if (st?.isFile()) files[rel] = (await fs.readFile(path.join(stateDir, rel))).toString("base64");
  };
  for (const name of STATE_FILES) await add(name);
  for (const dir of STATE_DIRS) {
    const names = await fs.readdir(path.join(stateDir, dir)).catch(() => [] as string[]);
    for (const name of names) if (name.endsWith(".json")) await add(`${dir}/${name}`);
  }
  return gzipSync(JSON.stringify(files));
}

async function sessionIdOf(stateDir: string): Promise<string | null> {
  for (const name of ["claude-session.json", "acp-session.json"]) {
    const text = await fs.readFile(path.join(stateDir, name), "utf8").catch(() => "");
    const id = text ? (JSON.parse(text) as { session_id?: unknown }).session_id : undefined;
    if (typeof id === "string" && id) return id;
  }
  return null;
}

/**
 * Everything a rebuilt workspace needs to continue after `turn` turns, within `maxBytes`: the
 * conversation first, then the bundle, then the diff (dropped first when it does not fit; the
 * agent's log and `dropped` say so). Never throws for a part it cannot take.
 */
export async function collectWorkSnapshot(input: {
  manifest: Manifest;
  stateDir: string;
  workspace: WorkspaceChannel;
  repoDir: string | null;
  turn: number;
  maxBytes: number;
}): Promise<WorkSnapshotUpload> {
  const { manifest } = input;
  const agentState = await packAgentState(input.stateDir);
  const parts = await input.workspace.workSnapshot({
    repo: input.repoDir,
    base: manifest.repo_base_commit,
    branch: manifest.repo_branch ?? null,
    paths: SESSION_PATHS[manifest.brain] ?? [],
    maxBytes: Math.max(0, input.maxBytes - agentState.length),
  });
  return {
    turn: input.turn,
    brain: manifest.brain,
    session_id: await sessionIdOf(input.stateDir),
    agent_state: agentState.toString("base64"),
    brain_files: parts.files,
    branch: manifest.repo_branch ?? null,
    base_commit: manifest.repo_base_commit,
    head_commit: parts.head_commit,
    bundle: parts.bundle,
    diff: parts.diff,
    dropped: parts.dropped.length ? parts.dropped.join("; ") : null,
  };
}

/**
 * After a turn: takes the snapshot and uploads it, saying in the agent's log what was left out and
 * what it cost. Never fails (a turn is never the worse for it); a server without the route is skipped.
 */
export async function uploadWorkSnapshot(input: {
  server: ReturnType<typeof createControlPlaneClient>;
  manifest: Manifest;
  brain: Brain;
  stateDir: string;
  workspace: WorkspaceChannel;
  repoDir: string | null;
}): Promise<void> {
  const { manifest } = input;
  if (!manifest.task_id || !manifest.work_snapshot_max_bytes) return;
  const started = Date.now();
  try {
    const turn = input.brain.messages().filter((m) => m.role === "user").length;
    const snapshot = await collectWorkSnapshot({ ...input, turn, maxBytes: manifest.work_snapshot_max_bytes });
    const taken = Date.now() - started;
    const body = JSON.stringify(snapshot).length;
    await input.server.workSnapshot(manifest.task_id, snapshot);
    if (snapshot.dropped) process.stderr.write(`taskyard agent: work snapshot of turn ${turn} left out ${snapshot.dropped}\n`);
    process.stderr.write(`taskyard agent: work snapshot of turn ${turn}: ${body} bytes, taken in ${taken} ms, uploaded in ${Date.now() - started - taken} ms\n`);
  } catch (error) {
    process.stderr.write(`taskyard agent: the work snapshot was not uploaded: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
