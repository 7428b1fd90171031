import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/*
 * State that used to live in one web process's memory and must be shared by every web server on
 * the database (README: "Several web servers").
 */

/**
 * Sign-in failures within the throttle's window (lib/auth/login-throttle.ts), and tries under way
 * (`pending`): one count for every web server. Rows older than the window are purged as failures
 * are recorded.
 */
export const loginFailures = pgTable(
  "login_failures",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    /** The email as typed, trimmed and lower-cased. */
    account: text().notNull(),
    /** The client address (lib/api/client-address.ts). */
    address: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
    /** A try still being checked: counts against the address's limits until it ends (a crashed server's, until the window passes). */
    pending: boolean().notNull().default(false),
    /** Cleared by a success of the account from another address: it no longer slows the account down. */
    slowsAccount: boolean().notNull().default(true),
  },
  (t) => [index("login_failures_address_idx").on(t.address, t.at), index("login_failures_account_idx").on(t.account, t.at), index("login_failures_at_idx").on(t.at)],
);

/**
 * One row per live event stream (lib/tasks/stream-slots.ts): a user's places across every web
 * server. The server holding it renews `expires_at` while the stream runs, so a server that dies
 * leaks its places only until they expire.
 */
export const streamSlots = pgTable(
  "stream_slots",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index("stream_slots_user_idx").on(t.userId, t.expiresAt)],
);

/**
 * The first-run setup code (lib/server/first-run.ts): made by the first server to start on an
 * empty database, read by every other, so `/setup?code=…` works whichever server answers. One row.
 */
export const firstRunSetup = pgTable(
  "first_run_setup",
  {
    singleton: boolean().primaryKey().default(true),
    code: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("first_run_setup_one_row", sql`${t.singleton}`)],
);

/**
 * Bumped at commit by every write that can change who a token is or whether it still works (the
 * writes drizzle/0006_auth_change_notify.sql announces; deferred triggers of the migration that
 * made this table). A web server trusts a caller it remembers only while this still reads as it
 * did when the caller was looked up: one tiny read instead of the key lookup, and a revocation or
 * suspension committed through any server is refused by every other on its very next request —
 * which a notification alone cannot promise (it may arrive a moment after that request).
 */
export const authVersion = pgTable(
  "auth_version",
  {
    singleton: boolean().primaryKey().default(true),
    version: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [check("auth_version_one_row", sql`${t.singleton}`)],
);
