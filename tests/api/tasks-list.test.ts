import { beforeAll, describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw, uniqueName, type TestUser } from "../support/api";
import { TaskFixture, testSql } from "../support/db";
import { expectValidation } from "../support/expect";

const sql = testSql();

let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let orgId: string;
/** alice's tasks, oldest first. */
const aliceTasks: { id: string; name: string }[] = [];
let bobTask: { id: string; name: string };
const marker = uniqueName("zq");

async function list(user: TestUser, q?: string, extra = "", prefix = "/api/v2") {
  const query = q === undefined ? "" : `q=${encodeURIComponent(q)}`;
  return raw("GET", `${prefix}/tasks?${query}${extra}`, { token: user.token });
}
const ids = (res: { body: { tasks: { id: string }[] } }) => res.body.tasks.map((t) => t.id);

beforeAll(async () => {
  [alice, bob, admin] = await Promise.all([createTestUser(), createTestUser(), createTestUser("admin")]);
  const version = await echoTemplateVersion();
  const inputs = [
    { input: `Add dark mode ${marker}`, display_name: "Dark mode" },
    { input: "Fix 100% CPU usage in the poller", name: `cpu-${marker}` },
    { input: "Write the release notes", display_name: `Release notes ${marker}` },
  ];
  for (const body of inputs) {
    const res = await raw("POST", "/api/v2/tasks/me", { token: alice.token, body: { ...body, template_version_id: version } });
    aliceTasks.push(res.body);
  }
  bobTask = (await raw("POST", "/api/v2/tasks/me", { token: bob.token, body: { input: `Bob's work ${marker}`, template_version_id: version } })).body;
  // Make the newest of alice's tasks look running, so status filters have two different answers.
  const fixture = await TaskFixture.of(sql, aliceTasks[2].id);
  await fixture.running();
  orgId = (await sql`SELECT id FROM organizations WHERE is_default`)[0].id;
});

