import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * What a remote provisioner daemon signs in with (`typk_<id>_<secret>`): only sha256 of the secret
 * is kept. A key may pin tags: every daemon using it then has exactly these (lib/provisioners/registry.ts).
 */
export const provisionerKeys = pgTable("provisioner_keys", {
  id: uuid().primaryKey().defaultRandom(),
  /** Unique on the server (one organization). */
  name: text().notNull().unique(),
  tags: jsonb().$type<Record<string, string>>().notNull().default({}),
  hashedSecret: text().notNull(),
  createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp({ withTimezone: true }),
});

/**
 * The provisioners that registered: the built-in one of `npm start` (no key) and remote daemons.
 * A daemon restarted on the same host with the same key takes its row back. Deleting a key deletes
 * its daemons' rows at once: a revoked host no longer counts as alive anywhere (claims routed to
 * its host fall over to others; the waiting message sees it gone).
 */
export const provisioners = pgTable(
  "provisioners",
  {
    id: uuid().primaryKey().defaultRandom(),
    keyId: uuid().references(() => provisionerKeys.id, { onDelete: "cascade" }),
    /** The machine it runs agents on, as its driver names it (`workspace_agents.host`). */
    host: text().notNull(),
    tags: jsonb().$type<Record<string, string>>().notNull().default({}),
    version: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("provisioners_key_host_key").on(t.keyId, t.host).nullsNotDistinct(), index("provisioners_host_idx").on(t.host, t.lastSeenAt)],
);

export type ProvisionerKey = typeof provisionerKeys.$inferSelect;
export type ProvisionerRow = typeof provisioners.$inferSelect;
