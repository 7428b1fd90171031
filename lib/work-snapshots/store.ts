import "server-only";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import type { Db } from "../db/client";
import type { AgentIdentity } from "../db/queries/agents";
import { upsertWorkSnapshot } from "../db/queries/work-snapshots";
import { env } from "../env";
import type { workSnapshotRequest } from "../validation/agents";

const bytes = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, "base64"));

/** An agent's work snapshot after a turn, for its own task only (someone else's is a 404), replacing the last one. */
export async function storeWorkSnapshot(db: Db, agent: AgentIdentity, taskId: string, body: z.infer<typeof workSnapshotRequest>) {
  if (!agent.task_id || agent.task_id !== taskId) throw ApiError.notFound();
  const parts = { agentState: bytes(body.agent_state)!, brainFiles: bytes(body.brain_files), bundle: bytes(body.bundle), diff: bytes(body.diff) };
  const totalBytes = Object.values(parts).reduce((n, b) => n + (b?.length ?? 0), 0);
  const max = env().TASKYARD_WORK_SNAPSHOT_MAX_BYTES;
  if (totalBytes > max) throw ApiError.tooLarge(max);
  await upsertWorkSnapshot(db, {
    taskId,
    turn: body.turn,
    brain: body.brain,
    sessionId: body.session_id,
    ...parts,
    branch: body.branch,
    baseCommit: body.base_commit,
    headCommit: body.head_commit,
    dropped: body.dropped,
    totalBytes,
  });
}
