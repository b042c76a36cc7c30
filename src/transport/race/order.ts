/**
 * The order in which routes are raced, and the stagger between them (issue 3, Build 2 and 3).
 * Pure: the memory, the clock and the randomness are arguments.
 */
import { randomInt } from 'node:crypto';
import { clampStagger } from './race.js';
import type { RouteMemory } from './health-memory.js';
import type { Route } from '../routes/route.js';

/** Psiphon gives its last good server a 1 s head start before racing the others. */
export const HEAD_START_MS = 1000;
/** RFC 8305 section 5 (and Outline): 250 ms between connection attempts by default. */
export const DEFAULT_STAGGER_MS = 250;

/** A random number in [0, 1). */
export type Random = () => number;

const SCALE = 0xffff_ffff_ffff;
/** The default Random: from the OS CSPRNG, so that the order of unknown routes cannot be predicted. */
export const cryptoRandom: Random = () => randomInt(SCALE) / SCALE;

/** A uniformly random permutation (Fisher-Yates); `random` values outside [0, 1) are clamped. */
export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.max(0, Math.floor(random() * (i + 1))));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The stagger for this network: RFC 8305's 250 ms, widened to 1.5 x the median of the recent
 * winning attempt times when that is longer, clamped to 100 ms..2 s (RFC 8305 section 5). A
 * verified receipt takes several round trips, so on a slow network a 250 ms stagger would start
 * every route before the first could answer; it is never narrowed below the default, since each
 * extra parallel attempt is one more connection the censor sees. Within one race, `race()` shortens
 * it while no attempt is heard from (a blackhole: issue 6, finding 3).
 */
export function staggerFrom(latenciesMs: readonly number[]): number {
  if (latenciesMs.length === 0) return DEFAULT_STAGGER_MS;
  return clampStagger(Math.max(DEFAULT_STAGGER_MS, Math.round(1.5 * median(latenciesMs))));
}

/**
 * Where a race entry sits among the entries made from one route (issue 12: each strategy
 * combination is an entry): its route's id and its place in that route's list.
 */
export type Tier = (route: Route) => { readonly group: string; readonly rank: number };

/**
 * The untried entries: routes shuffled, and each route's entries round-robin in their own order
 * (its first, the plain one, before its variants; src/transport/strategy/combos.ts). With one entry
 * per route (no strategies) it is exactly `shuffle(rest, random)`.
 */
function tiered(rest: readonly Candidate[], random: Random, tier: Tier | undefined): Candidate[] {
  if (!tier) return shuffle(rest, random);
  const groups = new Map<string, Candidate[]>();
  for (const c of rest) {
    const g = tier(c.route).group;
    const list = groups.get(g);
    if (list) list.push(c);
    else groups.set(g, [c]);
  }
  const order = shuffle([...groups.values()], random).map((g) => g.sort((a, b) => tier(a.route).rank - tier(b.route).rank));
  const out: Candidate[] = [];
  for (let i = 0; order.some((g) => i < g.length); i++) for (const g of order) if (i < g.length) out.push(g[i]!);
  return out;
}

/** A route with what is known about it on this network. */
export interface Candidate {
  readonly route: Route;
  readonly mem?: RouteMemory | undefined;
  /** It is this network's last good route. */
  readonly lastGood?: boolean;
}

export interface Ordered {
  /** Every candidate, in the order to race them. */
  readonly routes: Route[];
  /** Delay before the second attempt, set when the first is the last good route. */
  readonly headStart?: number;
  readonly stagger: number;
  /** True when every route is cooling down or misconfigured (the caller may wait rather than race). */
  readonly allCooling: boolean;
}

const nowS = (ms: number) => Math.floor(ms / 1000);

/**
 * Orders candidates (issue 3): the last good route first with a 1 s head start (Psiphon); then
 * routes whose last word was a success, most recent first, then fastest; then the rest shuffled so
 * that load rotates and no fixed order can be learned; then routes cooling down, the soonest back
 * first; then misconfigured routes. Nothing is dropped: a statement is never given up because
 * every route is cooling. A cooling or misconfigured last good route loses its place (a route that
 * just failed blocked-like is not tried first).
 *
 * @param latenciesMs the network's recent winning attempt times, for the stagger.
 * @param tier for strategy entries (issue 12): untried ones go routes shuffled, each route's own
 *   entries in their order, round-robin (see `tiered`)
 */
export function orderRoutes(candidates: readonly Candidate[], latenciesMs: readonly number[], nowMs: number, random: Random, tier?: Tier): Ordered {
  const now = nowS(nowMs);
  const first: Candidate[] = [];
  const recent: Candidate[] = [];
  const rest: Candidate[] = [];
  const cooling: Candidate[] = [];
  const config: Candidate[] = [];
  for (const c of candidates) {
    const m = c.mem;
    if (m?.cls === 'config') config.push(c);
    else if (m?.cool !== undefined && m.cool > now) cooling.push(c);
    else if (c.lastGood && first.length === 0) first.push(c);
    else if (m?.ok !== undefined && (m.fail === undefined || m.ok >= m.fail)) recent.push(c);
    else rest.push(c);
  }
  // Routes without a latency sample sort after measured ones of the same second.
  const speed = (c: Candidate) => (c.mem?.lat?.length ? median(c.mem.lat) : Number.MAX_SAFE_INTEGER);
  recent.sort((a, b) => b.mem!.ok! - a.mem!.ok! || speed(a) - speed(b));
  cooling.sort((a, b) => a.mem!.cool! - b.mem!.cool!);
  const routes = [...first, ...recent, ...tiered(rest, random, tier), ...cooling, ...config].map((c) => c.route);
  return {
    routes,
    ...(first.length ? { headStart: HEAD_START_MS } : {}),
    stagger: staggerFrom(latenciesMs),
    allCooling: candidates.length > 0 && cooling.length + config.length === candidates.length,
  };
}
