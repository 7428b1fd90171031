import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

describe("openApiDocument", () => {
  it("describes every task route with request bodies taken from the zod schemas", () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    const create = doc.paths["/api/v2/tasks/{user}"].post as { requestBody: { content: { "application/json": { schema: { properties: Record<string, unknown>; required: string[] } } } } };
    const schema = create.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["input", "template_version_id", "template_version_preset_id", "name", "display_name"]));
    expect(schema.required).toEqual(expect.arrayContaining(["input", "template_version_id"]));
    const agentapi = ["status", "messages", "message", "events", "upload"].map((e) => `/api/v2/tasks/{user}/{task}/agentapi/${e}`);
    for (const path of ["/api/v2/tasks/{user}/{task}/pause", "/api/v2/tasks/{user}/{task}/logs/stream", "/api/v2/workspaceagents/me/app-status", ...agentapi]) {
      expect(doc.paths[path]).toBeTruthy();
    }
  });

  it("documents each success body with the schema its serializer is typed by", () => {
    const doc = openApiDocument();
    const get = doc.paths["/api/v2/tasks/{user}/{task}"].get as { responses: Record<string, { content: { "application/json": { schema: { required: string[]; additionalProperties: boolean } } } }> };
    const task = get.responses[200].content["application/json"].schema;
    expect(task.required).toEqual(expect.arrayContaining(["id", "status", "current_state", "usage", "workspace_agent_lifecycle"]));
    expect(task.additionalProperties).toBe(false);
    const stream = doc.paths["/api/v2/tasks/{user}/{task}/logs/stream"].get as { responses: Record<string, { content: Record<string, unknown> }> };
    expect(Object.keys(stream.responses[200].content)).toEqual(["text/event-stream"]);
  });
});
