/**
 * Route memory without a passphrase (issue 6, finding 5; wire spec 9). Whatever the client can
 * read without a secret, so can whoever seizes the device, and the salt of every keyed hash sits
 * in the same file; so this file names no route and no network at all. Per network tag (12 bits,
 * ambiguous among candidate networks) it keeps:
 *
 * - `h`: the hour (floor(unix / 3600)) of the last delivery, nothing finer;
 * - `k`: the kind of route that last delivered (`direct`, `mirror`, `http-proxy`, `socks`, `+proxy`
 *   when through the user's proxy), which says what works here without saying which route;
 * - `s`: the shape of the strategy that last delivered (issue 12: `https/tlsfrag:sni`, the
 *   resolver's kind and the TLS text; absent for the plain one), naming no resolver;
 * - `lat`: the recent winning times (to 10 ms), for the stagger;
 * - `cool`: cool-downs by an 8-bit route tag (about one in 256 candidate routes shares it), each
 *   `[end (s), outcome, class]`, kept only until it ends. A config failure is held back until the
 *   end of the day's memory, to the hour, as the full memory holds it until it expires.
 *
 * Ordering: the routes of the remembered kind first (the first of them gets the head start), then
 * the rest shuffled, cooling ones last. Everything goes 24 to 25 h after its hour.
 */
import { fromBase64 } from '../../crypto/base64.js';
import { coolEnd, expired, HOUR_S, LATENCY_SAMPLES, learned, MEMORY_S, roundLatency, type Learned, type Memory, type RouteHealthInfo, type RouteMemory } from './health-memory.js';
import { networkTag, ROUTE_KINDS, routeKindWord, routeTag, strategyShape, type RouteKindWord } from './health-net.js';
import { shuffle, type Candidate, type Random } from './order.js';
import type { Attempt } from './race.js';
import type { Route } from '../routes/route.js';

type CoolClass = 'blocked' | 'server' | 'route' | 'config';
export type CoolEntry = [end: number, outcome: string, cls: CoolClass];

export interface PlainNet {
  h?: number;
  k?: RouteKindWord;
  s?: string;
  lat?: number[];
  cool?: Record<string, CoolEntry>;
}

export interface PlainFile {
  v: 2;
  /** Base64 of 16 random bytes: the HMAC key of the tags (src/transport/race/health-net.ts). */
  salt: string;
  nets: Record<string, PlainNet>;
}

const sec = (ms: number) => Math.floor(ms / 1000);

export class PlainMemory implements Memory {
  readonly #file: PlainFile;
  readonly #salt: Uint8Array;
  readonly #tag: string;

  /** @param file a parsed file (`parsePlainFile`) or null for a new one with `salt` (16 bytes). */
  constructor(file: PlainFile | null, networkId: string, salt: Uint8Array) {
    this.#file = file ?? { v: 2, salt: Buffer.from(salt).toString('base64'), nets: {} };
    this.#salt = file ? fromBase64(file.salt, 16)! : salt;
    this.#tag = networkTag(networkId, this.#salt);
  }

