import { TaskyardError } from "../lib/sdk/client";

/** Bad usage (a missing argument, an unknown column): exit 2, like commander's own usage errors. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a TLS client says of a certificate it does not trust (node's codes). */
const UNTRUSTED_CERTIFICATE = /SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|CERT_|ALTNAME/;

/** The server could not be reached at all (refused, unknown host, reset, a certificate not trusted). */
export class UnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? ((cause.cause as NodeJS.ErrnoException | undefined)?.code ?? (cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
    const hint = UNTRUSTED_CERTIFICATE.test(reason) ? ": its certificate is not trusted here; pass the CA that signed it with --ca <file> or TASKYARD_CA_FILE" : "";
    super(`cannot reach the Taskyard server at ${url} (${reason})${hint}`);
    this.name = "UnreachableError";
  }
}

/** One line for stderr: the server's `message`, its `detail` and each invalid field. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof TaskyardError) {
    const fields = error.body.validations?.map((v) => `${v.field}: ${v.detail}`).join("; ");
    text = `${error.message}${fields ? ` (${fields})` : ""}`;
    if (error.status === 401) text += " — run `taskyard login` to sign in again";
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  return text.replace(/\s*\n\s*/g, " ").trim();
}
