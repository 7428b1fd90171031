import "server-only";
import type { DbOrTx } from "../db/client";
import { selectPromptsByBuildIds } from "../db/queries/tasks";
import { ApiError } from "../api/errors";
import { canReadAll, type Caller } from "../auth/roles";
import { isUuid } from "../validation/common";

export async function promptsByBuildIds(db: DbOrTx, caller: Caller, param: string | null): Promise<Record<string, string>> {
  const ids = (param ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) return {};
  if (ids.length > 100) throw ApiError.invalidField("build_ids", "at most 100 build ids");
  const bad = ids.find((id) => !isUuid(id));
  if (bad !== undefined) throw ApiError.invalidField("build_ids", `"${bad.slice(0, 40)}" is not a UUID`);
  const rows = await selectPromptsByBuildIds(db, ids, canReadAll(caller) ? undefined : caller.id);
  return Object.fromEntries(rows.map((r) => [r.build_id, r.prompt]));
}
