import type { ChildProcess } from "node:child_process";
import { logger } from "../logger";

export type SupervisorOptions = {
  /** How the logs name it: "PostgreSQL", "the web server". */
  name: string;
  /** Starts the process and resolves once it is ready (rejects if it is not). */
  start: () => Promise<ChildProcess>;
  /** Stops it for good (the supervisor has already stopped watching). */
  stop: (child: ChildProcess) => Promise<void>;
  /** Restarted too often: the supervisor stops trying and says why, once. */
  onGiveUp: (reason: string) => void;
  maxFailures?: number;
  windowMs?: number;
};

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * Keeps one child process running: when it dies it is logged at `warn` with the reason and
 * restarted after a backoff (0.25 s doubling to 5 s); `maxFailures` deaths or failed starts
 * within `windowMs` and it gives up.
 */
export class Supervisor {
  private child: ChildProcess | undefined;
  private failures: number[] = [];
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** The first start is not retried: a process that cannot start at all is the caller's error to report. */
  async start(): Promise<void> {
    this.watch(await this.options.start());
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const child = this.child;
    this.child = undefined;
    if (child) await this.options.stop(child);
  }

  private watch(child: ChildProcess) {
    this.child = child;
    child.once("exit", (code, signal) => {
      if (this.stopped || this.child !== child) return;
      this.child = undefined;
      this.failed(describeExit(code, signal));
    });
  }

  private failed(reason: string) {
    const { name, maxFailures = 5, windowMs = 60_000 } = this.options;
    const now = Date.now();
    this.failures = [...this.failures.filter((t) => now - t < windowMs), now];
    if (this.failures.length >= maxFailures) {
      this.stopped = true;
      logger.error({ reason }, `${name} failed ${this.failures.length} times within ${windowMs / 1000} s; giving up`);
      this.options.onGiveUp(`${name} failed ${this.failures.length} times within ${windowMs / 1000} s (last: ${reason})`);
      return;
    }
    const delay = Math.min(250 * 2 ** (this.failures.length - 1), 5000);
    logger.warn({ reason, restartInMs: delay }, `${name} stopped unexpectedly (${reason}); restarting`);
    this.retryTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart() {
    if (this.stopped) return;
    try {
      const child = await this.options.start();
      if (this.stopped) return void (await this.options.stop(child));
      this.watch(child);
      logger.info(`${this.options.name} is back`);
    } catch (error) {
      this.failed(error instanceof Error ? error.message : String(error));
    }
  }
}
