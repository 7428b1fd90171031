import { z } from "zod";

/** PostgreSQL text cannot hold NUL; reject it at the edge instead of failing in the database. */
export const text = () => z.string().refine((s) => !s.includes("\u0000"), "must not contain NUL bytes");

export const nonBlankText = (what: string) =>
  text().refine((s) => s.trim().length > 0, `${what} is required`);

/** An http(s) URL of at most 2048 characters, never with credentials or a fragment; a query only where `query` allows it. */
export const httpUrl = ({ query }: { query: boolean }) =>
  text()
    .trim()
    .max(2048, "must be at most 2048 characters")
    .refine((s) => {
      try {
        const url = new URL(s);
        return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password && (query || !url.search) && !url.hash;
      } catch {
        return false;
      }
    }, `must be an http(s) URL without credentials${query ? "" : ", query"} or fragment`);

export const uuid = () => z.uuid({ message: "must be a UUID" });

export function isUuid(value: string): boolean {
  return z.uuid().safeParse(value).success;
}
