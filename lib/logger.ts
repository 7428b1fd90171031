import pino from "pino";
import pretty from "pino-pretty";
import { env } from "./env";
import { REDACT_PATHS, redactError } from "./log-redaction";

/** JSON lines, or readable ones for a person at a terminal. */
const destination: pino.DestinationStream = process.stdout.isTTY
  ? pretty({ colorize: true, sync: true, ignore: "pid,hostname" })
  : pino.destination({ dest: 1, sync: true });

export const loggerOptions: pino.LoggerOptions = {
  level: env().LOG_LEVEL,
  base: { service: env().TASKYARD_PROCESS },
  // Errors from failed queries carry the query's values; logs must never (lib/log-redaction.ts).
  serializers: { err: redactError, error: redactError },
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
};

export const logger = pino(loggerOptions, destination);

/**
 * A line another Taskyard process wrote (the web server's pino JSON, or its framework's plain
 * text): into this log at the level it was logged at, so its errors are never hidden.
 */
export function relayLogLine(line: string, plainLevel: "info" | "warn", from: string): void {
  if (!line.trim()) return;
  let level: unknown;
  try {
    level = (JSON.parse(line) as { level?: unknown }).level;
  } catch {
    // plain text
  }
  if (typeof level === "number") {
    if (level >= logger.levelVal) destination.write(line + "\n");
    return;
  }
  logger[plainLevel]({ from }, line);
}
