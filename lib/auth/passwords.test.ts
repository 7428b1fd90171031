import { scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from "./passwords";

/** A hash as the previous version stored it (N=2^14). */
function oldHash(password: string) {
  const salt = Buffer.from("0123456789abcdef");
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

describe("passwords", () => {
  it("hashes with scrypt N=2^17, r=8, p=1 (which needs maxmem above Node's default) and verifies", async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsE", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
  }, 30_000);

  it("still verifies a hash of the old cost, and says it needs re-hashing", async () => {
    const hash = oldHash("old password");
    expect(await verifyPassword("old password", hash)).toBe(true);
    expect(await verifyPassword("wrong", hash)).toBe(false);
    expect(needsRehash(hash)).toBe(true);
  });

  it("refuses malformed or absurd stored parameters instead of trying them", async () => {
    for (const stored of ["", "plain", "bcrypt$x", "scrypt$16384$8$1$$", `scrypt$${2 ** 24}$8$1$AAAA$AAAA`, "scrypt$1000$8$1$AAAA$AAAA", "scrypt$16384$0$1$AAAA$AAAA"]) {
      expect(await verifyPassword("x", stored), stored).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});
