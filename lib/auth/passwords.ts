import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { ApiError } from "../api/errors";
import { BusyError, Semaphore } from "../semaphore";

/** OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB of memory for each hash). */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
/** Stored hashes carry their own cost; nothing we ever wrote goes past this, so nothing may make us try. */
const MAX_N = 2 ** 20;

/**
 * scrypt runs on libuv's thread pool (4 threads), which file and DNS work share: two hashes at a
 * time leave the rest of the process its threads, and a flood waits in a short line or is told
 * "busy" at once instead of stalling every other request.
 */
const slots = new Semaphore(2, 16);

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // Node refuses anything over 32 MiB unless told (then every hash at N=2^17 would be an error):
  // allow what these parameters need (128·N·r, plus the p blocks) with room to spare.
  const maxmem = 2 * 128 * options.N! * options.r! + 1024 * 1024;
  return slots
    .run(() => new Promise<Buffer>((resolve, reject) => scrypt(password, salt, KEY_LENGTH, { ...options, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))))
    .catch((error) => {
      if (error instanceof BusyError) throw ApiError.busy("Too many sign-ins at once; try again in a moment.");
      throw error;
    });
}

/** `scrypt$N$r$p$salt$hash`, base64 parts: self-describing so the cost can rise later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS);
  return ["scrypt", SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

function parseHash(stored: string) {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== "scrypt" || !salt || !hash) return null;
  if (!Number.isInteger(params.N) || params.N < 2 || params.N > MAX_N || (params.N & (params.N - 1)) !== 0) return null;
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > 32 || !Number.isInteger(params.p) || params.p < 1 || params.p > 16) return null;
  return { params, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.params);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** A hash made with other parameters than today's: re-hashed at the owner's next successful sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.N !== SCRYPT_PARAMS.N || parsed.params.r !== SCRYPT_PARAMS.r || parsed.params.p !== SCRYPT_PARAMS.p;
}

/** Hash of a password nobody has, at today's cost: a login for an unknown email costs the same as a real one. */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA==$` + Buffer.alloc(64).toString("base64");
