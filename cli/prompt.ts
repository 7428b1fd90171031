import readline from "node:readline";
import { UsageError } from "./errors";

/**
 * Answers come from stdin: a terminal gets a prompt on stderr (a secret is not echoed), a pipe
 * gives one line per answer. `close()` lets the process exit while stdin stays open.
 */
export class Prompter {
  private piped?: { rl: readline.Interface; lines: AsyncIterator<string> };

  private get tty() {
    return Boolean(process.stdin.isTTY);
  }

  /** No question is shown for a pipe: nobody reads it, and a script's stderr keeps only what went wrong. */
  private async pipedLine(question: string): Promise<string> {
    if (!this.piped) {
      const rl = readline.createInterface({ input: process.stdin, terminal: false });
      this.piped = { rl, lines: rl[Symbol.asyncIterator]() };
    }
    const next = await this.piped.lines.next();
    if (next.done) throw new UsageError(`no answer to "${question.trim()}" on stdin`);
    return next.value;
  }

  async line(question: string): Promise<string> {
    if (!this.tty) return this.pipedLine(question);
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    rl.close();
    return answer;
  }

  /** Read without echo on a terminal (raw mode, so nothing typed is shown). */
  async secret(question: string): Promise<string> {
    if (!this.tty) return this.pipedLine(question);
    const stdin = process.stdin;
    // Echo goes off before the prompt shows, so nothing typed after it can appear.
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.resume();
    process.stderr.write(question);
    return new Promise((resolve) => {
      let value = "";
      const finish = () => {
        stdin.off("data", onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write("\n");
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === "\r" || ch === "\n" || ch === "\u0004") {
            finish();
            return resolve(value);
          }
          if (ch === "\u0003") {
            finish();
            process.exit(130);
          }
          if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
          else if (ch >= " ") value += ch;
        }
      };
      stdin.on("data", onData);
    });
  }

  /** Coder's confirmation: anything but yes is a no, and a no ends the command (exit 1). */
  async confirm(question: string, skip: boolean | undefined): Promise<void> {
    if (skip) return;
    const answer = (await this.line(`${question} (yes/no) `)).trim().toLowerCase();
    if (answer !== "yes" && answer !== "y") throw new Error("canceled: pass -y to skip the confirmation");
  }

  close() {
    this.piped?.rl.close();
    this.piped = undefined;
  }
}

/** A command's prompts, closed afterwards however the command ends. */
export async function withPrompter<T>(run: (prompter: Prompter) => Promise<T>): Promise<T> {
  const prompter = new Prompter();
  try {
    return await run(prompter);
  } finally {
    prompter.close();
  }
}

/** All of stdin, for `--stdin` (trailing newline dropped, as `echo … |` adds one). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
