/**
 * Strategies raced like routes (issue 12, wire spec 6): every (route, dns, tls) combination is its
 * own race entry, a Route with `strategy` set. This file turns routes into those entries; the race
 * itself (src/transport/race/race.ts) never knows the difference. Pure: the randomness is an
 * argument.
 *
 * - dns list: the route's own; else, for a direct or mirror route, the center file's default (plus
 *   `--doh` resolvers for this run); else the system resolver. A route with a proxy (its own or the
 *   user's) or a pinned `connect` gets the system resolver only: names resolve at the proxy, and a
 *   pinned address resolves nothing (spec 6).
 * - tls list: the route's own; else, for a direct or mirror route, the center file's default;
 *   else plain. `--strategy` entries are added to every route's list.
 * - per route: the remembered combination first, then the plain one (system DNS, plain ClientHello),
 *   then the rest shuffled, at most PER_ROUTE entries; over all routes at most TOTAL_VARIANTS
 *   entries beyond each route's first, taken round-robin. A route's first entry and a remembered
 *   one are never cut.
 * - ids: `<route id>` for the plain combination (so a route without strategies races exactly as
 *   before), else `<route id>+<dns>+<tls>` with the system resolver and the plain ClientHello left
 *   out: `direct-1+doh:dns.test+tlsfrag:sni`, `direct-1+split:sni`, `direct-1+dot:dns.test`.
 */
import type { Route } from '../routes/route.js';
import { dnsLabel, PLAIN_TLS, SYSTEM_DNS, type DnsStrategy, type Strategies, type TlsStrategy } from './parse.js';

/** The combination a race entry uses. */
export type Combination = NonNullable<Route['strategy']>;

/**
 * Entries per route at most (issue 12: a cap per route), its first and a remembered one included:
 * the race's cap on open attempts, so that a center's usual default (system and one DoH resolver,
 * three TLS entries: six combinations) races whole and a working combination is never cut by chance.
 */
export const PER_ROUTE = 8;
/** Entries beyond each route's first, over all routes at most (the race's sockets stay bounded). */
export const TOTAL_VARIANTS = 16;

/** Options of {@link expandRoutes}. */
export interface ExpandOptions {
  /** One-off entries for this run (`--doh`, `--strategy`): added to the lists routes may use. */
  readonly extra?: Strategies;
  /** Randomness in [0, 1) for the shuffle (default Math.random; seed it in tests). */
  readonly random?: () => number;
  /** Entries per route (default PER_ROUTE); Infinity for every combination (`routes test --strategies`). */
  readonly perRoute?: number;
  /** Variants over all routes (default TOTAL_VARIANTS). */
  readonly total?: number;
}

/** The center file's defaults and this run's extras, as callers hand them on (sendItem, routes test). */
export interface StrategyPlan {
  /** The center file's top-level `strategies` (spec 6): defaults of direct and mirror routes. */
  readonly defaults?: Strategies;
  /** `--doh`, `--dot`, `--strategy` for this run. */
  readonly extra?: Strategies;
  /** Seeded in tests; default Math.random. */
  readonly random?: () => number;
}

/** Whether DNS strategies other than the system's may apply to `route` (spec 6: no proxy, no `connect`). */
export function resolvesLocally(route: Route): boolean {
  return !route.proxy && !route.via && !route.connect;
}

const isPlain = (c: Combination) => c.dns.kind === 'system' && c.tls.steps.length === 0;

/** The short name of a resolver in entry ids: `doh:<name>`, `dot:<name>`; empty for the system's. */
export function dnsShort(d: DnsStrategy): string {
  return d.kind === 'system' ? '' : `${d.kind === 'https' ? 'doh' : 'dot'}:${d.name}`;
}

/** A combination's words for attempts and `--json`: the dns label (parse.ts `dnsLabel`) and the tls text. */
export function strategyWords(c: Combination): { dns: string; tls: string } {
  return { dns: dnsLabel(c.dns), tls: c.tls.text };
}

/** Whether an entry uses anything but the system resolver and the plain ClientHello. */
export function isVariant(route: Route): boolean {
  return route.strategy !== undefined && !isPlain(route.strategy);
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => !seen.has(key(t)) && (seen.add(key(t)), true));
}

/** The dns and tls lists `route` races with (rules at the top of this file). */
export function strategyLists(route: Route, defaults: Strategies = {}, extra: Strategies = {}): { dns: DnsStrategy[]; tls: TlsStrategy[] } {
  const local = resolvesLocally(route);
  const own = route.kind === 'direct' || route.kind === 'mirror';
  const dns = local ? uniqueBy([...(route.dns ?? (own ? defaults.dns : undefined) ?? [SYSTEM_DNS]), ...(extra.dns ?? [])], dnsLabel) : [SYSTEM_DNS];
  const tls = uniqueBy([...(route.tls ?? (own && !route.userProxy ? defaults.tls : undefined) ?? [PLAIN_TLS]), ...(extra.tls ?? [])], (t) => t.text);
  return { dns, tls };
}

