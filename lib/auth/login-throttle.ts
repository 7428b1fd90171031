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
/** A flood of made-up emails must not grow memory without end: the oldest entries go first. */
const MAX_TRACKED = 10_000;

type Failure = { at: number; account: string };
type Limits = { addressAccount: number; address: number };
type Delay = { after: number; stepMs: number; maxMs: number };

/**
 * A try that may go ahead after `delayMs`, and must then say how it ended; or, when its address
 * has failed too often (for this account or for all), the seconds until one may.
 */
export type LoginAttempt = { wait: number } | { delayMs: number; finish: (outcome: "failure" | "success" | "abandoned") => void };

/**
 * Sign-in failures in a sliding window, kept in the web process's memory (a restart forgets them,
 * which costs an attacker a restart they cannot cause). A blocked address (for the account, or for
 * every account) is refused before any password is hashed; an account under attack from elsewhere
 * only answers a little later, so its owner, from their own address, still gets in. A success
 * clears that account's failures — its delay, and its share of the address's count (an attacker
 * signing in to their own account clears nothing of anyone else's).
 */
export class LoginThrottle {
  private readonly accounts = new Map<string, number[]>();
  private readonly pairs = new Map<string, number[]>();
  private readonly addresses = new Map<string, Failure[]>();
  /** Tries being checked right now: they count against the limits until they end. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly limits: Limits = LOGIN_FAILURE_LIMIT,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly now: () => number = Date.now,
    private readonly delay: Delay = LOGIN_ACCOUNT_DELAY,
  ) {}

  /**
   * Reserves a try, or says in how many seconds one will be allowed. Tries under way count as
   * failures until they end, so a burst of parallel guesses cannot all slip under the limits.
   */
  begin(account: string, address: string): LoginAttempt {
    const pairKey = `pair:${pairOf(address, account)}`;
    const addressKey = `address:${address}`;
    const wait = this.retryAfter(account, address, this.pending(pairKey), this.pending(addressKey));
    if (wait > 0) return { wait };
    this.adjust(pairKey, 1);
    this.adjust(addressKey, 1);
    let ended = false;
    return {
      delayMs: this.delayFor(account),
      finish: (outcome) => {
        if (ended) return;
        ended = true;
        this.adjust(pairKey, -1);
        this.adjust(addressKey, -1);
        if (outcome === "failure") this.recordFailure(account, address);
        if (outcome === "success") this.recordSuccess(account, address);
      },
    };
  }

  /** Seconds until a try from `address` for `account` is allowed again, or 0 if it is allowed now. */
  retryAfter(account: string, address: string, pendingForPair = 0, pendingForAddress = 0): number {
    const since = this.now() - this.windowMs;
    const byPair = this.recent(this.pairs, pairOf(address, account), (t) => t > since);
    const byAddress = this.recent(this.addresses, address, (f) => f.at > since).map((f) => f.at);
    const wait = (times: number[], pending: number, limit: number) => {
      if (times.length >= limit) return times[times.length - limit] + this.windowMs - this.now();
      // Only the tries under way would reach the limit: they end within seconds.
      return times.length + pending >= limit ? 1000 : 0;
    };
    const ms = Math.max(wait(byPair, pendingForPair, this.limits.addressAccount), wait(byAddress, pendingForAddress, this.limits.address));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** How long a try for `account` waits before it is checked: longer the more it failed lately, within bounds. */
  delayFor(account: string): number {
    const since = this.now() - this.windowMs;
    const failures = this.recent(this.accounts, account, (t) => t > since).length;
    if (failures < this.delay.after) return 0;
    return Math.min(this.delay.maxMs, (failures - this.delay.after + 1) * this.delay.stepMs);
  }

  recordFailure(account: string, address: string) {
    const at = this.now();
    this.push(this.accounts, account, at, this.delay.after + Math.ceil(this.delay.maxMs / this.delay.stepMs));
    this.push(this.pairs, pairOf(address, account), at, this.limits.addressAccount);
    this.push(this.addresses, address, { at, account }, this.limits.address);
  }

  recordSuccess(account: string, address: string) {
    this.accounts.delete(account);
    this.pairs.delete(pairOf(address, account));
    const left = this.addresses.get(address)?.filter((f) => f.account !== account);
    if (left?.length) this.addresses.set(address, left);
    else this.addresses.delete(address);
  }

  private pending(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  private adjust(key: string, by: number) {
    const n = this.pending(key) + by;
    if (n > 0) this.inFlight.set(key, n);
    else this.inFlight.delete(key);
  }

  private recent<T>(map: Map<string, T[]>, key: string, keep: (item: T) => boolean): T[] {
    const items = map.get(key);
    if (!items) return [];
    const kept = items.filter(keep);
    if (kept.length) map.set(key, kept);
    else map.delete(key);
    return kept;
  }

  private push<T>(map: Map<string, T[]>, key: string, item: T, limit: number) {
    const items = map.get(key) ?? [];
    items.push(item);
    // Only the newest `limit` failures decide anything; older ones need not be kept.
    if (items.length > limit) items.splice(0, items.length - limit);
    map.delete(key); // re-inserted last: the map's order is least recently failed first
    map.set(key, items);
    while (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
  }
}

/** One key for an address and an account together (neither can hold a newline: JSON escapes it). */
function pairOf(address: string, account: string): string {
  return JSON.stringify([address, account]);
}
