import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A Coder-style token `<id>-<secret>`: the id is the row key, only sha256(secret) is stored. */
export function generateApiToken(): { id: string; secret: string; token: string; hashedSecret: string } {
  const id = randomString(10);
  const secret = randomString(22);
  return { id, secret, token: `${id}-${secret}`, hashedSecret: sha256(secret) };
}

export function splitApiToken(token: string): { id: string; secret: string } | null {
  const match = /^([a-zA-Z0-9]{10})-([a-zA-Z0-9]{22})$/.exec(token);
  return match ? { id: match[1], secret: match[2] } : null;
}

export function secretMatches(secret: string, hashedSecret: string): boolean {
  const a = Buffer.from(sha256(secret), "hex");
  const b = Buffer.from(hashedSecret, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Agent tokens are single-purpose random secrets, looked up by their hash; `gatewayKeyHash` is the hash of the key derived from it. */
export function generateAgentToken(): { token: string; hash: string; gatewayKeyHash: string } {
  const token = randomBytes(32).toString("hex");
  return { token, hash: sha256(token), gatewayKeyHash: sha256(gatewayKeyOf(token)) };
}

/**
 * The model gateway's key for an agent, derived from its token (HMAC): the agent hands it to the
 * coding agent in its workspace, where the token itself must never go (it reaches agent routes);
 * the key reaches the gateway alone, and does not reveal the token.
 */
export function gatewayKeyOf(agentToken: string): string {
  return `tyk-${createHmac("sha256", agentToken).update("taskyard model gateway").digest("hex")}`;
}

export const hashGatewayKey = (key: string) => sha256(key);
