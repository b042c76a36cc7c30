/**
 * The full route memory (issue 3, Build 3), kept only in a file sealed with a passphrase (issue 6,
 * finding 5; the memory kept without one is src/transport/race/health-plain.ts), and how one attempt
 * changes it. Pure: no I/O, the clock and the coin are arguments. Times are seconds since the
 * epoch, but a success or a failure is kept to the hour (wire spec 9: delivery times no finer than
 * the hour); only a cool-down's end is to the second, and it is dropped once it has passed.
 */
import type { FailureClass } from '../../errors.js';
import { fromBase64 } from '../../crypto/base64.js';
import { networkKey, routeKey } from './health-net.js';
import type { Candidate, Random } from './order.js';
import type { Attempt } from './race.js';
import type { Route } from '../routes/route.js';

export type HealthState = 'good' | 'cooling' | 'failed-config' | 'unknown';

/** What `sealpost routes list` shows for a route (times in ms since the epoch). */
export interface RouteHealthInfo {
  readonly state: HealthState;
  /** The start of the hour of the last verified receipt (wire spec 9: no finer). */
  readonly lastSuccess?: number;
  readonly coolUntil?: number;
  readonly lastOutcome?: string;
  /**
   * Tried first, with a head start: this network's last good route; without a passphrase, a route
   * of the kind that last delivered (the file names no route: src/transport/race/health-plain.ts).
   */
  readonly lastGood: boolean;
}

export type Learned = Exclude<FailureClass, 'cancelled'> | 'delivered' | undefined;

/**
 * A network's route memory as one kind of health file keeps it: the full one (sealed with a
 * passphrase, below) or the plain one (src/transport/race/health-plain.ts). Pure: no I/O.
 */
export interface Memory {
  /** The routes with what is known of each, for `orderRoutes`, and this network's recent winning times. */
  candidates(routes: readonly Route[], nowMs: number, random: Random): { candidates: Candidate[]; latencies: number[] };
  /** Learns from one finished attempt over `route` (see `applyAttempt`); returns what it recorded. */
  apply(route: Route, a: Attempt, nowMs: number, random: Random): Learned;
  describe(route: Route, nowMs: number): RouteHealthInfo;
  /** Drops what has expired and cool-downs that have ended; returns whether anything was dropped. */
  prune(nowMs: number): boolean;
  /** The document to store (sealed or not by the caller). */
  toJSON(): unknown;
}

/** One route on one network. Every field is optional: absent means "never seen". */
export interface RouteMemory {
  /** Last verified receipt over this route: the start of its hour. */
  ok?: number;
  /** The last few winning attempt times in ms, newest last (for the stagger). */
  lat?: number[];
  /** Last failure (the start of its hour) and its class; absent when the last word was a success. */
  fail?: number;
  cls?: Exclude<FailureClass, 'cancelled'>;
  /** The last outcome word (CLI spec), `delivered` included. */
  out?: string;
  /** Not tried before the others until then (to the second; dropped once passed). */
  cool?: number;
}

export interface NetworkMemory {
  /** Route key of the last route that delivered on this network. */
  good?: string;
  routes: Record<string, RouteMemory>;
}

/** The plaintext of a sealed health file (src/crypto/at-rest.ts). */
export interface HealthFile {
  v: 3;
  /** Base64 of 16 random bytes that salt every key of this file (src/transport/race/health-net.ts). */
  salt: string;
  nets: Record<string, NetworkMemory>;
}

/** Psiphon keeps its last good server 24 h; so do we, for everything. */
export const MEMORY_S = 24 * 3600;
export const HOUR_S = 3600;
/** Issue 3: a blocked-like failure cools a route down for at least 180 s. */
export const BLOCKED_COOL_S = 180;
/** Issue 3: Retry-After is honoured up to 600 s; without one, a server error backs off 60 s. */
export const SERVER_COOL_MAX_S = 600;
export const SERVER_COOL_DEFAULT_S = 60;
/** Latency samples kept per route. */
export const LATENCY_SAMPLES = 5;

const sec = (ms: number) => Math.floor(ms / 1000);
/** The start of the hour of `ms`, in seconds (wire spec 9). */
export const hourOf = (ms: number) => Math.floor(ms / 1000 / HOUR_S) * HOUR_S;
/**
 * Whether something kept for the hour starting at `hourS` has expired: after 24 h counted from the
 * end of that hour (so a memory lasts between 24 and 25 h, never less than Psiphon's 24 h).
 */
