import "server-only";
import type { z } from "zod";
import type { TaskRow } from "../db/queries/tasks";
import { findTaskOrThrow } from "../tasks/find-task";
import { withAuth, type AuthedArgs } from "./handler";

/** Task routes: the caller, then `{user}/{task}` resolved once (404 if the caller may not see it). */
export function withTask<S extends z.ZodType | undefined = undefined>(
  options: { body?: S; maxBodyBytes?: number; errors?: "problem" },
  handler: (args: AuthedArgs<S extends z.ZodType ? z.infer<S> : undefined> & { task: TaskRow }) => Promise<Response>,
) {
  return withAuth(options, async (args) => {
    const task = await findTaskOrThrow(args.db, args.caller, args.params.user, args.params.task);
    return handler({ ...args, task });
  });
}
