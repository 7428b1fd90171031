import "server-only";
import type { z } from "zod";
import { db, type Db } from "../db/client";
import { findAgentByTokenHash, type AgentIdentity } from "../db/queries/agents";
import { sha256 } from "../auth/tokens";
import { parseJsonBody } from "./body";
import { ApiError } from "./errors";
import { assertSameOrigin } from "./same-origin";
import { respondWithError } from "./respond";

/**
 * A stopped agent may still upload the snapshot it takes on its way out, as long as no newer agent
 * has started in its workspace (that one's conversation wins). Nothing else: a stopped agent stays off.
 */
function isFinalSnapshot(req: Request, agent: AgentIdentity): boolean {
  return req.method === "POST" && new URL(req.url).pathname.endsWith("/log-snapshot") && agent.is_current;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };
export type AgentArgs<B> = { req: Request; params: Record<string, string>; body: B; db: Db; agent: AgentIdentity };

/** Agent routes accept only agent tokens: a user's session token is a 401 here, and vice versa. */
export function withAgent<S extends z.ZodType | undefined = undefined>(
  options: { body?: S; /** A function when it depends on the environment (read per request, not at import). */ maxBodyBytes?: number | (() => number) },
  handler: (args: AgentArgs<S extends z.ZodType ? z.infer<S> : undefined>) => Promise<Response>,
) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const header = req.headers.get("coder-session-token") ?? req.headers.get("authorization")?.replace(/^bearer\s+/i, "");
      if (!header || !/^[0-9a-f]{64}$/.test(header.trim())) throw ApiError.unauthorized("An agent token is required.");
      const agent = await findAgentByTokenHash(db, sha256(header.trim()));
      if (!agent) throw ApiError.unauthorized("Invalid agent token.");
      // An agent the provisioner has stopped (or replaced) is done: its token no longer works.
      if (agent.lifecycle_state === "off" && !isFinalSnapshot(req, agent)) throw ApiError.unauthorized("This agent has been stopped.");
      const params = Object.fromEntries(Object.entries((await ctx?.params) ?? {}).map(([k, v]) => [k, String(v)]));
      const body = (options.body ? await parseJsonBody(req, options.body, typeof options.maxBodyBytes === "function" ? options.maxBodyBytes() : options.maxBodyBytes) : undefined) as never;
      return await handler({ req, params, body, db, agent });
    } catch (error) {
      return respondWithError(error);
    }
  };
}
