/** 32 bytes written as base64 (44 characters) or hex (64); anything else is refused with a reason. */
export function parseSecretKey(text: string): Buffer {
  const value = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, "base64") : undefined;
  if (!bytes || bytes.length !== 32) throw new Error("must be 32 bytes, written as base64 or hex");
  return bytes;
}
