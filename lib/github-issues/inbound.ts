import "server-only";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import { isJsonContentType } from "../api/body";
import type { Db, Tx } from "../db/client";
import { findIssueTaskByDelivery, findLinkedUsers, findLiveIssueTask, insertIssueComment, insertIssueTask } from "../db/queries/github-issues";
import { findTemplate, listTemplates } from "../db/queries/templates";
import type { GitProvider } from "../db/schema";
import { env } from "../env";
import { httpOrigin } from "../git-credentials/credentials";
import { logger } from "../logger";
import { createTask } from "../tasks/create-task";
import { toDisplayName } from "../tasks/naming";
import {
  githubIssueCommentEvent,
  githubIssuesEvent,
  type GitHubDeliveryResponse,
  type GitHubIssueCommentEvent,
  type GitHubIssuesEvent,
} from "../validation/github-issues";
import { createTaskRequest } from "../validation/tasks";
import { issuePrompt, taskyardCommand } from "./issue-prompt";
import { providersThatSigned } from "./signature";

/** Issue events are a few KB; GitHub caps any payload at 25 MB. An issue body is at most 65536 characters. */
export const MAX_DELIVERY_BYTES = 1024 * 1024;

/** The template issue tasks use when the provider names none. */
export const DEFAULT_ISSUE_TEMPLATE = "claude";

export type Delivery = { event: string | null; deliveryId: string | null; signature: string | null; contentType: string | null; payload: Uint8Array };
export type DeliveryAnswer = { status: 200 | 201; body: GitHubDeliveryResponse };

/** Nothing to do, and why: answered 2xx (GitHub would otherwise show a failure and offer a redelivery that changes nothing). */
class NothingToDo extends Error {
  constructor(
    readonly reason: string,
    readonly outcome: "ignored" | "duplicate" = "ignored",
  ) {
    super(reason);
  }
}

/**
 * A delivery to `POST /api/v2/integrations/github/events`. Signed by a configured GitHub provider
 * or refused (401) before anything is read from it. An `issues` `labeled` event with the provider's
 * label, or an `issue_comment` `created` that starts with `/taskyard`, by a GitHub user linked to
 * a Taskyard account (their saved credential's login), on a repository of that provider, creates a
 * task for its issue — one per issue while it lives; the delivery id, the link and the first
 * comment commit with the task. Anything else is answered 200 with the reason, and logged.
 */
export async function receiveGitHubDelivery(db: Db, delivery: Delivery): Promise<DeliveryAnswer> {
  const text = new TextDecoder("utf-8").decode(delivery.payload);
  const providers = await providersThatSigned(db, text, delivery.signature);
  if (providers.length === 0) {
    throw ApiError.unauthorized("The delivery is not signed with a configured GitHub provider's webhook secret.", "X-Hub-Signature-256 must be the HMAC-SHA256 of the body with the provider's webhook secret.");
  }
  const deliveryId = delivery.deliveryId?.trim() ?? "";
  if (!/^[A-Za-z0-9-]{1,100}$/.test(deliveryId)) throw ApiError.badRequest("X-GitHub-Delivery must be the delivery's id.", [{ field: "X-GitHub-Delivery", detail: "missing or not a delivery id" }]);
  const event = delivery.event ?? "";
  if (!isJsonContentType(delivery.contentType)) throw ApiError.unsupportedMediaType("application/json (the webhook's content type on GitHub)");
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw ApiError.badRequest("The delivery's body is not JSON.", [{ field: "body", detail: "malformed JSON" }]);
  }
  const context = { delivery: deliveryId, event, providers: providers.map((p) => p.host) };
  try {
    if (event === "ping") return { status: 200, body: { outcome: "pong" } };
    const request = await issueRequest(db, event, payload, providers, deliveryId);
    const task = await createIssueTask(db, { ...request, deliveryId });
    logger.info({ ...context, repository: request.repository, issue: request.issueNumber, task: task.id }, "a GitHub issue became a task");
    return { status: 201, body: { outcome: "created", task_id: task.id, task_name: task.name } };
  } catch (error) {
    if (!(error instanceof NothingToDo)) throw error;
    logger.info({ ...context, reason: error.reason }, "GitHub delivery ignored");
    return { status: 200, body: { outcome: error.outcome, reason: error.reason } };
  }
}

type IssueRequest = {
  provider: GitProvider;
  ownerId: string;
  senderLogin: string;
  repository: string;
  cloneUrl: string;
  issueNumber: number;
  prompt: string;
  title: string;
};

function parsed<T extends z.ZodType>(schema: T, payload: unknown, event: string): z.infer<T> {
  const result = schema.safeParse(payload);
  if (!result.success) throw ApiError.fromZod(result.error, `The ${event} delivery is not shaped as GitHub sends it.`);
  return result.data;
}

