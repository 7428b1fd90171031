import "server-only";
import type { z } from "zod";
import type { DbOrTx } from "../db/client";
import { latestSetupLog } from "../db/queries/setup-logs";
import type { TaskRow } from "../db/queries/tasks";
import type { taskSetupLogResponse } from "../validation/responses";

/** `GET …/setup-log`: whatever the task's status, the stored log of its newest setup script run. */
export async function getTaskSetupLog(db: DbOrTx, task: TaskRow): Promise<z.output<typeof taskSetupLogResponse>> {
  const row = task.workspace_id ? await latestSetupLog(db, task.workspace_id) : undefined;
  if (!row) return { setup_log: null };
  return {
    setup_log: {
      build_id: row.buildId,
      build_number: row.buildNumber,
      status: row.status,
      exit_code: row.exitCode,
      output: row.output,
      truncated: row.truncated,
      output_bytes: row.outputBytes,
      timeout_seconds: row.timeoutSeconds,
      started_at: row.startedAt.toISOString(),
      finished_at: row.finishedAt?.toISOString() ?? null,
    },
  };
}
