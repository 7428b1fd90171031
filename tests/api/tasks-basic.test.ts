import { describe, expect, it } from "vitest";
import { createTestUser, echoTemplateVersion, raw } from "../support/api";

describe("tasks: create, get, list, delete", () => {
  it("creates a pending task with a generated name and finds it by id and by name", async () => {
    const alice = await createTestUser();
    const task = await alice.client.createTask({ input: "Fix the login bug on Safari", template_version_id: await echoTemplateVersion() });
    expect(task.status).toBe("pending");
    expect(task.name).toMatch(/^fix-the-login-bug-on-safari-[0-9a-f]{4}$/);
    expect(task.display_name).toBe("Fix the login bug on Safari");
    expect(task.template_icon).toBe("/icon/echo.svg");
    expect(task.owner_name).toBe(alice.username);

    expect((await alice.client.task("me", task.id)).id).toBe(task.id);
    expect((await alice.client.task(alice.username, task.name.toUpperCase())).id).toBe(task.id);
    const list = await alice.client.tasks();
    expect(list.tasks.map((t) => t.id)).toEqual([task.id]);
    expect(list.count).toBe(1);

    const del = await raw("DELETE", `/api/v2/tasks/me/${task.id}`, { token: alice.token });
    expect(del.status).toBe(202);
    expect((await raw("GET", `/api/v2/tasks/me/${task.id}`, { token: alice.token })).status).toBe(404);
    expect((await alice.client.tasks()).count).toBe(0);
  });
});
