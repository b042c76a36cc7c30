/**
 * The answers of encrypted resolvers, in memory only (nothing about which names were looked up
 * touches disk), kept as long as their TTL says, clamped, and one cache per network (issue 12: an
 * answer from the resolver reached on one network says nothing on another, where the same resolver
 * may be blocked or the name served elsewhere). A failed resolution is not kept.
 */

/** Kept at most this long whatever the TTL says (seconds): a moved center is found within the hour. */
export const MAX_CACHE_TTL = 3600;
/** Bounds memory: the oldest entry goes first. */
const MAX_ENTRIES = 256;

interface Entry {
  readonly addresses: readonly string[];
  readonly until: number;
}

export class DnsCache {
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  /** @param now the clock in ms (default Date.now), injectable for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  static key(network: string, resolver: string, name: string): string {
    return JSON.stringify([network, resolver, name]);
  }

  /** The addresses kept for `key`, or undefined when none or expired. */
  get(key: string): readonly string[] | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (this.#now() >= e.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.addresses;
  }

  /** Keeps `addresses` for `ttl` seconds, at most MAX_CACHE_TTL; a TTL of 0 keeps nothing (RFC 1035 section 3.2.1). */
  set(key: string, addresses: readonly string[], ttl: number): void {
    const secs = Math.min(Math.max(0, Math.floor(ttl)), MAX_CACHE_TTL);
    this.#entries.delete(key);
    if (secs === 0 || addresses.length === 0) return;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { addresses: [...addresses], until: this.#now() + secs * 1000 });
  }

  clear(): void {
    this.#entries.clear();
  }
}