describe("GET /api/v2/tasks", () => {
  it("lists the caller's tasks newest first with {tasks, count}", async () => {
    const res = await list(alice);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["count", "tasks"]);
    expect(ids(res)).toEqual(aliceTasks.map((t) => t.id).reverse());
    expect(res.body.count).toBe(3);
    const times = res.body.tasks.map((t: { created_at: string }) => Date.parse(t.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("list entries equal what GET task returns", async () => {
    const res = await list(alice);
    for (const entry of res.body.tasks) {
      const one = await raw("GET", `/api/v2/tasks/me/${entry.id}`, { token: alice.token });
      expect(entry).toEqual(one.body);
    }
  });

  it("a member sees only their own tasks; admins see everyone's", async () => {
    expect(ids(await list(bob))).toEqual([bobTask.id]);
    const all = ids(await list(admin, `search:${marker}`));
    expect(all).toEqual(expect.arrayContaining([...aliceTasks.map((t) => t.id), bobTask.id]));
  });

  it("pages with limit and offset while count stays the total", async () => {
    const first = await list(alice, undefined, "&limit=2");
    expect(ids(first)).toEqual([aliceTasks[2].id, aliceTasks[1].id]);
    expect(first.body.count).toBe(3);
    const second = await list(alice, undefined, "&limit=2&offset=2");
    expect(ids(second)).toEqual([aliceTasks[0].id]);
    expect(second.body.count).toBe(3);
    const beyond = await list(alice, undefined, "&limit=2&offset=10");
    expect(ids(beyond)).toEqual([]);
    expect(beyond.body.count).toBe(3);
  });

  it("rejects bad paging values with 400 naming the parameter", async () => {
    for (const [extra, field] of [
      ["&limit=0", "limit"],
      ["&limit=-1", "limit"],
      ["&limit=abc", "limit"],
      ["&limit=1.5", "limit"],
      ["&limit=1001", "limit"],
      ["&offset=-1", "offset"],
      ["&offset=x", "offset"],
      ["&offset=99999999999", "offset"],
    ]) {
      expectValidation(await list(alice, undefined, extra), field);
    }
  });
});

describe("the q language", () => {
  it("owner: by username, id, me; any case; quoted; a bare word is an owner", async () => {
    const expected = aliceTasks.map((t) => t.id).reverse();
    for (const q of [
      `owner:${alice.username}`,
      `owner:${alice.id}`,
      `OWNER:${alice.username.toUpperCase()}`,
      `owner:"${alice.username}"`,
      alice.username,
      `"${alice.username}"`,
    ]) {
      const res = await list(admin, q);
      expect(res.status, q).toBe(200);
      expect(ids(res), q).toEqual(expected);
      expect(res.body.count).toBe(3);
    }
    expect(ids(await list(alice, "owner:me"))).toEqual(expected);
    expect(ids(await list(bob, "owner:me"))).toEqual([bobTask.id]);
  });

  it("a member asking for someone else's tasks gets none", async () => {
    expect((await list(bob, `owner:${alice.username}`)).body).toEqual({ tasks: [], count: 0 });
  });

  it("an owner nobody is answers exactly like one whose tasks the caller cannot see: which usernames exist stays unknown", async () => {
    const ghost = uniqueName("ghost");
    for (const caller of [bob, admin]) {
      for (const [known, unknown] of [
        [`owner:${alice.username}`, `owner:${ghost}`],
        [alice.username, ghost],
        [`owner:${alice.id}`, "owner:00000000-0000-4000-8000-000000000000"],
        [`owner:${alice.username} status:pending`, `owner:${ghost} status:pending`],
      ]) {
        const [k, u] = [await list(caller, known), await list(caller, unknown)];
        expect(u.status, unknown).toBe(200);
        expect(u.body, unknown).toEqual({ tasks: [], count: 0 });
        if (caller === bob) {
          // A member sees none of alice's: both answers are the same, byte for byte.
          expect(u.status).toBe(k.status);
          expect(u.text).toBe(k.text);
          expect(u.headers.get("content-type")).toBe(k.headers.get("content-type"));
        }
      }
    }
  });

  it("organization: by name, id or `default`", async () => {
    for (const org of ["default", orgId, "DEFAULT"]) {
      const res = await list(admin, `owner:${alice.username} organization:${org}`);
      expect(res.status, org).toBe(200);
      expect(res.body.count).toBe(3);
    }
  });

  it("status: filters by derived status, case-insensitively", async () => {
    const pending = await list(alice, "status:pending");
    expect(ids(pending)).toEqual([aliceTasks[1].id, aliceTasks[0].id]);
    expect(pending.body.count).toBe(2);
    expect(ids(await list(alice, "status:ACTIVE"))).toEqual([aliceTasks[2].id]);
    expect((await list(alice, "status:paused")).body).toEqual({ tasks: [], count: 0 });
    expect(ids(await list(admin, `owner:${alice.username} status:active`))).toEqual([aliceTasks[2].id]);
  });

  it("search: matches name, display name and prompt, case-insensitively and literally", async () => {
    expect(ids(await list(alice, `search:"dark MODE"`))).toEqual([aliceTasks[0].id]); // prompt and display name
    expect(ids(await list(alice, `search:cpu-${marker}`))).toEqual([aliceTasks[1].id]); // name
    expect(ids(await list(alice, `search:"Release notes ${marker}"`))).toEqual([aliceTasks[2].id]); // display name
    expect(ids(await list(alice, "search:100%"))).toEqual([aliceTasks[1].id]);
    expect(ids(await list(alice, "search:%"))).toEqual([aliceTasks[1].id]);
    expect((await list(alice, "search:_ark")).body.count).toBe(0);
    expect((await list(alice, `search:${marker} search:nothing-like-this`)).body.count).toBe(0);
    expect(ids(await list(alice, `search:${marker} status:pending`))).toEqual([aliceTasks[1].id, aliceTasks[0].id]);
  });

  it("every problem is a 400 with validations on q", async () => {
    for (const q of [
      "colour:blue",
      "status:sleeping",
      "status:",
      "owner:not/a/user",
      'owner:""',
      "organization:nowhere",
      `owner:${alice.username} owner:${bob.username}`,
      `${alice.username} ${bob.username}`,
      "a:b:c",
      "x\u0000",
      "q".repeat(1025),
    ]) {
      expectValidation(await list(admin, q), "q");
    }
  });

  it("an empty or blank q lists everything visible", async () => {
    expect((await list(alice, "")).body.count).toBe(3);
    expect((await list(alice, "   ")).body.count).toBe(3);
  });

  it("/api/experimental/tasks answers identically", async () => {
    for (const q of [undefined, "status:pending", `search:${marker}`]) {
      const v2 = await list(alice, q);
      const exp = await list(alice, q, "", "/api/experimental");
      expect(exp.status).toBe(200);
      expect(exp.body).toEqual(v2.body);
    }
    const bad = await list(alice, "colour:blue", "", "/api/experimental");
    expect(bad.body).toEqual((await list(alice, "colour:blue")).body);
    expect(bad.status).toBe(400);
  });
});
