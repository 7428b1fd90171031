import { describe, expect, it } from "vitest";
import type { CommentContext } from "../db/queries/github-issues";
import { issueCommentText } from "./comment-text";

const context: CommentContext = {
  repository: "acme/app",
  issue_number: 12,
  task_id: "0b6f1f7e-0000-4000-8000-000000000000",
  task_name: "fix-login-3f2a",
  display_name: "Fix [login] bug",
  owner_id: "0b6f1f7e-0000-4000-8000-000000000001",
  owner_name: "alice",
  pull_request_url: null,
  event_type: null,
  state_message: null,
  provider_host: "github.com",
  provider_api_url: "https://api.github.com",
};
const url = "https://taskyard.example.com/tasks/alice/fix-login-3f2a";

describe("issueCommentText", () => {
  it("links the task by a display name that cannot end the link early", () => {
    expect(issueCommentText("task_created", context, url)).toBe(`Taskyard started a task for this issue: [Fix  login  bug](${url}) (as alice).`);
  });

  it("names the pull request, and says how the task failed with its last status, quoted on one line, mentions defused", () => {
    expect(issueCommentText("pull_request", { ...context, pull_request_url: "https://github.com/acme/app/pull/3" }, url)).toBe(
      `The Taskyard task [Fix  login  bug](${url}) opened a pull request: https://github.com/acme/app/pull/3`,
    );
    expect(issueCommentText("failed", { ...context, event_type: "task.failed", state_message: "Tests fail:\n@octocat look" }, url)).toBe(
      `The Taskyard task [Fix  login  bug](${url}) reports that it failed.\n\n> Tests fail: @\u200boctocat look`,
    );
    expect(issueCommentText("failed", { ...context, event_type: "task.error" }, url)).toBe(`The Taskyard task [Fix  login  bug](${url}) stopped with an error.`);
  });

  it("never starts with /taskyard (Taskyard's own comment must not ask for a task)", () => {
    for (const kind of ["task_created", "pull_request", "failed"] as const) expect(issueCommentText(kind, { ...context, display_name: "/taskyard again" }, url)).not.toMatch(/^\s*\/taskyard/);
  });
});
