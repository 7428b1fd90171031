import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { workspaceBuilds, workspaces } from "./workspaces";

export const agentLifecycle = pgEnum("agent_lifecycle", [
  "created",
  "starting",
  "start_timeout",
  "start_error",
  "ready",
  "shutting_down",
  "shutdown_timeout",
  "shutdown_error",
  "off",
]);

/** One agent per start build; its token is one-time: only sha256 of it is stored. */
export const workspaceAgents = pgTable(
  "workspace_agents",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    buildId: uuid()
      .notNull()
      .references(() => workspaceBuilds.id, { onDelete: "cascade" }),
    name: text().notNull().default("main"),
    authTokenHash: text().notNull(),
    /** sha256 of its model-gateway key (derived from its token: lib/auth/tokens.ts `gatewayKeyOf`): the only credential its workspace gets for a model. */
    gatewayKeyHash: text(),
    /**
     * The turn its model calls belong to, as the server counts turns: a new agent starts one (its
     * prompt), and each input the server delivers starts the next. Never the agent's word, so a
     * workspace cannot restart a turn's clock (`max_turn_seconds`).
     */
    turnId: uuid().notNull().defaultRandom(),
    /** When the server last handed it a turn (a send, a delivered input): user activity, which restarts the idle auto-pause clock. */
    turnStartedAt: timestamp({ withTimezone: true }),
    lifecycleState: agentLifecycle().notNull().default("created"),
    /** Where its AgentAPI server listens, e.g. http://127.0.0.1:41234 */
    apiUrl: text(),
    /**
     * The bearer secret its AgentAPI server demands. The server must present it, so unlike the
     * agent token it is stored as is; the agent learns it from its manifest.
     */
    apiSecret: text(),
    /**
     * The certificate (PEM) its AgentAPI port presents when it listens beyond loopback (another
     * host): the server pins it, trusting nothing else for this agent (lib/agents/pinned-tls.ts).
     */
    apiCertificate: text(),
    pid: integer(),
    /** The machine the agent process runs on: its pid only means something there. */
    host: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("workspace_agents_workspace_idx").on(t.workspaceId, t.createdAt),
    index("workspace_agents_build_idx").on(t.buildId, t.createdAt),
    uniqueIndex("workspace_agents_token_idx").on(t.authTokenHash),
    uniqueIndex("workspace_agents_gateway_key_idx").on(t.gatewayKeyHash),
  ],
);

export const appHealth = pgEnum("app_health", ["disabled", "initializing", "healthy", "unhealthy"]);

export const workspaceApps = pgTable(
  "workspace_apps",
  {
    id: uuid().primaryKey().defaultRandom(),
    agentId: uuid()
      .notNull()
      .references(() => workspaceAgents.id, { onDelete: "cascade" }),
    slug: text().notNull(),
    displayName: text().notNull(),
    health: appHealth().notNull().default("initializing"),
  },
  (t) => [index("workspace_apps_agent_idx").on(t.agentId)],
);

export const appStatusState = pgEnum("app_status_state", ["working", "idle", "complete", "failure"]);

export const workspaceAppStatuses = pgTable(
  "workspace_app_statuses",
  {
    id: uuid().primaryKey().defaultRandom(),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid()
      .notNull()
      .references(() => workspaceAgents.id, { onDelete: "cascade" }),
    appId: uuid()
      .notNull()
      .references(() => workspaceApps.id, { onDelete: "cascade" }),
    state: appStatusState().notNull(),
    message: text().notNull().default(""),
    uri: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("workspace_app_statuses_workspace_idx").on(t.workspaceId, t.createdAt)],
);

export type WorkspaceAgent = typeof workspaceAgents.$inferSelect;
export type AgentLifecycle = (typeof agentLifecycle.enumValues)[number];
export type AppHealth = (typeof appHealth.enumValues)[number];
export type AppStatusState = (typeof appStatusState.enumValues)[number];
