import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "../env";
import { parseSecretKey } from "./secret-key-format";

/**
 * Secrets at rest (git tokens, webhook secrets): AES-256-GCM with a 96-bit random nonce, bound to
 * what they belong to (`aad`, e.g. the credential's user), so a database dump alone reveals
 * nothing and a ciphertext copied onto another row does not decrypt.
 *
 * The key is `TASKYARD_SECRET_KEY` (32 bytes, base64 or hex) or, without it, `<data dir>/secret-key`
 * (made once, 0600, root's when run as root). Rotation: the old key is kept as `secret-key.previous`
 * (or `TASKYARD_SECRET_KEY_PREVIOUS`) until `reencryptSecrets` at the next start has rewritten
 * every row under the new one. A ciphertext names its key by a short fingerprint, so either
 * key opens what it sealed.
 */

export const SECRET_KEY_FILE = "secret-key";
export const PREVIOUS_SECRET_KEY_FILE = "secret-key.previous";
const VERSION = "v1";

export type SecretKey = { key: Buffer; id: string };

const fingerprint = (key: Buffer) => createHash("sha256").update("taskyard-secret-key").update(key).digest("hex").slice(0, 8);
/** A key with its fingerprint, as ciphertexts name it. */
export const named = (key: Buffer): SecretKey => ({ key, id: fingerprint(key) });

export type SecretKeys = { current: SecretKey; previous?: SecretKey };

/** Writes a fresh key only if none is there: two processes starting at once end up with the same one. */
function createKeyFile(file: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(temporary, file); // atomic, and fails if another process was first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function readKeyFile(file: string): Buffer | undefined {
  try {
    return parseSecretKey(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

let keys: SecretKeys | undefined;

/** The current key and, during a rotation, the previous one; read once per process. */
export function secretKeys(): SecretKeys {
  if (keys) return keys;
  const { TASKYARD_SECRET_KEY, TASKYARD_SECRET_KEY_PREVIOUS } = env();
  const file = path.join(dataDir(), SECRET_KEY_FILE);
  if (!TASKYARD_SECRET_KEY && !fs.existsSync(file)) {
    fs.mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
    createKeyFile(file);
  }
  const current = TASKYARD_SECRET_KEY ?? readKeyFile(file);
  if (!current) throw new Error(`${file} vanished while it was read`);
  const previous = TASKYARD_SECRET_KEY_PREVIOUS ?? (TASKYARD_SECRET_KEY ? undefined : readKeyFile(path.join(dataDir(), PREVIOUS_SECRET_KEY_FILE)));
  keys = { current: named(current), previous: previous ? named(previous) : undefined };
  return keys;
}

/** For tests and the rotate command: forget the keys read so far. */
export function forgetSecretKeys(): void {
  keys = undefined;
}

export function seal(plaintext: string, aad: string, key: SecretKey = secretKeys().current): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, key.id, iv.toString("base64"), cipher.getAuthTag().toString("base64"), sealed.toString("base64")].join(":");
}

/** Whether a sealed value was sealed with the current key (else the next start re-encrypts it). */
export function isSealedWithCurrentKey(sealed: string, keys: SecretKeys = secretKeys()): boolean {
  return sealed.split(":")[1] === keys.current.id;
}

export class SecretKeyMismatch extends Error {}

export function open(sealed: string, aad: string, keys: SecretKeys = secretKeys()): string {
  const [version, keyId, iv, tag, data] = sealed.split(":");
  if (version !== VERSION || !data) throw new Error("not a sealed secret");
  const { current, previous } = keys;
  const key = [current, previous].find((k) => k?.id === keyId);
  if (!key) throw new SecretKeyMismatch("this secret was sealed with a key this server does not have (TASKYARD_SECRET_KEY or the data dir's secret-key changed)");
  const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}
