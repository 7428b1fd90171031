import { ApiError } from "../api/errors";
import type { UserRole } from "../db/schema";
import { USER_STATUSES, type UserStatus } from "./users";

const ROLES: UserRole[] = ["owner", "admin", "member"];

/** `GET /users`: `q` (username, email or name, literal text), `role` and `status`; anything odd is a 400 naming it. */
export function parseUserListQuery(params: URLSearchParams): { search?: string; role?: UserRole; status?: UserStatus } {
  const q = params.get("q")?.trim() ?? "";
  if (q.includes("\u0000") || q.length > 256) throw ApiError.invalidField("q", "must be plain text up to 256 characters");
  const role = params.get("role") || undefined;
  if (role && !ROLES.includes(role as UserRole)) throw ApiError.invalidField("role", `must be one of ${ROLES.join(", ")}`);
  const status = params.get("status") || undefined;
  if (status && !USER_STATUSES.includes(status as UserStatus)) throw ApiError.invalidField("status", `must be one of ${USER_STATUSES.join(", ")}`);
  return { search: q || undefined, role: role as UserRole | undefined, status: status as UserStatus | undefined };
}
