import type { DbOrTx } from "../db/client";
import { pauseIdleTasks } from "../db/queries/auto-pause";
import { logger } from "../logger";
import { startSweep, type Sweep } from "../server/sweep";

/**
 * Idle auto-pause from a web server, for `taskyard server --no-provisioner`: the built-in
 * provisioner sweeps otherwise, and a remote provisioner may hold no database access at all. Every
 * web server may run one: `pauseIdleTasks` queues exactly one stop per idle task however many
 * sweep at once (and the provisioners' sweeps with them). The stop builds wake the provisioners.
 */
export function startIdleAutoPause(db: DbOrTx, everyMs: number): Sweep {
  return startSweep("the idle auto-pause sweep", everyMs, async () => {
    for (const p of await pauseIdleTasks(db)) logger.info({ task: p.task_id, workspace: p.workspace_id, build: p.build_id, idle_seconds: p.idle_seconds }, "pausing an idle task");
  });
}
