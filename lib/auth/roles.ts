import type { UserRole } from "../db/schema";

export type Caller = { id: string; username: string; email: string; role: UserRole; apiKeyId: string };

/** owner and admin see every task and user; a member sees only their own. */
export function canReadAll(caller: Pick<Caller, "role">): boolean {
  return caller.role === "owner" || caller.role === "admin";
}

export function canActFor(caller: Pick<Caller, "id" | "role">, ownerId: string): boolean {
  return caller.id === ownerId || canReadAll(caller);
}