export const expired = (hourS: number, nowMs: number) => hourS + HOUR_S + MEMORY_S <= sec(nowMs);
/** Winning times are kept to 10 ms: the stagger needs no finer, and a path says less about itself. */
export const roundLatency = (ms: number) => Math.max(0, Math.round(ms / 10) * 10);

/**
 * When a route that failed with `cls` may be tried before the others again, in seconds since the
 * epoch (issue 3): `server` after Retry-After (60 s without one, at most 600 s), `blocked` and
 * `route` (a 4xx is the route's failure, never the envelope's: wire spec 7) after 180 s. Undefined
 * for `config`, which is not a cool-down. Rounded up, so that a cool-down is never shorter than asked.
 */
export function coolEnd(cls: Exclude<FailureClass, 'cancelled'>, a: Attempt, nowMs: number): number | undefined {
  const from = Math.ceil(nowMs / 1000);
  if (cls === 'config') return undefined;
  if (cls !== 'server') return from + BLOCKED_COOL_S;
  const ra = a.error?.retryAfterMs;
  return from + (ra === undefined || !Number.isFinite(ra) ? SERVER_COOL_DEFAULT_S : Math.min(SERVER_COOL_MAX_S, Math.max(0, Math.ceil(ra / 1000))));
}

/** What an attempt says: `delivered`, a failure class, or undefined for a cancelled one (no information). */
export function learned(a: Attempt): Learned {
  if (a.outcome === 'delivered' && !a.error) return 'delivered';
  const cls: FailureClass = a.error?.failureClass ?? 'blocked';
  return cls === 'cancelled' || a.outcome === 'cancelled' ? undefined : cls;
}

/**
 * Applies one finished attempt to a network's full memory, in place. `cancelled` attempts carry no
 * information and change nothing. When the remembered last good route fails it is forgotten only
 * when `random() < 0.5` (Psiphon forgets a failed memory only half the time: one blip should not
 * lose a route that worked), except after a config failure, which is always forgotten. A config
 * failure is not a cool-down: the route stays last until its spec (and so its key) changes.
 *
 * @returns the failure class recorded, `delivered`, or `undefined` when nothing was recorded.
 */
export function applyAttempt(net: NetworkMemory, key: string, a: Attempt, nowMs: number, random: () => number): Learned {
  const got = learned(a);
  if (got === undefined) return undefined;
  const hour = hourOf(nowMs);
  if (got === 'delivered') {
    const lat = [...(net.routes[key]?.lat ?? []), roundLatency(a.ms)].slice(-LATENCY_SAMPLES);
    net.routes[key] = { ok: hour, lat, out: 'delivered' };
    net.good = key;
    return got;
  }
  const { cool: _old, ...prev } = net.routes[key] ?? {};
  const cool = coolEnd(got, a, nowMs);
  net.routes[key] = { ...prev, fail: hour, cls: got, out: a.outcome, ...(cool !== undefined ? { cool } : {}) };
  if (net.good === key && (got === 'config' || random() < 0.5)) delete net.good;
  return got;
}

/**
 * Drops, in place, what has expired (issue 3: memory expires after 24 h, see `expired`) and every
 * cool-down that has ended (wire spec 9: kept only until they end): a success and its latencies by
 * `ok`, a failure by `fail`, a route with nothing left, the last good route when its success is
 * gone, a network with no route left.
 *
 * @returns whether anything was dropped (the caller then rewrites the file).
 */
export function prune(file: HealthFile, nowMs: number): boolean {
  const before = JSON.stringify(file.nets);
  for (const [nk, net] of Object.entries(file.nets)) {
    for (const [rk, m] of Object.entries(net.routes)) {
      if (m.ok !== undefined && expired(m.ok, nowMs)) {
        delete m.ok;
        delete m.lat;
      }
      if (m.cool !== undefined && m.cool <= sec(nowMs)) delete m.cool;
      if (m.fail !== undefined && expired(m.fail, nowMs)) {
        delete m.fail;
        delete m.cls;
        delete m.cool;
      }
      if (m.ok === undefined && m.fail === undefined) delete net.routes[rk];
      else if (m.out === 'delivered' ? m.ok === undefined : m.fail === undefined) delete m.out;
    }
    if (net.good !== undefined && net.routes[net.good]?.ok === undefined) delete net.good;
    if (Object.keys(net.routes).length === 0) delete file.nets[nk];
  }
  return JSON.stringify(file.nets) !== before;
}

const HEX16 = /^[0-9a-f]{16}$/;
const OUTCOME = /^[a-z0-9-]{1,32}$/;
const CLASSES = ['blocked', 'config', 'server', 'route'];
const isTime = (x: unknown) => x === undefined || (Number.isSafeInteger(x) && (x as number) >= 0);
const isHour = (x: unknown) => x === undefined || (isTime(x) && (x as number) % HOUR_S === 0);

