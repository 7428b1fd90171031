import { z } from "zod";

/** PostgreSQL text cannot hold NUL; reject it at the edge instead of failing in the database. */
export const text = () => z.string().refine((s) => !s.includes("\u0000"), "must not contain NUL bytes");

export const nonBlankText = (what: string) =>
  text().refine((s) => s.trim().length > 0, `${what} is required`);

export const uuid = () => z.uuid({ message: "must be a UUID" });

export function isUuid(value: string): boolean {
  return z.uuid().safeParse(value).success;
}
