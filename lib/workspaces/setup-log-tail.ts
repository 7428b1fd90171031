/** How much of a setup script's output is kept: its last 64 Ki characters (the start is what a failure rarely needs). */
export const SETUP_LOG_MAX_CHARS = 64 * 1024;

/** A secret shorter than this is not replaced: "1" or "yes" would blank half the log and hide nothing. */
const MIN_SECRET_LENGTH = 4;
const REDACTED = "[redacted]";

/**
 * The tail of a setup script's output, with the template's secret values replaced wherever they
 * appear, also across chunk boundaries: the raw tail keeps the longest secret's length more than
 * it shows, so a secret split between two writes is whole again before it is replaced.
 */
export class SetupLogTail {
  private raw = "";
  private cut = false;
  private bytes = 0;
  private readonly secrets: string[];
  private readonly decoder = new TextDecoder("utf-8");
  private readonly slack: number;

  constructor(secrets: Iterable<string> = [], private readonly maxChars = SETUP_LOG_MAX_CHARS) {
    // Longest first: a secret that contains another is replaced whole.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
    this.slack = this.secrets[0]?.length ?? 0;
  }

  write(chunk: Buffer | string) {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    this.raw += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const keep = this.maxChars + this.slack;
    if (this.raw.length > keep) {
      this.raw = this.raw.slice(-keep);
      this.cut = true;
    }
  }

  /** Bytes written so far, all of them (not only those kept). */
  get totalBytes(): number {
    return this.bytes;
  }

  /** Whether the start of the output is gone. */
  get truncated(): boolean {
    return this.cut;
  }

  /** The kept tail, secrets replaced. */
  text(): string {
    // A cut tail may start inside a secret: that partial value is dropped before anything is shown.
    let text = this.cut ? this.raw.slice(this.slack) : this.raw;
    for (const secret of this.secrets) text = text.split(secret).join(REDACTED);
    return text.length > this.maxChars ? text.slice(-this.maxChars) : text;
  }

  /** Its last `count` non-empty lines, for a failure's message. */
  lastLines(count: number, maxChars = 1000): string {
    const lines = this.text().split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean).slice(-count).join("\n");
    return lines.length > maxChars ? `…${lines.slice(-(maxChars - 1))}` : lines;
  }
}
