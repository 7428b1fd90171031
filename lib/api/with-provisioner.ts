import "server-only";
import { z } from "zod";
import { db, type Db } from "../db/client";
import { authenticateProvisionerKey } from "../provisioners/keys";
import { provisionerOfKey } from "../provisioners/daemon-identity";
import type { ProvisionerIdentity } from "../provisioners/daemon-api";
import { PROVISIONER_ID_HEADER } from "../provisioners/remote-store";
import { parseJsonBody } from "./body";
import { ApiError } from "./errors";
import { respondWithError } from "./respond";

type RouteContext = { params: Promise<Record<string, string | string[]>> };
export type ProvisionerKeyHolder = { keyId: string; name: string; tags: Record<string, string> };

function presentedKey(req: Request): string {
  const key = req.headers.get("authorization")?.replace(/^bearer\s+/i, "").trim();
  if (!key) throw ApiError.unauthorized("A provisioner key is required.");
  return key;
}

/**
 * Provisioner API routes accept only provisioner keys (a user's or an agent's token is a 401 here,
 * as a provisioner key is everywhere else). A deleted key is refused on its very next call.
 */
export function withProvisionerKey(handler: (args: { req: Request; db: Db; holder: ProvisionerKeyHolder; body: unknown }) => Promise<Response>, maxBodyBytes?: number) {
  return async (req: Request): Promise<Response> => {
    try {
      const holder = await authenticateProvisionerKey(db, presentedKey(req));
      if (!holder) throw ApiError.unauthorized("This provisioner key is unknown or has been revoked.");
      const body = await parseJsonBody(req, z.unknown(), maxBodyBytes);
      return await handler({ req, db, holder, body });
    } catch (error) {
      return respondWithError(error);
    }
  };
}

/** As withProvisionerKey, for a registered daemon: its registration (`taskyard-provisioner-id`) must be under the key it presents. */
export function withProvisioner(handler: (args: { req: Request; db: Db; identity: ProvisionerIdentity; params: Record<string, string>; body: unknown }) => Promise<Response>, maxBodyBytes?: number) {
  return async (req: Request, ctx?: RouteContext): Promise<Response> => {
    try {
      const holder = await authenticateProvisionerKey(db, presentedKey(req));
      if (!holder) throw ApiError.unauthorized("This provisioner key is unknown or has been revoked.");
      const id = req.headers.get(PROVISIONER_ID_HEADER) ?? "";
      const identity = z.uuid().safeParse(id).success ? await provisionerOfKey(db, id, holder.keyId) : undefined;
      if (!identity) throw ApiError.unauthorized("This provisioner is not registered under this key; register again.");
      const params = Object.fromEntries(Object.entries((await ctx?.params) ?? {}).map(([k, v]) => [k, String(v)]));
      const body = await parseJsonBody(req, z.unknown(), maxBodyBytes);
      return await handler({ req, db, identity, params, body });
    } catch (error) {
      return respondWithError(error);
    }
  };
}
