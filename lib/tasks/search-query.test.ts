import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { parseTaskQuery } from "./search-query";

function problems(q: string) {
  try {
    parseTaskQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect(err.status).toBe(400);
    return err.extra.validations?.map((v) => v.detail) ?? [];
  }
  throw new Error(`expected ${q} to be rejected`);
}

describe("parseTaskQuery", () => {
  it("is empty for blank input", () => {
    expect(parseTaskQuery("")).toEqual({});
    expect(parseTaskQuery("   ")).toEqual({});
    expect(parseTaskQuery(null)).toEqual({});
  });

  it("reads keys case-insensitively and quoted values", () => {
    expect(parseTaskQuery('OWNER:alice Status:Active search:"fix the login" organization:default')).toEqual({
      owner: "alice",
      status: "active",
      search: "fix the login",
      organization: "default",
    });
  });

  it("filters by the agent's current state (the dashboard's Waiting for input tab)", () => {
    expect(parseTaskQuery("state:Idle status:active")).toEqual({ state: "idle", status: "active" });
    expect(problems("state:sleeping")[0]).toContain("sleeping");
  });

  it("treats a bare word as the owner, like Coder", () => {
    expect(parseTaskQuery("me")).toEqual({ owner: "me" });
  });

  it("joins several search terms", () => {
    expect(parseTaskQuery("search:foo search:bar")).toEqual({ search: "foo bar" });
  });

  it("rejects unknown keys, bad statuses, empty values and repeats", () => {
    expect(problems("colour:blue")[0]).toContain("colour");
    expect(problems("status:sleeping")[0]).toContain("sleeping");
    expect(problems('owner:""')[0]).toContain("needs a value");
    expect(problems("owner:a owner:b")[0]).toContain("more than once");
    expect(problems("bob alice")[0]).toContain("more than once");
  });

  it("rejects NUL bytes and absurd lengths", () => {
    expect(problems("owner:a\u0000")[0]).toContain("NUL");
    expect(problems("x".repeat(2000))[0]).toContain("1024");
  });
});
