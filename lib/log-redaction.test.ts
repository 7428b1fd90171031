import { Writable } from "node:stream";
import { DrizzleQueryError } from "drizzle-orm/errors";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loggerOptions } from "./logger";
import { redactMessage } from "./log-redaction";

const PROMPT = "my secret prompt\nwith a second line";
const EMAIL = "someone@example.com";
const HASH = "scrypt$131072$8$1$c2FsdA==$aGFzaA==";

/** A failed insert as drizzle and postgres.js report it: the values in the message, `params`, the cause's `detail`. */
function failedInsert() {
  const cause = Object.assign(new Error('new row for relation "users" violates check constraint "users_email_check"'), {
    name: "PostgresError",
    severity: "ERROR",
    code: "23514",
    detail: `Failing row contains (1, ${EMAIL}, ${HASH}, ${PROMPT}).`,
    table_name: "users",
    constraint_name: "users_email_check",
  });
  Object.defineProperty(cause, "parameters", { value: [EMAIL, HASH, PROMPT], enumerable: true });
  return new DrizzleQueryError('insert into "users" ("email", "password_hash", "name") values ($1, $2, $3)', [EMAIL, HASH, PROMPT], cause);
}

function logged(write: (log: pino.Logger) => void): string {
  let out = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += chunk;
      done();
    },
  });
  write(pino({ ...loggerOptions, level: "debug" }, sink));
  return out;
}

describe("the logger", () => {
  it("logs a failed query's error without any of its values, but with what finds the cause", () => {
    const line = logged((log) => log.error({ err: failedInsert() }, "unhandled error in route handler"));
    for (const value of [EMAIL, HASH, "my secret prompt", "second line", "scrypt$"]) expect(line).not.toContain(value);
    const entry = JSON.parse(line);
    expect(entry.err.message).toContain("Failed query: insert into");
    expect(entry.err.message).toContain("params: [redacted]");
    expect(entry.err.query).toContain("values ($1, $2, $3)");
    expect(entry.err.stack).toContain("at ");
    expect(entry.err.cause).toMatchObject({ code: "23514", constraint_name: "users_email_check", table_name: "users" });
  });

  it("never logs passwords, tokens, session tokens or keys, however they are nested", () => {
    const line = logged((log) =>
      log.info(
        { password: "hunter22", token: "abc123", body: { password: "p2", session_token: "s3", key: "k4", setup_code: "c5" }, req: { headers: { authorization: "Bearer t6", cookie: "coder_session_token=t7", "coder-session-token": "t8" } } },
        "a request",
      ),
    );
    for (const secret of ["hunter22", "abc123", "p2", "s3", "k4", "c5", "t6", "t7", "t8"]) expect(line).not.toContain(`"${secret}`);
    expect(line).toContain("[redacted]");
  });
});

describe("redactMessage", () => {
  it("drops drizzle's parameter list and a value PostgreSQL quotes at the end", () => {
    expect(redactMessage("Failed query: select 1 where a = $1\nparams: x,y\nz")).toBe("Failed query: select 1 where a = $1\nparams: [redacted]");
    expect(redactMessage('invalid input syntax for type uuid: "not-a-uuid"')).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(redactMessage('relation "tasks" does not exist')).toBe('relation "tasks" does not exist');
  });
});
