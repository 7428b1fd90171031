import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const loginType = pgEnum("login_type", ["password", "token"]);

/** Session tokens and long-lived API keys alike: `<id>-<secret>`, only sha256(secret) stored. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    hashedSecret: text().notNull(),
    loginType: loginType().notNull(),
    /** What an API key is for (Coder's `token_name`); empty for sessions. */
    name: text().notNull().default(""),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("api_keys_user_idx").on(t.userId),
    uniqueIndex("api_keys_user_name_idx")
      .on(t.userId, sql`lower(${t.name})`)
      .where(sql`${t.name} <> ''`),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