/** The id of `route`'s entry for `c` (rules at the top of this file); `full` names the resolver's address too. */
export function entryId(baseId: string, c: Combination, full = false): string {
  const parts = [baseId];
  if (c.dns.kind !== 'system') parts.push(full ? `${dnsShort(c.dns)}@${dnsLabel(c.dns).split('@')[1]}` : dnsShort(c.dns));
  if (c.tls.steps.length > 0) parts.push(c.tls.text);
  return parts.join('+');
}

/** The id of the route an entry was made from (its own id for a plain entry or a route). */
export function baseIdOf(entry: Route): string {
  if (!entry.strategy || isPlain(entry.strategy)) return entry.id;
  for (const full of [false, true]) {
    const suffix = entryId('', entry.strategy, full);
    if (entry.id.endsWith(suffix)) return entry.id.slice(0, -suffix.length);
  }
  return entry.id;
}

/** Every combination of `route`, as entries, in list order (dns-major), the plain one first; an entry is itself. */
export function combinations(route: Route, defaults?: Strategies, extra?: Strategies): Route[] {
  // Already an entry (a route that delivered, sent over again): its combination stays.
  if (route.strategy) return [route];
  const { dns, tls } = strategyLists(route, defaults, extra);
  // Two resolvers of one name (different addresses) are told apart by their address.
  const names = dns.map(dnsShort);
  const full = (d: DnsStrategy) => names.filter((n) => n === dnsShort(d)).length > 1;
  const { dns: _d, tls: _t, ...rest } = route;
  const all = dns.flatMap((d) => tls.map((t): Route => {
    const strategy = { dns: d, tls: t };
    return { ...rest, id: entryId(route.id, strategy, full(d)), strategy };
  }));
  const plain = all.findIndex((e) => isPlain(e.strategy!));
  return plain > 0 ? [all[plain]!, ...all.slice(0, plain), ...all.slice(plain + 1)] : all;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.max(0, Math.floor(random() * (i + 1))));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * The race entries of `routes` (rules at the top of this file), each a Route with `strategy` set.
 * @param routes the routes, in their racing order
 * @param defaults the center file's `strategies` (default for direct and mirror routes without their own)
 * @param remembered ids of entries this network remembers as good (route health): first in their
 *   route and never cut
 * @example
 * ```ts
 * const entries = expandRoutes(routes, center.strategies, new Set(['direct-1+doh:dns.test+tlsfrag:sni']));
 * ```
 */
export function expandRoutes(routes: readonly Route[], defaults: Strategies | undefined, remembered: ReadonlySet<string> = new Set(), opts: ExpandOptions = {}): Route[] {
  const random = opts.random ?? Math.random;
  const perRoute = Math.max(1, opts.perRoute ?? PER_ROUTE);
  const per = routes.map((route) => {
    const [first, ...others] = combinations(route, defaults, opts.extra);
    const kept = others.filter((e) => remembered.has(e.id));
    const head = [...kept, first!];
    const rest = shuffled(others.filter((e) => !remembered.has(e.id)), random);
    return { head, rest: rest.slice(0, Math.max(0, perRoute - head.length)) };
  });
  // The variants over all routes, round-robin, up to the total.
  let budget = Math.max(0, opts.total ?? TOTAL_VARIANTS);
  const taken = per.map(() => 0);
  for (let round = 0, more = true; more && budget > 0; round++) {
    more = false;
    for (const [i, p] of per.entries()) {
      if (round < p.rest.length && budget > 0) {
        taken[i]!++;
        budget--;
        more = true;
      }
    }
  }
  return per.flatMap((p, i) => [...p.head, ...p.rest.slice(0, taken[i])]);
}

/**
 * The entry of `routes` with id `id`, rebuilt from its route and combination (deterministic: no
 * shuffle, no cap), or undefined. How the race's winner id becomes the Route to send more over.
 */
export function entryById(routes: readonly Route[], id: string, plan: StrategyPlan = {}): Route | undefined {
  for (const r of routes) {
    if (!id.startsWith(r.id)) continue;
    const e = combinations(r, plan.defaults, plan.extra).find((x) => x.id === id);
    if (e) return e;
  }
  return routes.find((r) => r.id === id);
}

/**
 * The race entries of `routes` for a delivery: every combination (see {@link expandRoutes}), the
 * ones `remembered` marks (route health) kept first and never cut.
 */
export function raceEntries(routes: readonly Route[], plan: StrategyPlan = {}, remembered?: (all: Route[]) => ReadonlySet<string>): Route[] {
  const all = routes.flatMap((r) => combinations(r, plan.defaults, plan.extra));
  return expandRoutes(routes, plan.defaults, remembered?.(all) ?? new Set(), { ...(plan.extra ? { extra: plan.extra } : {}), ...(plan.random ? { random: plan.random } : {}) });
}
