import "server-only";
import type { Db, DbOrTx } from "../db/client";
import { deleteUserSessions, findUserByRef, lockOwners, lockUser, updateUser } from "../db/queries/users";
import type { User, UserRole } from "../db/schema";
import { ApiError } from "../api/errors";
import { isUuid } from "../validation/common";
import { USERNAME_PATTERN } from "../validation/users";
import { forgetKey, forgetUser } from "./caller-cache";
import type { Caller } from "./roles";

/**
 * Who may change whom. Roles are the owner's to give; an admin may suspend and reactivate
 * members, an owner anyone but themselves. Nobody acts on their own account (a slip would lock
 * them out), and at least one active owner always remains.
 */
type Action = "role" | "status";

/** `{user}` in an admin route: an id or a username. */
export async function findTargetUser(db: DbOrTx, ref: string): Promise<User> {
  if (!isUuid(ref) && !USERNAME_PATTERN.test(ref)) throw ApiError.notFound();
  const user = await findUserByRef(db, ref);
  if (!user) throw ApiError.notFound();
  return user;
}

function assertMayChange(actor: Pick<User, "id" | "role" | "status">, target: Pick<User, "id" | "role">, action: Action) {
  if (actor.status !== "active") throw ApiError.forbidden();
  if (actor.id === target.id) throw ApiError.badRequest(action === "role" ? "You cannot change your own role." : "You cannot suspend or reactivate yourself.");
  if (action === "role" && actor.role !== "owner") throw ApiError.forbidden("Only an owner can change roles.");
  if (action === "status" && actor.role !== "owner" && target.role !== "member") throw ApiError.forbidden("Only an owner can suspend or reactivate owners and admins.");
}

/**
 * Runs `change` with every owner row and the target locked, the caller's own role and status
 * read again under the lock: two owners demoting each other at once queue up, and the second
 * finds itself no longer an owner.
 */
async function changeUser(db: Db, caller: Caller, ref: string, action: Action, change: (tx: DbOrTx, target: User) => Promise<User>): Promise<User> {
  const target = await findTargetUser(db, ref === "me" ? caller.id : ref);
  assertMayChange({ id: caller.id, role: caller.role, status: "active" }, target, action);
  const result = await db.transaction(async (tx) => {
    const owners = await lockOwners(tx);
    const actor = await lockUser(tx, caller.id);
    const locked = await lockUser(tx, target.id);
    if (!actor || !locked) throw ApiError.notFound();
    assertMayChange(actor, locked, action);
    const changed = await change(tx, locked);
    const activeOwners = owners.filter((o) => (o.id === changed.id ? changed.role === "owner" && changed.status === "active" : o.status === "active"));
    if (locked.role === "owner" && activeOwners.length === 0) throw ApiError.badRequest("At least one active owner must remain.");
    return changed;
  });
  forgetUser(result.id);
  return result;
}

/** `PUT /users/{user}/roles`: an owner gives another user a role. */
export function changeUserRole(db: Db, caller: Caller, ref: string, role: UserRole): Promise<User> {
  return changeUser(db, caller, ref, "role", (tx, target) => (target.role === role ? Promise.resolve(target) : updateUser(tx, target.id, { role })));
}

/**
 * Suspension stops the user at once: every request checks their status (lib/auth/sessions.ts),
 * their browser and CLI sessions are deleted (after reactivation they sign in again), and their
 * API keys are refused until then. Their tasks keep running (see the README's Users section).
 */
export async function suspendUser(db: Db, caller: Caller, ref: string): Promise<User> {
  let ended: string[] = [];
  const user = await changeUser(db, caller, ref, "status", async (tx, target) => {
    if (target.status === "suspended") return target;
    ended = await deleteUserSessions(tx, target.id);
    return updateUser(tx, target.id, { status: "suspended" });
  });
  ended.forEach(forgetKey);
  return user;
}

/** Back to `active` — or to `invited` for someone who never chose a password (their invite link works again). */
export function activateUser(db: Db, caller: Caller, ref: string): Promise<User> {
  return changeUser(db, caller, ref, "status", (tx, target) => {
    const status = statusAfterReactivation(target);
    return target.status === status ? Promise.resolve(target) : updateUser(tx, target.id, { status });
  });
}

export function statusAfterReactivation(user: Pick<User, "passwordHash">): "active" | "invited" {
  return user.passwordHash ? "active" : "invited";
}
