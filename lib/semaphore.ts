/** Thrown when a semaphore's queue is full: the caller should answer "busy" at once rather than wait. */
export class BusyError extends Error {
  constructor() {
    super("too many waiting");
    this.name = "BusyError";
  }
}

/**
 * At most `limit` tasks at once, at most `maxQueue` more waiting their turn (first come, first
 * served); beyond that `run` rejects with BusyError immediately instead of piling up.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxQueue) throw new BusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so `active` never dips below a waiter's turn.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get stats() {
    return { active: this.active, waiting: this.waiting.length };
  }
}
