import { z } from "zod";
import { httpUrl, text } from "./common";

/**
 * A forge's host as git URLs name it: lower-case DNS name or IPv4 address, with a port when it is
 * not the scheme's default (`git.example.com:8443`). No scheme, path, user or IPv6 literal.
 */
export const HOST_PATTERN = /^(?=.{1,253}(?::\d+)?$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::([1-9]\d{0,4}))?$/;

export const gitHost = () =>
  text()
    .trim()
    .transform((s) => s.toLowerCase())
    .refine((s) => HOST_PATTERN.test(s) && Number(s.split(":")[1] ?? 1) <= 65535, "must be a host name, optionally with a port (git.example.com:8443)");

export const GIT_PROVIDER_KINDS = ["github", "gitlab", "generic"] as const;

/** http is allowed: only the owner chooses a provider's URL (a lab's own git server), never a member. */
const apiUrl = () => httpUrl({ query: false }).transform((s) => s.replace(/\/+$/, ""));

const webhookSecret = () => text().min(8, "must be at least 8 characters").max(256, "must be at most 256 characters");

/** GitHub's own limit on a label's name is 50 characters; it compares them without regard to case. */
export const DEFAULT_ISSUE_LABEL = "taskyard";
const issueLabel = () =>
  text()
    .trim()
    .min(1, "must not be empty")
    .max(50, "must be at most 50 characters")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters");
const issueTemplateId = () => z.uuid({ message: "must be a template's id" });

export const createGitProviderRequest = z.object({
  kind: z.enum(GIT_PROVIDER_KINDS, { message: "must be github, gitlab or generic" }),
  host: gitHost(),
  api_url: apiUrl().optional(),
  /** Kept encrypted; a GitHub provider's inbound deliveries (issues → tasks) are signed with it. Never shown again. */
  webhook_secret: webhookSecret().optional(),
  /** The label that makes an issue a task (default `taskyard`). */
  issue_label: issueLabel().optional(),
  /** The template issue tasks use (default: the built-in `claude`). */
  issue_template_id: issueTemplateId().optional(),
});

/** `PATCH /api/v2/git-providers/{id}`: only what is given changes; `null` clears the secret (inbound off) or the template (back to the default). */
export const updateGitProviderRequest = z
  .object({
    webhook_secret: webhookSecret().nullable().optional(),
    issue_label: issueLabel().optional(),
    issue_template_id: issueTemplateId().nullable().optional(),
  })
  .strict();

export const createGitCredentialRequest = z.object({
  host: gitHost(),
  token: text()
    .min(1, "token is required")
    .max(4096, "must be at most 4096 characters")
    .refine((s) => !/[\s\u0000-\u001f\u007f]/.test(s), "must not contain whitespace or control characters"),
  /** For a generic provider: the user name git signs in with (default `git`); forges say whose token it is themselves. */
  username: text()
    .max(255, "must be at most 255 characters")
    .refine((s) => !/[\s:@\u0000-\u001f\u007f]/.test(s), "must not contain whitespace, `:`, `@` or control characters")
    .optional(),
});

export type CreateGitProviderRequest = z.infer<typeof createGitProviderRequest>;
export type UpdateGitProviderRequest = z.infer<typeof updateGitProviderRequest>;
export type CreateGitCredentialRequest = z.infer<typeof createGitCredentialRequest>;

/** `POST …/pull-request`: each field optional (title: the task's display name; body: what the task did, with a link back to it). */
export const createPullRequestRequest = z
  .object({
    title: text().trim().min(1, "must not be empty").max(256, "must be at most 256 characters").optional(),
    body: text().max(60_000, "must be at most 60000 characters").optional(),
    draft: z.boolean({ message: "must be true or false" }).optional(),
  })
  .strict();
export type CreatePullRequestRequest = z.output<typeof createPullRequestRequest>;
