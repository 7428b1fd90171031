import { describe, expect, it } from "vitest";
import { effectiveTags } from "../provisioners/registry";
import { waitingMessage } from "../provisioners/waiting-message";
import { parseTagList, provisionerTags, renderTags } from "./provisioners";

describe("provisioner tags", () => {
  it("parse k=v lists (repeated or comma-joined) and say what is wrong", () => {
    expect(parseTagList(["region=eu", "gpu=true,zone=a-1"])).toEqual({ tags: { region: "eu", gpu: "true", zone: "a-1" } });
    expect(parseTagList([])).toEqual({ tags: {} });
    expect(parseTagList(["region"])).toEqual({ error: '"region" is not k=v' });
    expect(parseTagList(["=eu"])).toEqual({ error: '"=eu" is not k=v' });
    expect(parseTagList(["Region=eu"])).toMatchObject({ error: expect.stringMatching(/^Region: tag names/) });
    expect(parseTagList(["region=e u"])).toMatchObject({ error: expect.stringMatching(/^region: tag values/) });
  });

  it("bound the count and sizes", () => {
    expect(provisionerTags().safeParse(Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, "v"]))).success).toBe(true);
    expect(provisionerTags().safeParse(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`t${i}`, "v"]))).success).toBe(false);
    expect(provisionerTags().safeParse({ ["k".repeat(64)]: "v".repeat(128) }).success).toBe(true);
    expect(provisionerTags().safeParse({ ["k".repeat(65)]: "v" }).success).toBe(false);
    expect(provisionerTags().safeParse({ k: "v".repeat(129) }).success).toBe(false);
  });

  it("render sorted by name, and the waiting message names them", () => {
    expect(renderTags({ zone: "a", gpu: "true", region: "eu" })).toBe("gpu=true,region=eu,zone=a");
    expect(waitingMessage({ region: "eu" })).toBe("waiting for a provisioner with region=eu");
    expect(waitingMessage({})).toBe("waiting for a provisioner");
  });

  it("a key's pinned tags win; asking for others is refused", () => {
    expect(effectiveTags({}, { region: "us" })).toEqual({ region: "us" });
    expect(effectiveTags({ region: "eu" }, {})).toEqual({ region: "eu" });
    expect(effectiveTags({ region: "eu", gpu: "true" }, { region: "eu" })).toEqual({ region: "eu", gpu: "true" });
    expect(() => effectiveTags({ region: "eu" }, { region: "us" })).toThrow(/pins its tags \(region=eu\); the daemon asked for region=us/);
    expect(() => effectiveTags({ region: "eu" }, { gpu: "true" })).toThrow(/gpu=true/);
  });
});
