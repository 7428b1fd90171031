import "server-only";
import { databaseHealth } from "../db/client";
import { json } from "./respond";

/** `GET /readyz`: 200 only while the database answers (`/healthz` is liveness and never asks it). */
export async function readiness(): Promise<Response> {
  if (await databaseHealth().check()) return json({ status: "ready" });
  return json({ status: "unavailable", reason: "the database does not answer" }, 503, { "retry-after": "2" });
}