function checkRoute(x: unknown): x is RouteMemory {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  if (Object.keys(m).some((k) => !['ok', 'lat', 'fail', 'cls', 'out', 'cool'].includes(k))) return false;
  if (!isHour(m.ok) || !isHour(m.fail) || !isTime(m.cool)) return false;
  if (m.lat !== undefined && (!Array.isArray(m.lat) || m.lat.length > LATENCY_SAMPLES || !m.lat.every((n) => Number.isSafeInteger(n) && n >= 0))) {
    return false;
  }
  if (m.cls !== undefined && !CLASSES.includes(m.cls as string)) return false;
  return m.out === undefined || (typeof m.out === 'string' && OUTCOME.test(m.out));
}

/**
 * Checks the plaintext of a sealed health file strictly. Returns null (never throws) for anything
 * that is not exactly this shape: a damaged file is ignored and replaced, a statement never waits
 * on it.
 */
export function parseHealthFile(o: unknown): HealthFile | null {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const f = o as Record<string, unknown>;
  if (f.v !== 3 || typeof f.salt !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(f.salt)) return null;
  if (typeof f.nets !== 'object' || f.nets === null || Array.isArray(f.nets)) return null;
  for (const [nk, n] of Object.entries(f.nets)) {
    if (!HEX16.test(nk) || typeof n !== 'object' || n === null) return null;
    const net = n as Record<string, unknown>;
    if (net.good !== undefined && (typeof net.good !== 'string' || !HEX16.test(net.good))) return null;
    if (typeof net.routes !== 'object' || net.routes === null || Array.isArray(net.routes)) return null;
    for (const [rk, m] of Object.entries(net.routes)) if (!HEX16.test(rk) || !checkRoute(m)) return null;
  }
  return f as unknown as HealthFile;
}

/** The view `orderRoutes` gets: a route whose last word was a failure is not a recent success (hours are coarse). */
function view(m: RouteMemory): RouteMemory {
  if (m.fail === undefined) return m;
  const { ok: _ok, lat: _lat, ...failed } = m;
  return failed;
}

/** The full memory of one network in a sealed file (wire spec 9: readable only with the passphrase). */
export class FullMemory implements Memory {
  readonly #file: HealthFile;
  readonly #salt: Uint8Array;
  readonly #netKey: string;

  /** @param file a parsed file (`parseHealthFile`) or null for a new one with a fresh `salt` (16 bytes). */
  constructor(file: HealthFile | null, networkId: string, salt: Uint8Array) {
    this.#file = file ?? { v: 3, salt: Buffer.from(salt).toString('base64'), nets: {} };
    this.#salt = file ? fromBase64(file.salt, 16)! : salt;
    this.#netKey = networkKey(networkId, this.#salt);
  }

  candidates(routes: readonly Route[]): { candidates: Candidate[]; latencies: number[] } {
    const net = this.#file.nets[this.#netKey];
    const candidates = routes.map((route) => {
      const key = routeKey(route, this.#salt);
      const m = net?.routes[key];
      return { route, mem: m && view(m), lastGood: net?.good === key };
    });
    return { candidates, latencies: Object.values(net?.routes ?? {}).flatMap((m) => m.lat ?? []) };
  }

  apply(route: Route, a: Attempt, nowMs: number, random: Random): Learned {
    if (learned(a) === undefined) return undefined;
    const net = (this.#file.nets[this.#netKey] ??= { routes: {} });
    return applyAttempt(net, routeKey(route, this.#salt), a, nowMs, random);
  }

  describe(route: Route, nowMs: number): RouteHealthInfo {
    const net = this.#file.nets[this.#netKey];
    const key = routeKey(route, this.#salt);
    const m = net?.routes[key];
    const state: HealthState =
      m?.cls === 'config' ? 'failed-config' : m?.cool !== undefined && m.cool * 1000 > nowMs ? 'cooling' : m?.ok !== undefined && m.fail === undefined ? 'good' : 'unknown';
    return {
      state,
      lastGood: net?.good === key,
      ...(m?.ok !== undefined ? { lastSuccess: m.ok * 1000 } : {}),
      ...(state === 'cooling' ? { coolUntil: m!.cool! * 1000 } : {}),
      ...(m?.out !== undefined ? { lastOutcome: m.out } : {}),
    };
  }

  prune(nowMs: number): boolean {
    return prune(this.#file, nowMs);
  }

  toJSON(): HealthFile {
    return this.#file;
  }
}
