/**
 * A least-recently-used map bounded both by its number of entries and by the total size of its
 * values (as `sizeOf` counts it): a few large answers cannot hold more memory than many small ones.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  private size = 0;

  constructor(private readonly limits: { maxEntries: number; maxSize: number; sizeOf: (value: V) => number }) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // A Map iterates in insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keeps `value` unless it alone would take more than a quarter of the room. */
  set(key: string, value: V): void {
    this.delete(key);
    const size = this.limits.sizeOf(value);
    if (size > this.limits.maxSize / 4) return;
    this.entries.set(key, value);
    this.size += size;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.size <= this.limits.maxSize) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.size -= this.limits.sizeOf(value);
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}
