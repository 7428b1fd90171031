import pino from "pino";
import { REDACT_PATHS, redactError } from "./log-redaction";

export const loggerOptions: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL || "info",
  base: { service: process.env.TASKYARD_PROCESS ?? "taskyard" },
  // Errors from failed queries carry the query's values; logs must never (lib/log-redaction.ts).
  serializers: { err: redactError, error: redactError },
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
};

export const logger = pino(loggerOptions);
