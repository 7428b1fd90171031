import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { templates, templateVersions } from "./templates";
import { users } from "./users";

export type WorkspaceRepo = { url: string; base_ref: string; base_commit: string; branch: string };

/**
 * Each workspace runs as a uid of its own (its agent as the next one), so per-uid limits and file
 * ownership keep workspaces apart: two apart, above any uid a distribution hands out, from a point
 * each database picks at random (migration 0011), so two instances on one host do not share uids.
 */
export const workspaceUids = pgSequence("workspace_uid_seq", { startWith: 200000, increment: 2, minValue: 200000, maxValue: 2000000000 });

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    ownerId: uuid()
      .notNull()
      .references(() => users.id),
    templateId: uuid()
      .notNull()
      .references(() => templates.id),
    name: text().notNull(),
    /** The task's repository as checked out at its first start: null for a workspace without one. */
    repo: jsonb().$type<WorkspaceRepo>(),
    /** The uid its workspace runs as; its agent runs as uid + 1. */
    uid: integer().notNull().default(sql`nextval('workspace_uid_seq')`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("workspaces_owner_name_idx")
      .on(t.ownerId, sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} IS NULL`),
  ],
);

export const buildTransition = pgEnum("build_transition", ["start", "stop", "delete"]);
export const jobStatus = pgEnum("job_status", [
  "pending",
  "running",
  "succeeded",
  "failed",
  "canceling",
  "canceled",
]);

/** A build is also its provisioner job: claimed with FOR UPDATE SKIP LOCKED under a lease. */
export const workspaceBuilds = pgTable(
  "workspace_builds",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    buildNumber: integer().notNull(),
    transition: buildTransition().notNull(),
    /** Who asked for it: `initiator` (a person), `autostart` (a restart reconciling), `autostop` (idle auto-pause). */
    reason: text().notNull().default("initiator"),
    /** An `autostop`: the idle time (its task's `auto_pause_after_idle`) after which the provisioner paused it. */
    idleSeconds: integer(),
    templateVersionId: uuid()
      .notNull()
      .references(() => templateVersions.id),
    initiatorId: uuid().references(() => users.id),
    jobStatus: jobStatus().notNull().default("pending"),
    jobError: text().notNull().default(""),
    /**
     * A pending start build no live provisioner can take: the tags it requires (`{}`: none), written
     * by the server's sweep (lib/provisioners/waiting.ts) and cleared when one can or it is claimed.
     * The task says so in its state ("waiting for a provisioner with region=eu").
     */
    waitingFor: jsonb().$type<Record<string, string>>(),
    leaseOwner: text(),
    leaseExpiresAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("workspace_builds_number_idx").on(t.workspaceId, t.buildNumber),
    index("workspace_builds_queue_idx")
      .on(t.createdAt)
      .where(sql`${t.jobStatus} IN ('pending', 'running')`),
  ],
);

export type Workspace = typeof workspaces.$inferSelect;
export type WorkspaceBuild = typeof workspaceBuilds.$inferSelect;
export type BuildTransition = (typeof buildTransition.enumValues)[number];
export type JobStatus = (typeof jobStatus.enumValues)[number];
