import "server-only";
import type { Db, DbOrTx } from "../db/client";
import {
  clearLoginFailures,
  deleteLoginTry,
  insertLoginFailure,
  lockLoginAddress,
  purgeLoginFailures,
  selectRecentLoginFailures,
  settleLoginFailure,
  type RecentLoginFailures,
} from "../db/queries/login-failures";

/**
 * Failed sign-ins that block further tries within the window: per client address and account
 * together, and per client address whatever the accounts. Never per account alone: anyone can fail
 * to sign in to anyone's account, and must not be able to lock its owner out that way.
 */
export const LOGIN_FAILURE_LIMIT = { addressAccount: 10, address: 20 } as const;
/**
 * What an account's failures from everywhere do instead: slow its sign-ins down, the right password
 * included, by `stepMs` more per failure from the `after`-th on, never more than `maxMs`.
 */
export const LOGIN_ACCOUNT_DELAY = { after: 3, stepMs: 250, maxMs: 2000 } as const;
export const LOGIN_WINDOW_MS = 5 * 60 * 1000;

type Limits = { addressAccount: number; address: number };
type Delay = { after: number; stepMs: number; maxMs: number };

/**
 * A try that may go ahead after `delayMs`, and must then say how it ended; or, when its address
 * has failed too often (for this account or for all), the seconds until one may.
 */
export type LoginAttempt = { wait: number } | { delayMs: number; finish: (outcome: "failure" | "success" | "abandoned") => Promise<void> };

/**
 * Sign-in failures in a sliding window, counted in the database (`login_failures`), so every web
 * server on it counts the same failures: ten guesses split across two servers are ten guesses. A
 * blocked address (for the account, or for every account) is refused before any password is
 * hashed; an account under attack from elsewhere only answers a little later, so its owner, from
 * their own address, still gets in. A success clears that account's failures — its delay, and its
 * share of the address's count (an attacker signing in to their own account clears nothing of
 * anyone else's).
 *
 * Times are this process's clock (`now`), so the rules can be tested against the real table.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly limits: Limits = LOGIN_FAILURE_LIMIT,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly now: () => number = Date.now,
    private readonly delay: Delay = LOGIN_ACCOUNT_DELAY,
  ) {}

  /**
   * Reserves a try, or says in how many seconds one will be allowed. Tries under way count as
   * failures until they end, so a burst of parallel guesses — to one server or to several — cannot
   * all pass the check before any failed: the check and the reservation hold the address's lock.
   */
  async begin(account: string, address: string): Promise<LoginAttempt> {
    const reserved = await this.db.transaction(async (tx): Promise<{ wait: number } | { id: number; delayMs: number }> => {
      await lockLoginAddress(tx, address);
      const recent = await this.recent(tx, account, address);
      const wait = this.waitFrom(recent, true);
      if (wait > 0) return { wait };
      const id = await insertLoginFailure(tx, { account, address, at: new Date(this.now()), pending: true });
      return { id, delayMs: this.delayFrom(recent.accountFailures) };
    });
    if ("wait" in reserved) return reserved;
    let ended = false;
    return {
      delayMs: reserved.delayMs,
      finish: async (outcome) => {
        if (ended) return;
        ended = true;
        if (outcome === "failure") {
          await settleLoginFailure(this.db, reserved.id, new Date(this.now()));
          await purgeLoginFailures(this.db, new Date(this.now() - this.windowMs));
        } else if (outcome === "success") await clearLoginFailures(this.db, { account, address, tryId: reserved.id });
        else await deleteLoginTry(this.db, reserved.id);
      },
    };
  }

  /** Seconds until a try from `address` for `account` is allowed again, or 0 if it is allowed now (tries under way aside). */
  async retryAfter(account: string, address: string): Promise<number> {
    return this.waitFrom(await this.recent(this.db, account, address), false);
  }

  /** How long a try for `account` waits before it is checked: longer the more it failed lately, within bounds. */
  async delayFor(account: string): Promise<number> {
    return this.delayFrom((await this.recent(this.db, account, "")).accountFailures);
  }

  async recordFailure(account: string, address: string) {
    await insertLoginFailure(this.db, { account, address, at: new Date(this.now()), pending: false });
  }

  async recordSuccess(account: string, address: string) {
    await clearLoginFailures(this.db, { account, address });
  }

  private recent(db: DbOrTx, account: string, address: string): Promise<RecentLoginFailures> {
    return selectRecentLoginFailures(db, {
      account,
      address,
      since: new Date(this.now() - this.windowMs),
      pairLimit: this.limits.addressAccount,
      addressLimit: this.limits.address,
    });
  }

  private waitFrom(recent: RecentLoginFailures, countPending: boolean): number {
    const now = this.now();
    const wait = (times: number[], pending: number, limit: number) => {
      if (times.length >= limit) return times[times.length - limit] + this.windowMs - now;
      // Only the tries under way would reach the limit: they end within seconds.
      return countPending && times.length + pending >= limit ? 1000 : 0;
    };
    const ms = Math.max(wait(recent.pairTimes, recent.pendingPair, this.limits.addressAccount), wait(recent.addressTimes, recent.pendingAddress, this.limits.address));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  private delayFrom(failures: number): number {
    if (failures < this.delay.after) return 0;
    return Math.min(this.delay.maxMs, (failures - this.delay.after + 1) * this.delay.stepMs);
  }
}
