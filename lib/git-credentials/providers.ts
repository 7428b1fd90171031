import "server-only";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ApiError } from "../api/errors";
import type { DbOrTx } from "../db/client";
import { deleteGitProvider, insertGitProvider, listGitProviders, updateGitProviderSettings } from "../db/queries/git-credentials";
import { findTemplate } from "../db/queries/templates";
import type { GitProvider, GitProviderKind } from "../db/schema";
import { isUuid } from "../validation/common";
import type { CreateGitProviderRequest, UpdateGitProviderRequest } from "../validation/git-credentials";
import type { gitProviderResponse } from "../validation/responses";
import { seal } from "./secret-box";

/**
 * Where a forge's API lives when the owner does not say: github.com's is api.github.com; any other
 * GitHub host is taken to be GitHub Enterprise Server, whose REST API is `https://<host>/api/v3`
 * (GitHub's documented path for GHES; GHE.com data-residency hosts are `api.<host>` and set their own).
 * GitLab (gitlab.com and self-managed alike) answers at `https://<host>/api/v4`. A generic host has
 * no API: nothing is ever asked of it.
 */
export function defaultApiUrl(kind: GitProviderKind, host: string): string {
  if (kind === "github") return host === "github.com" ? "https://api.github.com" : `https://${host}/api/v3`;
  if (kind === "gitlab") return `https://${host}/api/v4`;
  return "";
}

export function toGitProviderResponse(provider: GitProvider): z.output<typeof gitProviderResponse> {
  return {
    id: provider.id,
    kind: provider.kind,
    host: provider.host,
    api_url: provider.apiUrl,
    webhook_secret_set: provider.webhookSecretEncrypted !== null,
    issue_label: provider.issueLabel,
    issue_template_id: provider.issueTemplateId,
    created_at: provider.createdAt.toISOString(),
  };
}

/** The secret is sealed to its provider's row: copied onto another, it does not open. */
export const webhookSecretAad = (providerId: string) => `git-provider:${providerId}`;

async function assertTemplateExists(db: DbOrTx, id: string | null | undefined) {
  if (id && !(await findTemplate(db, { id }))) throw ApiError.invalidField("issue_template_id", "no template with this id");
}

export async function createGitProvider(db: DbOrTx, request: CreateGitProviderRequest): Promise<GitProvider> {
  const apiUrl = request.kind === "generic" ? "" : (request.api_url ?? defaultApiUrl(request.kind, request.host));
  if (request.kind === "generic" && request.api_url) throw ApiError.invalidField("api_url", "a generic provider has no API");
  // Gitbeaker (and GitLab's own clients) address the v4 API below this path.
  if (request.kind === "gitlab" && !/\/api\/v4$/.test(apiUrl)) throw ApiError.invalidField("api_url", "a GitLab API URL ends in /api/v4");
  // The id is chosen here so the webhook secret can be sealed to its row in the same insert.
  const id = randomUUID();
  await assertTemplateExists(db, request.issue_template_id);
  const webhookSecretEncrypted = request.webhook_secret ? seal(request.webhook_secret, webhookSecretAad(id)) : null;
  const row = await insertGitProvider(db, {
    id,
    kind: request.kind,
    host: request.host,
    apiUrl,
    webhookSecretEncrypted,
    issueLabel: request.issue_label,
    issueTemplateId: request.issue_template_id ?? null,
  });
  if (!row) throw ApiError.conflict(`A provider for ${request.host} already exists.`, "Remove it first to change it.");
  return row;
}

export const listProviders = (db: DbOrTx) => listGitProviders(db);

/** The owner's settings of a provider: its webhook secret (null: no inbound deliveries), the issue label and template. */
export async function updateGitProvider(db: DbOrTx, id: string, request: UpdateGitProviderRequest): Promise<GitProvider> {
  if (!isUuid(id)) throw ApiError.notFound();
  await assertTemplateExists(db, request.issue_template_id);
  const row = await updateGitProviderSettings(db, id, {
    ...(request.webhook_secret !== undefined && { webhookSecretEncrypted: request.webhook_secret === null ? null : seal(request.webhook_secret, webhookSecretAad(id)) }),
    ...(request.issue_label !== undefined && { issueLabel: request.issue_label }),
    ...(request.issue_template_id !== undefined && { issueTemplateId: request.issue_template_id }),
  });
  if (!row) throw ApiError.notFound();
  return row;
}

/** Users' credentials for it go with it (they were only ever good for its host). */
export async function removeGitProvider(db: DbOrTx, id: string): Promise<void> {
  if (!(await deleteGitProvider(db, id))) throw ApiError.notFound();
}
