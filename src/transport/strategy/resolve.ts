/**
 * Resolves a center's host name with one `dns` strategy (wire spec 6): the system resolver, or an
 * encrypted resolver (DoH, DoT) asked for A and AAAA in parallel, whose answers count only when
 * they are for the name asked (dns-wire.ts), kept per network as long as their TTL says
 * (dns-cache.ts). Called only for direct and mirror routes without a proxy and without `connect`
 * (src/transport/tunnel/tunnel.ts): while a proxy is set, names resolve at the proxy.
 *
 * Contract: resolves with at least one IP literal, IPv4 first (then IPv6, each in the resolver's
 * order), or rejects with the signal's reason when it aborts, or a ResolverError.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { raceSignal } from '../deadline.js';
import { bareHost } from '../host.js';
import { DnsCache } from './dns-cache.js';
import { decodeAnswer, encodeQuery, normalizeName, randomId, ResolverError, TYPE_A, TYPE_AAAA, type DnsAnswer } from './dns-wire.js';
import { dohQuery } from './doh.js';
import { dotQuery } from './dot.js';
import { dnsLabel, type DnsStrategy, type ResolverAddress } from './parse.js';

export interface ResolveOptions {
  readonly signal: AbortSignal;
  /** The network's identity (src/transport/race/health-net.ts `networkId`): one cache per network. */
  readonly network: string;
  /** The cache to use (default: the process's own), injectable for tests. */
  readonly cache?: DnsCache;
}

/** The process's answers, in memory only. */
export const defaultCache = new DnsCache();

const TYPES = [TYPE_A, TYPE_AAAA] as const;

/** IPv4 first (a stable sort: each family keeps its order): the tunnel dials the first. */
function v4First(addresses: readonly string[]): string[] {
  return [...addresses.filter((a) => isIP(a) === 4), ...addresses.filter((a) => isIP(a) === 6)];
}

async function systemLookup(name: string, signal: AbortSignal): Promise<string[]> {
  try {
    // dns.lookup cannot be cancelled (getaddrinfo runs on the thread pool): the signal ends the wait.
    const all = await raceSignal(lookup(name, { all: true, verbatim: true }), signal, () => undefined);
    const out = v4First(all.map((a) => a.address));
    if (out.length === 0) throw new ResolverError('no-address', 'the system resolver gave no address');
    return out;
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof ResolverError) throw err;
    throw new ResolverError('lookup', `the system resolver failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

/** Both queries' bytes, asked in parallel (DoH: one request each; DoT: both on one connection). */
async function ask(r: { kind: 'https' | 'tls' } & ResolverAddress, name: string, signal: AbortSignal): Promise<{ ids: number[]; raw: PromiseSettledResult<Buffer>[] }> {
  if (r.kind === 'https') {
    // RFC 8484 section 4.1: id 0 (the answer is matched by its HTTP exchange, not its id).
    const raw = await Promise.allSettled(TYPES.map((t) => dohQuery(r, encodeQuery(name, t, { id: 0 }), signal)));
    return { ids: [0, 0], raw };
  }
  const a = randomId();
  const ids = [a, (a + 1 + (randomId() % 0xffff)) % 0x10000];
  try {
    const answers = await dotQuery(r, TYPES.map((t, i) => encodeQuery(name, t, { id: ids[i]! })), signal);
    return { ids, raw: answers.map((value) => ({ status: 'fulfilled', value })) };
  } catch (err) {
    return { ids, raw: TYPES.map(() => ({ status: 'rejected', reason: err })) };
  }
}

/**
 * Asks an encrypted resolver for `name`'s A and AAAA records. A reply that fails the checks
 * (malformed, another id or question) fails the whole resolution: a resolver that lies about one
 * type is not believed about the other. A query that failed on the way (connection, HTTP, an
 * error RCODE) does not hide the other type's addresses.
 */
async function encrypted(r: { kind: 'https' | 'tls' } & ResolverAddress, name: string, signal: AbortSignal): Promise<{ addresses: string[]; ttl: number }> {
  const { ids, raw } = await ask(r, name, signal);
  if (signal.aborted) throw signal.reason;
  const answers: DnsAnswer[] = [];
  let firstError: unknown;
  for (const [i, res] of raw.entries()) {
    if (res.status === 'rejected') {
      firstError ??= res.reason;
      continue;
    }
    try {
      answers.push(decodeAnswer(res.value, { id: ids[i]!, name, type: TYPES[i]! }));
    } catch (err) {
      if (err instanceof ResolverError && err.reason === 'rcode') {
        firstError ??= err;
        continue;
      }
      throw err;
    }
  }
  const addresses = answers.flatMap((a) => a.addresses);
  if (addresses.length === 0) {
    if (firstError !== undefined) throw firstError;
    throw new ResolverError('no-address', 'the resolver has no address for the name');
  }
  const ttl = Math.min(...answers.filter((a) => a.addresses.length > 0).map((a) => a.ttl));
  return { addresses: v4First(addresses), ttl };
}

/**
 * Resolves `host` (a URL's hostname) with `strategy`. An IP literal is returned as it is. Answers
 * of encrypted resolvers are cached per (network, resolver, name) for their TTL (at most an hour).
 */
export async function resolveWith(strategy: DnsStrategy, host: string, opts: ResolveOptions): Promise<string[]> {
  const bare = bareHost(host);
  if (isIP(bare)) return [bare];
  const name = normalizeName(bare);
  if (opts.signal.aborted) throw opts.signal.reason;
  if (strategy.kind === 'system') return systemLookup(name, opts.signal);
  const cache = opts.cache ?? defaultCache;
  // The resolver's `ca` is part of which resolver it is: the same name and address trusted otherwise is another one.
  const key = DnsCache.key(opts.network, `${dnsLabel(strategy)} ${strategy.ca ?? ''}`, name);
  const kept = cache.get(key);
  if (kept) return [...kept];
  const { addresses, ttl } = await encrypted(strategy, name, opts.signal);
  cache.set(key, addresses, ttl);
  return addresses;
}