/** What the delivery asks for, once it is one Taskyard acts on; NothingToDo (with the reason) otherwise. */
async function issueRequest(db: Db, event: string, payload: unknown, providers: GitProvider[], deliveryId: string): Promise<IssueRequest> {
  let body: GitHubIssuesEvent | GitHubIssueCommentEvent;
  let commandPrompt: string | undefined;
  if (event === "issues") {
    body = parsed(githubIssuesEvent, payload, event);
    if (body.action !== "labeled") throw new NothingToDo(`issues action "${body.action}" is not one Taskyard acts on`);
  } else if (event === "issue_comment") {
    const comment = parsed(githubIssueCommentEvent, payload, event);
    body = comment;
    if (comment.action !== "created") throw new NothingToDo(`issue_comment action "${comment.action}" is not one Taskyard acts on`);
    commandPrompt = taskyardCommand(comment.comment.body);
    if (commandPrompt === undefined) throw new NothingToDo("the comment does not start with /taskyard");
    if (comment.issue.pull_request) throw new NothingToDo("the comment is on a pull request, not an issue");
  } else {
    throw new NothingToDo(`event "${event || "(none)"}" is not one Taskyard acts on`);
  }
  if (await findIssueTaskByDelivery(db, deliveryId)) throw new NothingToDo("this delivery was received before", "duplicate");
  // The delivery speaks for the providers whose secret signed it, and only for repositories on their host.
  const host = httpOrigin(body.repository.clone_url)?.host;
  const provider = providers.find((p) => p.host.toLowerCase() === host);
  if (!provider) throw new NothingToDo(`the repository ${body.repository.full_name} is not on a configured GitHub provider that signed this delivery`);
  if (event === "issues") {
    const label = (body as GitHubIssuesEvent).label?.name ?? "";
    if (label.toLowerCase() !== provider.issueLabel.toLowerCase()) throw new NothingToDo(`the label "${label}" is not "${provider.issueLabel}"`);
  }
  const linked = await findLinkedUsers(db, provider.id, body.sender.login);
  if (linked.length === 0) throw new NothingToDo(`the GitHub user ${body.sender.login} is not linked to a Taskyard account (a saved git credential for ${provider.host})`);
  if (linked.length > 1) throw new NothingToDo(`the GitHub user ${body.sender.login} is linked to more than one Taskyard account`);
  return {
    provider,
    ownerId: linked[0].userId,
    senderLogin: body.sender.login,
    repository: body.repository.full_name,
    cloneUrl: body.repository.clone_url,
    issueNumber: body.issue.number,
    title: body.issue.title,
    prompt: issuePrompt(body.issue, commandPrompt, env().TASKYARD_MAX_PROMPT_BYTES),
  };
}

async function issueTemplateVersion(db: Db, provider: GitProvider): Promise<string> {
  const template = provider.issueTemplateId
    ? await findTemplate(db, { id: provider.issueTemplateId })
    : (await listTemplates(db)).find((t) => t.name === DEFAULT_ISSUE_TEMPLATE);
  if (!template?.activeVersionId) throw new NothingToDo(`the issue template (${provider.issueTemplateId ?? DEFAULT_ISSUE_TEMPLATE}) does not exist`);
  return template.activeVersionId;
}

/**
 * The task, its issue's link (with the delivery id) and the issue's first comment, in one
 * transaction: a second delivery for the issue (or this one again) that raced past the checks
 * above meets the link's unique indexes and rolls its task back.
 */
async function createIssueTask(db: Db, request: IssueRequest & { deliveryId: string }) {
  const issue = { providerId: request.provider.id, repository: request.repository, issueNumber: request.issueNumber };
  const live = await findLiveIssueTask(db, issue);
  if (live) throw new NothingToDo(`issue #${request.issueNumber} already has a task`);
  const templateVersionId = await issueTemplateVersion(db, request.provider);
  const withTask = async (tx: Tx, task: { id: string }) => {
    const link = await insertIssueTask(tx, { ...issue, taskId: task.id, deliveryId: request.deliveryId, senderLogin: request.senderLogin });
    if (!link) {
      const duplicate = await findIssueTaskByDelivery(tx, request.deliveryId);
      throw duplicate ? new NothingToDo("this delivery was received before", "duplicate") : new NothingToDo(`issue #${request.issueNumber} already has a task`);
    }
    await insertIssueComment(tx, { issueTaskId: link.id, kind: "task_created" });
  };
  const checked = createTaskRequest.safeParse({
    input: request.prompt,
    template_version_id: templateVersionId,
    display_name: toDisplayName(request.title).slice(0, 64),
    rich_parameter_values: [{ name: "repo_url", value: request.cloneUrl }],
  });
  if (!checked.success) throw new NothingToDo(`the task could not be created: ${checked.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  try {
    return await createTask(db, { ownerId: request.ownerId, initiatorId: request.ownerId, withTask, request: checked.data });
  } catch (error) {
    // The account's limits, a template that cannot run here, a repository URL the server refuses: said to GitHub and the log, not retried.
    if (error instanceof ApiError) throw new NothingToDo(`the task could not be created: ${error.message}${error.extra.validations?.length ? ` (${error.extra.validations.map((v) => v.detail).join("; ")})` : ""}`);
    throw error;
  }
}
