import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// Before lib/env.ts is first read (it is read once): a data dir of this file's own, no key in the environment.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taskyard-secret-box-"));
process.env.TASKYARD_DATA_DIR = dir;
delete process.env.TASKYARD_SECRET_KEY;
delete process.env.TASKYARD_SECRET_KEY_PREVIOUS;

const box = await import("./secret-box");
const { rotateDataDirSecretKey } = await import("./rotate");
const { parseSecretKey } = await import("./secret-key-format");

describe("secret box (AES-256-GCM at rest)", () => {
  beforeAll(() => box.forgetSecretKeys());

  it("makes the data dir's key once, 0600, and seals so that only the same associated data opens", () => {
    const sealed = box.seal("ghp_secret", "git-credential:alice");
    const file = path.join(dir, "secret-key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(fs.readFileSync(file, "utf8"))).toHaveLength(32);
    expect(sealed).not.toContain("ghp_secret");
    expect(box.seal("ghp_secret", "git-credential:alice")).not.toBe(sealed); // a fresh nonce each time
    expect(box.open(sealed, "git-credential:alice")).toBe("ghp_secret");
    expect(() => box.open(sealed, "git-credential:bob")).toThrow();
    const [v, id, iv, tag, data] = sealed.split(":");
    const flipped = Buffer.from(data, "base64");
    flipped[0] ^= 1;
    expect(() => box.open([v, id, iv, tag, flipped.toString("base64")].join(":"), "git-credential:alice")).toThrow();
  });

  it("rotation keeps the previous key until the secrets are re-encrypted, and refuses a second rotation meanwhile", () => {
    const old = box.seal("glpat-1", "a");
    rotateDataDirSecretKey();
    expect(fs.existsSync(path.join(dir, "secret-key.previous"))).toBe(true);
    expect(box.isSealedWithCurrentKey(old)).toBe(false);
    expect(box.open(old, "a")).toBe("glpat-1");
    expect(box.isSealedWithCurrentKey(box.seal("glpat-1", "a"))).toBe(true);
    expect(() => rotateDataDirSecretKey()).toThrow(/rotation is still pending/);
  });

  it("a key is 32 bytes of base64 or hex, nothing else", () => {
    expect(parseSecretKey("ab".repeat(32))).toHaveLength(32);
    expect(parseSecretKey(Buffer.alloc(32, 7).toString("base64"))).toHaveLength(32);
    for (const bad of ["", "short", "ab".repeat(31), Buffer.alloc(31).toString("base64")]) expect(() => parseSecretKey(bad)).toThrow(/32 bytes/);
  });
});
