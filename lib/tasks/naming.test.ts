import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { generateTaskName, slugFromPrompt, TASK_NAME_PATTERN, toDisplayName, withSuffix } from "./naming";

type Reply = { status?: number; text?: string; body?: unknown } | "hang";
type SeenRequest = { method?: string; url?: string; headers: IncomingMessage["headers"]; body: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of a fake API

const SUFFIX = /-[0-9a-f]{4}$/;
const MODEL = "claude-test-model";

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A local imitation of Anthropic's Messages API that answers every request with `reply`. */
async function fakeAnthropic(reply: Reply) {
  const requests: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : null });
      if (reply === "hang") return;
      const body = reply.body ?? {
        id: "msg_test",
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [{ type: "text", text: reply.text ?? "" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      };
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return { requests, anthropic: { apiKey: "sk-test", baseURL: `http://127.0.0.1:${port}`, model: MODEL } };
}

/** Deterministic PRNG so failures in the randomized test are reproducible. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectValidName(name: string) {
  expect(name).toMatch(TASK_NAME_PATTERN);
  expect(name).toMatch(SUFFIX);
  expect(name.length).toBeLessThanOrEqual(32);
  expect(name).toBe(name.toLowerCase());
  expect(name.startsWith("task-")).toBe(false);
}

describe("generateTaskName with a model", () => {
  it("uses the model's sanitized name and display name", async () => {
    const { requests, anthropic } = await fakeAnthropic({
      text: '{"display_name": "Fix Safari login bug", "task_name": "Fix_Safari Login--Bug"}',
    });
    const result = await generateTaskName("fix the login bug on safari\nmore details", { anthropic });

    expect(result.name).toMatch(/^fix-safari-login-bug-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Fix Safari login bug");
    expect(requests).toHaveLength(1);
    expect(requests[0].method).toBe("POST");
    expect(requests[0].url).toBe("/v1/messages");
    // SDK versions differ on the auth header (x-api-key vs. Bearer); either way the key must arrive.
    expect(`${requests[0].headers["x-api-key"] ?? ""} ${requests[0].headers.authorization ?? ""}`).toContain("sk-test");
    expect(requests[0].body.model).toBe(MODEL);
    expect(requests[0].body.max_tokens).toBe(200);
    expect(requests[0].body.messages).toEqual([{ role: "user", content: "fix the login bug on safari\nmore details" }]);
    expect(JSON.stringify(requests[0].body.system)).toContain("task_name");
  });

  it("extracts JSON wrapped in prose and a code fence", async () => {
    const { anthropic } = await fakeAnthropic({
      text: 'Sure! Here you go:\n```json\n{"display_name": "Add dark mode {beta}", "task_name": "add-dark-mode"}\n```\nHope it helps.',
    });
    const result = await generateTaskName("please add a dark mode toggle", { anthropic });
    expect(result.name).toMatch(/^add-dark-mode-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Add dark mode {beta}");
  });

  it("skips a non-JSON brace before the real object", async () => {
    const { anthropic } = await fakeAnthropic({
      text: 'Use {curly} names: {"display_name": "Bump deps", "task_name": "bump-deps"}',
    });
    const result = await generateTaskName("bump all dependencies", { anthropic });
    expect(result.name).toMatch(/^bump-deps-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Bump deps");
  });

  it("strips a task- prefix from the model's name", async () => {
    const { anthropic } = await fakeAnthropic({ text: '{"display_name": "Refactor auth", "task_name": "task-refactor-auth"}' });
    const result = await generateTaskName("refactor the auth module", { anthropic });
    expect(result.name).toMatch(/^refactor-auth-[0-9a-f]{4}$/);
  });

  it("cuts a long model name at a dash boundary", async () => {
    const { anthropic } = await fakeAnthropic({
      text: '{"display_name": "X", "task_name": "migrate-the-legacy-billing-service-to-postgres"}',
    });
    const result = await generateTaskName("migrate billing", { anthropic });
    expect(result.name).toMatch(/^migrate-the-legacy-billing-[0-9a-f]{4}$/);
    expectValidName(result.name);
  });

  it("falls back to the slug when the model answers junk", async () => {
    const { requests, anthropic } = await fakeAnthropic({ text: "I cannot help with naming today." });
    const result = await generateTaskName("fix the login bug on safari\nmore details", { anthropic });
    expect(requests).toHaveLength(1);
    expect(result.name).toMatch(/^fix-the-login-bug-on-safari-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Fix the login bug on safari");
  });

  it("falls back when the JSON has the wrong shape", async () => {
    const { anthropic } = await fakeAnthropic({ text: '{"title": "Something", "slug": "something"}' });
    const result = await generateTaskName("write release notes", { anthropic });
    expect(result.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Write release notes");
  });

  it("falls back per field when the model's strings are empty or unusable", async () => {
    const empty = await fakeAnthropic({ text: '{"display_name": "", "task_name": ""}' });
    const a = await generateTaskName("write release notes", { anthropic: empty.anthropic });
    expect(a.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
    expect(a.displayName).toBe("Write release notes");

    const generic = await fakeAnthropic({ text: '{"display_name": "Release notes", "task_name": "task-new"}' });
    const b = await generateTaskName("write release notes", { anthropic: generic.anthropic });
    expect(b.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
    expect(b.displayName).toBe("Release notes");
  });

  it("falls back when the model returns no text block", async () => {
    const { anthropic } = await fakeAnthropic({
      body: {
        id: "msg_test",
        type: "message",
        role: "assistant",
        model: MODEL,
        content: [],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    });
    const result = await generateTaskName("write release notes", { anthropic });
    expect(result.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
  });

  it("falls back on HTTP 500 without retrying", async () => {
    const { requests, anthropic } = await fakeAnthropic({
      status: 500,
      body: { type: "error", error: { type: "api_error", message: "boom" } },
    });
    const result = await generateTaskName("write release notes", { anthropic });
    expect(requests).toHaveLength(1);
    expect(result.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Write release notes");
  });

  it("falls back within timeoutMs when the server never answers", async () => {
    const { requests, anthropic } = await fakeAnthropic("hang");
    const started = Date.now();
    const result = await generateTaskName("write release notes", { anthropic, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(requests).toHaveLength(1);
    expect(result.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
  });

  it("falls back when the server is unreachable", async () => {
    const { anthropic } = await fakeAnthropic({ text: "" });
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const result = await generateTaskName("write release notes", { anthropic, timeoutMs: 1000 });
    expect(result.name).toMatch(/^write-release-notes-[0-9a-f]{4}$/);
  });
});

describe("generateTaskName without a model", () => {
  it("uses the prompt slug and first line", async () => {
    const result = await generateTaskName("fix the login bug on safari\nmore details");
    expect(result.name).toMatch(/^fix-the-login-bug-on-safari-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Fix the login bug on safari");
  });

  it("drops a leading task word", async () => {
    const result = await generateTaskName("Task: update the README");
    expect(result.name).toMatch(/^update-the-readme-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Task: update the README");
  });

  it("uses two random words for an emoji-only prompt", async () => {
    const result = await generateTaskName("🚀🔥✨", { random: () => 0 });
    expect(result.name).toBe("brave-badger-0000");
    expect(result.displayName).toBe("🚀🔥✨");
  });

  it("capitalises the random words when the prompt gives no display name", async () => {
    const result = await generateTaskName("  ?!…  ", { random: () => 0 });
    expect(result.name).toBe("brave-badger-0000");
    expect(result.displayName).toBe("Brave badger");
  });

  it("uses random words for an empty or CJK-only prompt", async () => {
    expect((await generateTaskName("")).name).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]{4}$/);
    const cjk = await generateTaskName("修复登录错误");
    expect(cjk.name).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]{4}$/);
    expect(cjk.displayName).toBe("修复登录错误");
  });

  it("never uses a lone generic word", async () => {
    expect((await generateTaskName("Create", { random: () => 0 })).name).toBe("brave-badger-0000");
    expect((await generateTaskName("new", { random: () => 0 })).name).toBe("brave-badger-0000");
  });

  it("keeps a very long prompt within limits", async () => {
    const prompt = "Please investigate why the nightly integration pipeline keeps failing ".repeat(20);
    const result = await generateTaskName(prompt);
    expectValidName(result.name);
    expect(result.name).toMatch(/^please-investigate-why-the-[0-9a-f]{4}$/);
    expect(result.displayName.length).toBeLessThanOrEqual(64);
    expect(result.displayName).toBe("Please investigate why the nightly integration pipeline keeps");
  });

  it("folds diacritics", async () => {
    const result = await generateTaskName("Café crème brûlée für Ångström");
    expect(result.name).toMatch(/^cafe-creme-brulee-fur-[0-9a-f]{4}$/);
    expect(result.displayName).toBe("Café crème brûlée für Ångström");
  });

  it("capitalises the display name's first letter", async () => {
    expect((await generateTaskName("über refactor")).displayName).toBe("Über refactor");
  });

  it("uses the injected random source for the suffix", async () => {
    const result = await generateTaskName("add tests", { random: () => 0.999999 });
    expect(result.name).toBe("add-tests-ffff");
  });
});

describe("slugFromPrompt", () => {
  it("joins lowercase alphanumeric runs", () => {
    expect(slugFromPrompt("Fix: the LOGIN bug (v2.1)!")).toBe("fix-the-login-bug-v2-1");
    expect(slugFromPrompt("don't panic")).toBe("dont-panic");
  });

  it("cuts at a word boundary within 27 characters", () => {
    expect(slugFromPrompt("implement the new billing dashboard for admins")).toBe("implement-the-new-billing");
  });

  it("cuts a single overlong word", () => {
    const slug = slugFromPrompt("Supercalifragilisticexpialidocious is a word");
    expect(slug).toBe("supercalifragilisticexpiali");
    expect(slug).toHaveLength(27);
  });

  it("drops leading task words only", () => {
    expect(slugFromPrompt("task task fix it")).toBe("fix-it");
    expect(slugFromPrompt("tasks list page")).toBe("tasks-list-page");
    expect(slugFromPrompt("add task filters")).toBe("add-task-filters");
    expect(slugFromPrompt("task")).toBeNull();
  });

  it("returns null when nothing usable remains", () => {
    expect(slugFromPrompt("")).toBeNull();
    expect(slugFromPrompt("🎉 !!! ???")).toBeNull();
    expect(slugFromPrompt("日本語のみ")).toBeNull();
  });
});

describe("withSuffix", () => {
  it("appends four lowercase hex digits", () => {
    expect(withSuffix("brave-otter")).toMatch(/^brave-otter-[0-9a-f]{4}$/);
    expect(withSuffix("x", () => 0)).toBe("x-0000");
    expect(withSuffix("x", () => 0.5)).toBe("x-8000");
    expect(withSuffix("x", () => 0.9999999)).toBe("x-ffff");
  });

  it("stays in range for misbehaving random sources", () => {
    expect(withSuffix("x", () => 1)).toBe("x-ffff");
    expect(withSuffix("x", () => -3)).toBe("x-0000");
    expect(withSuffix("x", () => NaN)).toBe("x-0000");
  });
});

describe("toDisplayName", () => {
  it("trims, collapses whitespace and capitalises", () => {
    expect(toDisplayName("  fix   the\tbug  ")).toBe("Fix the bug");
  });

  it("drops trailing punctuation but keeps closing brackets", () => {
    expect(toDisplayName("fix the bug...")).toBe("Fix the bug");
    expect(toDisplayName("fix the bug (safari)")).toBe("Fix the bug (safari)");
  });

  it("cuts to 64 characters on a word boundary", () => {
    const long = "refactor the payment reconciliation job, so that it retries failed transfers nightly";
    const display = toDisplayName(long);
    expect(display).toBe("Refactor the payment reconciliation job, so that it retries");
    expect(display.length).toBeLessThanOrEqual(64);
  });

  it("hard-cuts a single long word without splitting an emoji", () => {
    expect(toDisplayName("a".repeat(100))).toBe("A" + "a".repeat(63));
    const emoji = toDisplayName("x" + "😀".repeat(40));
    expect(emoji.length).toBeLessThanOrEqual(64);
    expect(emoji).toBe("X" + "😀".repeat(31));
  });
});

describe("invariants over random prompts", () => {
  const pools = [
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "     \n\t",
    "-_.,;:!?'\"()[]{}/\\@#$%^&*+=~`|<>",
    "éèüñçåøßÆœ",
    "修复登录错误日本語",
    "😀🚀🔥✨",
  ];
  const words = ["task", "task-", "new", "create", "fix", "Café"];

  function randomPrompt(random: () => number): string {
    const length = Math.floor(random() * 300);
    let out = "";
    while (out.length < length) {
      if (random() < 0.05) out += words[Math.floor(random() * words.length)] + " ";
      const pool = [...pools[Math.floor(random() * pools.length)]];
      out += pool[Math.floor(random() * pool.length)];
    }
    return out;
  }

  it("always yields a valid name and display name", async () => {
    const random = seeded(42);
    for (let i = 0; i < 200; i++) {
      const prompt = randomPrompt(random);
      const result = await generateTaskName(prompt, { random });
      try {
        expectValidName(result.name);
        expect(["new", "create"]).not.toContain(result.name.replace(SUFFIX, ""));
        expect(result.displayName.length).toBeGreaterThan(0);
        expect(result.displayName.length).toBeLessThanOrEqual(64);
        expect(result.displayName).toBe(result.displayName.trim());
      } catch (error) {
        throw new Error(`prompt ${JSON.stringify(prompt)} → ${JSON.stringify(result)}: ${error}`);
      }
      const slug = slugFromPrompt(prompt);
      if (slug !== null) expect(slug.length).toBeLessThanOrEqual(27);
    }
  });
});
