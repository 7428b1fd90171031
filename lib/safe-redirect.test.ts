import { describe, expect, it } from "vitest";
import { safeRedirect } from "./safe-redirect";

const ORIGIN = "http://127.0.0.1:3000";

describe("safeRedirect", () => {
  it("keeps a path on this origin, with its query and fragment", () => {
    expect(safeRedirect("/tasks/alice/fix-bug?tab=changes#top", ORIGIN)).toBe("/tasks/alice/fix-bug?tab=changes#top");
    expect(safeRedirect("/", ORIGIN)).toBe("/");
    expect(safeRedirect(`${ORIGIN}/tasks`, ORIGIN)).toBe("/tasks");
  });

  it("sends everything that leaves the origin, however disguised, to /tasks", () => {
    for (const target of [
      "/\t/evil.com",
      "/%09/evil.com",
      "\t//evil.com",
      "//evil.com",
      "/\\evil.com",
      "\\\\evil.com",
      "/\n/evil.com",
      " //evil.com",
      "https://evil.com/tasks",
      "http://127.0.0.1:3001/tasks",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      // Paths that resolve to one starting with `//`.
      "/.//evil.com",
      "/x/..//evil.com",
      "/%2e//evil.com",
      `${ORIGIN}//evil.com`,
      "/./\\evil.com",
    ]) {
      const result = safeRedirect(target, ORIGIN);
      expect(new URL(result, ORIGIN).origin, JSON.stringify(target)).toBe(ORIGIN);
      if (!target.startsWith("/%09")) expect(result, JSON.stringify(target)).toBe("/tasks");
    }
  });

  it("a scheme-relative oddity the browser reads as a path stays a path here too", () => {
    expect(safeRedirect("http:evil.com", ORIGIN)).toBe("/evil.com");
  });

  it("without a target, or with junk, is /tasks", () => {
    for (const target of [null, undefined, "", "http://[::1"]) expect(safeRedirect(target, ORIGIN)).toBe("/tasks");
  });
});
