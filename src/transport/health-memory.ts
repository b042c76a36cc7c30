/**
 * What route health remembers, and how one attempt changes it (issue 3, Build 3). Pure: no I/O,
 * the clock and the coin are arguments. Times are whole seconds since the epoch: nothing here needs
 * finer, and a seized file should say as little as possible about when the user was online.
 */
import type { FailureClass } from '../errors.js';
import type { Attempt } from './race.js';

/** One route on one network. Every field is optional: absent means "never seen". */
export interface RouteMemory {
  /** Last verified receipt over this route. */
  ok?: number;
  /** The last few winning attempt times in ms, newest last (for the stagger). */
  lat?: number[];
  /** Last failure and its class. */
  fail?: number;
  cls?: Exclude<FailureClass, 'cancelled'>;
  /** The last outcome word (CLI spec), `delivered` included. */
  out?: string;
  /** Not tried before the others until then. */
  cool?: number;
}

export interface NetworkMemory {
  /** Route key of the last route that delivered on this network. */
  good?: string;
  routes: Record<string, RouteMemory>;
}

export interface HealthFile {
  v: 1;
  /** Base64 of 16 random bytes that salt every key of this file (src/transport/health-net.ts). */
  salt: string;
  nets: Record<string, NetworkMemory>;
}

/** Psiphon keeps its last good server 24 h; so do we, for everything. */
export const MEMORY_S = 24 * 3600;
/** Issue 3: a blocked-like failure cools a route down for at least 180 s. */
export const BLOCKED_COOL_S = 180;
/** Issue 3: Retry-After is honoured up to 600 s; without one, a server error backs off 60 s. */
export const SERVER_COOL_MAX_S = 600;
export const SERVER_COOL_DEFAULT_S = 60;
/** Latency samples kept per route. */
export const LATENCY_SAMPLES = 5;

const sec = (ms: number) => Math.floor(ms / 1000);

/**
 * Applies one finished attempt to a network's memory, in place. `cancelled` attempts carry no
 * information and change nothing. When the remembered last good route fails it is forgotten only
 * when `random() < 0.5` (Psiphon forgets a failed memory only half the time: one blip should not
 * lose a route that worked), except after a config failure, which is always forgotten.
 *
 * @returns the failure class recorded, or `undefined` when nothing was recorded.
 */
export function applyAttempt(net: NetworkMemory, key: string, a: Attempt, nowMs: number, random: () => number): FailureClass | 'delivered' | undefined {
  const now = sec(nowMs);
  if (a.outcome === 'delivered' && !a.error) {
    const prev = net.routes[key];
    const lat = [...(prev?.lat ?? []), Math.max(0, Math.round(a.ms))].slice(-LATENCY_SAMPLES);
    net.routes[key] = { ok: now, lat, out: 'delivered' };
    net.good = key;
    return 'delivered';
  }
  const cls: FailureClass = a.error?.failureClass ?? 'blocked';
  if (cls === 'cancelled' || a.outcome === 'cancelled') return undefined;
  const m: RouteMemory = { ...net.routes[key], fail: now, cls, out: a.outcome };
  // Rounded up, so that a cool-down is never shorter than asked.
  const from = Math.ceil(nowMs / 1000);
  if (cls === 'server') {
    const ra = a.error?.retryAfterMs;
    const s = ra === undefined || !Number.isFinite(ra) ? SERVER_COOL_DEFAULT_S : Math.min(SERVER_COOL_MAX_S, Math.max(0, Math.ceil(ra / 1000)));
    m.cool = from + s;
  } else if (cls === 'config') {
    // Not a cool-down: the route stays last until its spec (and so its key) changes.
    delete m.cool;
  } else {
    // `blocked` and `route` (a 4xx is the route's failure, never the envelope's: wire spec 7).
    m.cool = from + BLOCKED_COOL_S;
  }
  net.routes[key] = m;
  if (net.good === key && (cls === 'config' || random() < 0.5)) delete net.good;
  return cls;
}

/**
 * Drops what is older than 24 h (issue 3: memory expires after 24 h), in place: a success and its
 * latencies by `ok`, a failure by `fail`, a route with nothing left, the last good route when its
 * success is gone, a network with no route left.
 */
export function prune(file: HealthFile, nowMs: number): void {
  const oldest = sec(nowMs) - MEMORY_S;
  for (const [nk, net] of Object.entries(file.nets)) {
    for (const [rk, m] of Object.entries(net.routes)) {
      if (m.ok !== undefined && m.ok < oldest) {
        delete m.ok;
        delete m.lat;
      }
      if (m.fail !== undefined && m.fail < oldest) {
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
}

const HEX16 = /^[0-9a-f]{16}$/;
const OUTCOME = /^[a-z0-9-]{1,32}$/;
const CLASSES = ['blocked', 'config', 'server', 'route'];
const isTime = (x: unknown) => x === undefined || (Number.isSafeInteger(x) && (x as number) >= 0);

function checkRoute(x: unknown): x is RouteMemory {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  if (Object.keys(m).some((k) => !['ok', 'lat', 'fail', 'cls', 'out', 'cool'].includes(k))) return false;
  if (!isTime(m.ok) || !isTime(m.fail) || !isTime(m.cool)) return false;
  if (m.lat !== undefined && (!Array.isArray(m.lat) || m.lat.length > LATENCY_SAMPLES || !m.lat.every((n) => Number.isSafeInteger(n) && n >= 0))) {
    return false;
  }
  if (m.cls !== undefined && !CLASSES.includes(m.cls as string)) return false;
  return m.out === undefined || (typeof m.out === 'string' && OUTCOME.test(m.out));
}

/**
 * Parses the health file strictly. Returns null (never throws) for anything that is not exactly
 * this shape: a damaged file is ignored and replaced, a statement never waits on it.
 */
export function parseHealthFile(text: string): HealthFile | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const f = o as Record<string, unknown>;
  if (f.v !== 1 || typeof f.salt !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(f.salt)) return null;
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