  get #net(): PlainNet | undefined {
    return this.#file.nets[this.#tag];
  }

  /** The cool-down entry of `route`, while it lasts (a config mark lasts until pruned). */
  #cool(route: Route, nowMs: number): CoolEntry | undefined {
    const c = this.#net?.cool?.[routeTag(route, this.#salt)];
    return c && (c[2] === 'config' || c[0] > sec(nowMs)) ? c : undefined;
  }

  #ofKind(route: Route): boolean {
    const n = this.#net;
    return n?.k !== undefined && n.h !== undefined && routeKindWord(route) === n.k && strategyShape(route) === n.s;
  }

  /**
   * Shuffled first, so that among the routes of the remembered kind the one given the head start
   * is random; `orderRoutes` keeps that order among equal successes (its sort is stable).
   */
  candidates(routes: readonly Route[], nowMs: number, random: Random): { candidates: Candidate[]; latencies: number[] } {
    const ok = (this.#net?.h ?? 0) * HOUR_S;
    let first = true;
    const candidates = shuffle(routes, random).map((route): Candidate => {
      const c = this.#cool(route, nowMs);
      if (c) {
        const mem: RouteMemory = { cls: c[2], out: c[1], ...(c[2] === 'config' ? {} : { cool: c[0] }) };
        return { route, mem };
      }
      if (!this.#ofKind(route)) return { route };
      const lastGood = first;
      first = false;
      return { route, mem: { ok }, lastGood };
    });
    return { candidates, latencies: [...(this.#net?.lat ?? [])] };
  }

  /**
   * A delivery sets the hour, the kind and a winning time, and ends the route's cool-down; a
   * failure cools the route's tag down, and forgets the kind when it was that kind's (Psiphon's
   * coin, as the full memory: always after a config failure, else when `random() < 0.5`).
   */
  apply(route: Route, a: Attempt, nowMs: number, random: Random): Learned {
    const got = learned(a);
    if (got === undefined) return undefined;
    const net = (this.#file.nets[this.#tag] ??= {});
    const tag = routeTag(route, this.#salt);
    if (got === 'delivered') {
      net.h = Math.floor(sec(nowMs) / HOUR_S);
      net.k = routeKindWord(route);
      const shape = strategyShape(route);
      if (shape === undefined) delete net.s;
      else net.s = shape;
      net.lat = [...(net.lat ?? []), roundLatency(a.ms)].slice(-LATENCY_SAMPLES);
      if (net.cool) delete net.cool[tag];
      return got;
    }
    // A config mark is held to the hour, until the day's memory of this hour would expire.
    const end = coolEnd(got, a, nowMs) ?? (Math.floor(sec(nowMs) / HOUR_S) * HOUR_S + HOUR_S + MEMORY_S);
    (net.cool ??= {})[tag] = [end, a.outcome, got];
    if (net.k === routeKindWord(route) && net.s === strategyShape(route) && (got === 'config' || random() < 0.5)) {
      delete net.k;
      delete net.s;
    }
    return got;
  }

  describe(route: Route, nowMs: number): RouteHealthInfo {
    const c = this.#cool(route, nowMs);
    if (c) return c[2] === 'config' ? { state: 'failed-config', lastGood: false, lastOutcome: c[1] } : { state: 'cooling', lastGood: false, coolUntil: c[0] * 1000, lastOutcome: c[1] };
    if (!this.#ofKind(route)) return { state: 'unknown', lastGood: false };
    return { state: 'good', lastGood: true, lastSuccess: this.#net!.h! * HOUR_S * 1000 };
  }

  prune(nowMs: number): boolean {
    const before = JSON.stringify(this.#file.nets);
    for (const [tag, net] of Object.entries(this.#file.nets)) {
      if (net.h !== undefined && expired(net.h * HOUR_S, nowMs)) {
        delete net.h;
        delete net.k;
        delete net.lat;
      }
      if (net.h === undefined) delete net.k;
      if (net.k === undefined) delete net.s;
      for (const [rt, c] of Object.entries(net.cool ?? {})) if (c[0] <= sec(nowMs)) delete net.cool![rt];
      if (net.cool && Object.keys(net.cool).length === 0) delete net.cool;
      if (Object.keys(net).length === 0) delete this.#file.nets[tag];
    }
    return JSON.stringify(this.#file.nets) !== before;
  }

  toJSON(): PlainFile {
    return this.#file;
  }
}

const OUTCOME = /^[a-z0-9-]{1,32}$/;
/** A strategy shape (health-net.ts `strategyShape`): resolver kind / TLS text. */
const SHAPE = /^(system|https|tls)\/[a-z0-9:|]{0,64}$/;
const CLASSES: readonly string[] = ['blocked', 'server', 'route', 'config'];
const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

function checkNet(n: unknown): n is PlainNet {
  if (typeof n !== 'object' || n === null || Array.isArray(n)) return false;
  const net = n as Record<string, unknown>;
  if (Object.keys(net).some((k) => !['h', 'k', 's', 'lat', 'cool'].includes(k))) return false;
  if (net.s !== undefined && (typeof net.s !== 'string' || !SHAPE.test(net.s))) return false;
  if (net.h !== undefined && !isCount(net.h)) return false;
  if (net.k !== undefined && !(ROUTE_KINDS as readonly unknown[]).includes(net.k)) return false;
  if (net.lat !== undefined && (!Array.isArray(net.lat) || net.lat.length > LATENCY_SAMPLES || !net.lat.every(isCount))) return false;
  if (net.cool === undefined) return true;
  if (typeof net.cool !== 'object' || net.cool === null || Array.isArray(net.cool)) return false;
  return Object.entries(net.cool).every(
    ([t, c]) => /^[0-9a-f]{2}$/.test(t) && Array.isArray(c) && c.length === 3 && isCount(c[0]) && typeof c[1] === 'string' && OUTCOME.test(c[1]) && CLASSES.includes(c[2] as string),
  );
}

/** Checks a plain health file strictly; null (never throws) for anything else. */
export function parsePlainFile(o: unknown): PlainFile | null {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const f = o as Record<string, unknown>;
  if (Object.keys(f).length !== 3 || f.v !== 2 || typeof f.salt !== 'string' || !fromBase64(f.salt, 16)) return null;
  if (typeof f.nets !== 'object' || f.nets === null || Array.isArray(f.nets)) return null;
  for (const [tag, n] of Object.entries(f.nets)) if (!/^[0-9a-f]{3}$/.test(tag) || !checkNet(n)) return null;
  return f as unknown as PlainFile;
}
