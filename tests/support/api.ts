import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { TaskyardClient } from "../../lib/sdk/client";

export const baseUrl = () => inject("baseUrl");

export type RawResponse = { status: number; body: any; headers: Headers; text: string };

/** A request exactly as written, for status codes and bad input the SDK would never send. */
export async function raw(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers["Coder-Session-Token"] = options.token;
  let body = options.rawBody;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

export const ownerClient = () => new TaskyardClient({ baseUrl: baseUrl(), token: inject("ownerToken") });

export function uniqueName(prefix: string) {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

export type TestUser = { id: string; username: string; token: string; client: TaskyardClient };

/**
 * A fresh user (password `password-123`) with a token: factories keep test files independent on
 * the shared database. The token is an API key the owner issues for them rather than a sign-in:
 * a sign-in costs a full scrypt hash (N=2^17), and the sign-in itself is tested in auth.test.ts.
 */
export async function createTestUser(role: "member" | "admin" = "member"): Promise<TestUser> {
  const owner = ownerClient();
  const username = uniqueName(role);
  const password = "password-123";
  const user = await owner.createUser({ email: `${username}@example.com`, username, password, role });
  const { key } = await owner.createApiKey(user.id);
  return { id: user.id, username, token: key, client: new TaskyardClient({ baseUrl: baseUrl(), token: key }) };
}

let echoVersion: string | undefined;
export async function echoTemplateVersion(): Promise<string> {
  echoVersion ??= (await ownerClient().templates()).find((t) => t.name === "echo")!.active_version_id;
  return echoVersion;
}
