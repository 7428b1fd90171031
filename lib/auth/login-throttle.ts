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
export class LoginThrottle {
  private readonly accounts = new Map<string, number[]>();
  private readonly addresses = new Map<string, Failure[]>();

  constructor(
    private readonly limits: { account: number; address: number } = LOGIN_FAILURE_LIMIT,
    private readonly windowMs = LOGIN_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until a try is allowed again, or 0 if it is allowed now. */
  retryAfter(account: string, address: string): number {
    const since = this.now() - this.windowMs;
    const byAccount = this.recent(this.accounts, account, (t) => t > since);
    const byAddress = this.recent(this.addresses, address, (f) => f.at > since);
    const wait = (times: number[], limit: number) => (times.length >= limit ? times[times.length - limit] + this.windowMs - this.now() : 0);
    const ms = Math.max(wait(byAccount, this.limits.account), wait(byAddress.map((f) => f.at), this.limits.address));
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
