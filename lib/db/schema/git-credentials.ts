import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { templates } from "./templates";
import { users } from "./users";

export const gitProviderKind = pgEnum("git_provider_kind", ["github", "gitlab", "generic"]);

/**
 * Forges the owner configured: the only hosts whose API the server ever calls (no user-chosen
 * URL, so no SSRF), and the only hosts a user's git credential may be for.
 */
export const gitProviders = pgTable(
  "git_providers",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: gitProviderKind().notNull(),
    /** Lower-case host, with its port when not the scheme's default (`git.example.com:8443`). */
    host: text().notNull(),
    apiUrl: text().notNull(),
    /** Encrypted like tokens (lib/git-credentials/secret-box.ts): what a GitHub provider's inbound deliveries are signed with (lib/github-issues). */
    webhookSecretEncrypted: text(),
    /** The issue label that makes a task (GitHub providers with a webhook secret). */
    issueLabel: text().notNull().default("taskyard"),
    /** The template issue tasks use; null: the built-in `claude` (Claude Code). */
    issueTemplateId: uuid().references(() => templates.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("git_providers_host_idx").on(sql`lower(${t.host})`)],
);

/** One token per user and provider; only its ciphertext (AES-256-GCM) and last 4 characters are stored. */
export const gitCredentials = pgTable(
  "git_credentials",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    providerId: uuid()
      .notNull()
      .references(() => gitProviders.id, { onDelete: "cascade" }),
    /** What the forge said the token belongs to (or the given user name for a generic host). */
    login: text().notNull(),
    /** The token's scopes when the forge says (GitHub's `x-oauth-scopes`, GitLab's token info); null when it does not. */
    scopes: text().array(),
    tokenEncrypted: text().notNull(),
    tokenLast4: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("git_credentials_user_provider_idx").on(t.userId, t.providerId), index("git_credentials_provider_idx").on(t.providerId)],
);

export type GitProvider = typeof gitProviders.$inferSelect;
export type GitProviderKind = (typeof gitProviderKind.enumValues)[number];
export type GitCredential = typeof gitCredentials.$inferSelect;
