import "server-only";
import type { z } from "zod";
import { db, type Db } from "../db/client";
import type { UserRole } from "../db/schema";
import { authenticateToken, SESSION_COOKIE } from "../auth/sessions";
import type { Caller } from "../auth/roles";
import { parseJsonBody } from "./body";
import { ApiError } from "./errors";
import { respondWithError, respondWithProblem } from "./respond";
import { assertCookieSameOrigin, assertSameOrigin } from "./same-origin";

type RouteContext = { params: Promise<Record<string, string | string[]>> };
type Params = Record<string, string>;
type BodyOf<S> = S extends z.ZodType ? z.infer<S> : undefined;

export type PublicArgs<B> = { req: Request; params: Params; body: B; db: Db };
export type AuthedArgs<B> = PublicArgs<B> & { caller: Caller };

type Options<S> = {
  body?: S;
  maxBodyBytes?: number;
  /** `problem`: errors as AgentAPI answers them (`/agentapi/*`), not in Coder's shape. */
  errors?: "problem";
};

async function readParams(ctx: RouteContext | undefined): Promise<Params> {
  const raw = (await ctx?.params) ?? {};
  const params: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = Array.isArray(value) ? value.join("/") : value;
    // A NUL or control byte can never name anything; answering 404 keeps it away from SQL.
    if (/[\u0000-\u001f]/.test(v)) throw ApiError.notFound();
    params[key] = v;
  }
  return params;
}

function cookieToken(req: Request): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== SESSION_COOKIE) continue;
    // A broken %-escape is simply not a valid token (401), not a crash.
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return rest.join("=");
    }
  }
  return undefined;
}

export function tokenFromRequest(req: Request): { token: string; viaCookie: boolean } | null {
  const header = req.headers.get("coder-session-token");
  if (header) return { token: header.trim(), viaCookie: false };
  const authorization = req.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) return { token: authorization.slice(7).trim(), viaCookie: false };
  const cookie = cookieToken(req);
  return cookie ? { token: cookie, viaCookie: true } : null;
}

export async function authenticate(req: Request): Promise<Caller> {
  const found = tokenFromRequest(req);
  if (!found) throw ApiError.unauthorized();
  if (found.viaCookie) assertCookieSameOrigin(req);
  return authenticateToken(db, found.token);
}

/** Unauthenticated routes (first user, login): params, body and errors handled as everywhere else. */
export function withPublic<S extends z.ZodType | undefined = undefined>(
  options: Options<S>,
  handler: (args: PublicArgs<BodyOf<S>>) => Promise<Response>,
) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const params = await readParams(ctx);
      const body = (options.body ? await parseJsonBody(req, options.body, options.maxBodyBytes) : undefined) as BodyOf<S>;
      return await handler({ req, params, body, db });
    } catch (error) {
      return respondWithError(error);
    }
  };
}

/** Every user route: resolves the caller (header, bearer or cookie), checks roles, parses the body. */
export function withAuth<S extends z.ZodType | undefined = undefined>(
  options: Options<S> & { roles?: UserRole[] },
  handler: (args: AuthedArgs<BodyOf<S>>) => Promise<Response>,
) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const caller = await authenticate(req);
      if (options.roles && !options.roles.includes(caller.role)) throw ApiError.forbidden();
      const params = await readParams(ctx);
      const body = (options.body ? await parseJsonBody(req, options.body, options.maxBodyBytes) : undefined) as BodyOf<S>;
      return await handler({ req, params, body, db, caller });
    } catch (error) {
      return options.errors === "problem" ? respondWithProblem(error) : respondWithError(error);
    }
  };
}
