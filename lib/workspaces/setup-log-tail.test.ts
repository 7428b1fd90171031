import { describe, expect, it } from "vitest";
import { SetupLogTail } from "./setup-log-tail";

describe("SetupLogTail", () => {
  it("keeps only the last characters and counts every byte", () => {
    const tail = new SetupLogTail([], 10);
    tail.write("0123456789");
    tail.write(Buffer.from("abcdé"));
    expect(tail.text()).toBe("56789abcdé");
    expect(tail.totalBytes).toBe(16);
  });

  it("replaces secrets, also one split across two writes", () => {
    const tail = new SetupLogTail(["s3cr3t-value"]);
    tail.write("token=s3cr3t-");
    tail.write("value\nagain s3cr3t-value\n");
    expect(tail.text()).toBe("token=[redacted]\nagain [redacted]\n");
  });

  it("shows no part of a secret the cut went through", () => {
    const tail = new SetupLogTail(["ABCDEFGH"], 8);
    tail.write("xxxxxxABCDEFGH");
    tail.write("12345678");
    // The raw tail keeps 16 characters ("ABCDEFGH12345678"); nothing of the secret is shown.
    expect(tail.text()).toBe("12345678");
    const split = new SetupLogTail(["ABCDEFGH"], 8);
    split.write("ABCDEFGH1234");
    split.write("567890ab");
    expect(split.text()).not.toMatch(/[A-H]{2}/);
  });

  it("decodes a character split between two chunks", () => {
    const tail = new SetupLogTail();
    const bytes = Buffer.from("é");
    tail.write(bytes.subarray(0, 1));
    tail.write(bytes.subarray(1));
    expect(tail.text()).toBe("é");
  });

  it("ignores secrets too short to mean anything, and gives the last lines", () => {
    const tail = new SetupLogTail(["on", ""]);
    tail.write("one\n\ntwo\nthree\n");
    expect(tail.text()).toBe("one\n\ntwo\nthree\n");
    expect(tail.lastLines(2)).toBe("two\nthree");
  });
});
