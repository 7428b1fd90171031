/** Failed sign-ins that block further tries, per account and per client address, within the window. */
export const LOGIN_FAILURE_LIMIT = { account: 10, address: 20 } as const;
export const LOGIN_WINDOW_MS = 5 * 60 * 1000;
/** A flood of made-up emails must not grow memory without end: the oldest entries go first. */
const MAX_TRACKED = 10_000;

type Failure = { at: number; account: string };

/**
 * Sign-in failures in a sliding window, kept in the web process's memory (a restart forgets them,
 * which costs an attacker a restart they cannot cause). A blocked account or address is refused
 * before any password is hashed; a success clears that account's failures, from its own count and
 * from the address's (an attacker signing in to their own account clears nothing of anyone else's).
 */
export type LoginAttempt = { wait: number } | { finish: (outcome: "failure" | "success" | "abandoned") => void };

export class LoginThrottle {
  private readonly accounts = new Map<string, number[]>();
  private readonly addresses = new Map<string, Failure[]>();
  /** Tries being checked right now: they count against the limit until they end. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly limits: { account: number; address: number } = LOGIN_FAILURE_LIMIT,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reserves a try, or says in how many seconds one will be allowed. Tries under way count as
   * failures until they end, so a burst of parallel guesses cannot all slip under the limit.
   */
  begin(account: string, address: string): LoginAttempt {
    const accountKey = `account:${account}`;
    const addressKey = `address:${address}`;
    const wait = this.retryAfter(account, address, this.pending(accountKey), this.pending(addressKey));
    if (wait > 0) return { wait };
    this.adjust(accountKey, 1);
    this.adjust(addressKey, 1);
    let ended = false;
    return {
      finish: (outcome) => {
        if (ended) return;
        ended = true;
        this.adjust(accountKey, -1);
        this.adjust(addressKey, -1);
        if (outcome === "failure") this.recordFailure(account, address);
        if (outcome === "success") this.recordSuccess(account, address);
      },
    };
  }

  /** Seconds until a try is allowed again, or 0 if it is allowed now. */
  retryAfter(account: string, address: string, pendingForAccount = 0, pendingForAddress = 0): number {
    const since = this.now() - this.windowMs;
    const byAccount = this.recent(this.accounts, account, (t) => t > since);
    const byAddress = this.recent(this.addresses, address, (f) => f.at > since).map((f) => f.at);
    const wait = (times: number[], pending: number, limit: number) => {
      if (times.length >= limit) return times[times.length - limit] + this.windowMs - this.now();
      // Only the tries under way would reach the limit: they end within seconds.
      return times.length + pending >= limit ? 1000 : 0;
    };
    const ms = Math.max(wait(byAccount, pendingForAccount, this.limits.account), wait(byAddress, pendingForAddress, this.limits.address));
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  recordFailure(account: string, address: string) {
    const at = this.now();
    this.push(this.accounts, account, at, this.limits.account);
    this.push(this.addresses, address, { at, account }, this.limits.address);
  }

  recordSuccess(account: string, address: string) {
    this.accounts.delete(account);
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
