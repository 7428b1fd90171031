import postgres from "postgres";
import { logger } from "../logger";

/** Error codes that mean "no database to talk to", not "this query was wrong". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, recovering)
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** The innermost cause: drizzle wraps the driver's error in one whose message holds the SQL and its parameters. */
function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5 && e instanceof Error && e.cause; i++) e = e.cause;
  return e;
}

export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (rootCause(error) as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && UNREACHABLE.has(code);
}

/** What went wrong, for a log line: the driver's own message and code, never the query or its parameters. */
export function describeDatabaseError(error: unknown): { code?: string; message: string } {
  const cause = rootCause(error) as { code?: string; message?: string } | undefined;
  const message = cause?.message ?? String(cause);
  return { code: cause?.code, message: /^Failed query:/.test(message) ? "query failed" : message };
}

export class DatabaseUnavailableError extends Error {
  constructor() {
    super("The database is unavailable.");
  }
}

/**
 * Whether this process can reach its database, as it last found out. Once a query fails for lack
 * of a database, callers are refused at once (no queue of requests waiting on reconnects) while a
 * single probe asks every 500 ms; each change is logged once.
 */
export class DatabaseHealth {
  private unreachableSince: number | undefined;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly log = logger,
  ) {}

  get available(): boolean {
    return this.unreachableSince === undefined;
  }

  /** Throws while the database is known to be unreachable. */
  assertAvailable(): void {
    if (!this.available) throw new DatabaseUnavailableError();
  }

  /** Tells the tracker about a failure; true if it was the database being unreachable. */
  observe(error: unknown): boolean {
    if (!isDatabaseUnreachable(error)) return false;
    if (error instanceof DatabaseUnavailableError || !this.available) return true;
    this.unreachableSince = Date.now();
    this.log.error(describeDatabaseError(error), "the database is unreachable; answering 503 until it is back");
    this.probe = setInterval(() => void this.check(), 500);
    this.probe.unref();
    return true;
  }

  /** Asks the database directly (one short-lived connection, 1 s at most). */
  async check(): Promise<boolean> {
    const sql = postgres(this.url, { max: 1, connect_timeout: 1, idle_timeout: 1, onnotice: () => {} });
    const ok = await sql`select 1`.then(() => true, () => false);
    await sql.end({ timeout: 1 }).catch(() => {});
    if (ok && !this.available) {
      this.log.info({ downMs: Date.now() - this.unreachableSince! }, "the database is reachable again");
      this.unreachableSince = undefined;
      clearInterval(this.probe);
    }
    return ok;
  }
}
