/**
 * Route health, persisted (issue 3, Build 3): per network, which route last delivered, which
 * routes failed and how, and how long the winners took. It decides the racing order and stagger
 * (src/transport/order.ts); it never decides whether a statement is sent.
 *
 * One file, `<home>/health.json` (mode 0600, written atomically as the outbox is). It holds salted
 * hashes of networks and route specs, whole-second times and latencies: no address, no URL, no
 * credential, no statement data (wire spec 9). Everything older than 24 h is dropped on load.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { applyAttempt, parseHealthFile, prune, type HealthFile, type NetworkMemory, type RouteMemory } from './health-memory.js';
import { networkId, networkKey, routeKey } from './health-net.js';
import { cryptoRandom, orderRoutes, type Ordered, type Random } from './order.js';
import type { Attempt } from './race.js';
import type { Route } from './route.js';

export { networkId } from './health-net.js';

export interface HealthOptions {
  /** This network's identity (default: `networkId()` of the local addresses). */
  readonly networkId?: string;
  /** The clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Randomness in [0, 1) for the shuffle and the forget coin (default: the OS CSPRNG). */
  readonly random?: Random;
}

export type HealthState = 'good' | 'cooling' | 'failed-config' | 'unknown';

/** What `sealpost routes list` shows for a route (times in ms since the epoch). */
export interface RouteHealthInfo {
  readonly state: HealthState;
  readonly lastSuccess?: number;
  readonly coolUntil?: number;
  readonly lastOutcome?: string;
  /** It is this network's last good route (tried first, with a head start). */
  readonly lastGood: boolean;
}

/** The i18n key of each state, for the CLI's table. */
export const HEALTH_STATE_KEYS: Readonly<Record<HealthState, string>> = {
  good: 'transport.health.state.good',
  cooling: 'transport.health.state.cooling',
  'failed-config': 'transport.health.state.failed-config',
  unknown: 'transport.health.state.unknown',
};

export interface HealthOrder extends Ordered {
  /** Routes left out: they failed with a configuration error earlier in this run (issue 3: not retried). */
  readonly skipped: Route[];
}

export interface Recorded {
  /**
   * The attempts that failed with a configuration error (407, SOCKS auth, bad URL): to report at
   * once (message `transport.health.config-failed`). Later `order()` calls of this run skip them.
   */
  readonly configFailed: readonly Attempt[];
}

/** Larger than any honest file (routes x networks within 24 h); anything bigger is damage. */
const MAX_FILE_BYTES = 1 << 20;

function fresh(): HealthFile {
  return { v: 1, salt: randomBytes(16).toString('base64'), nets: {} };
}

export class RouteHealth {
  /** The health file's path. */
  readonly file: string;
  /** The file existed but could not be read or parsed: it was ignored and `save()` replaces it. */
  readonly damaged: boolean;
  readonly #data: HealthFile;
  readonly #salt: Uint8Array;
  readonly #netKey: string;
  readonly #clock: () => number;
  readonly #random: Random;
  /** Routes seen by order() and record(), by id: attempts name routes by id only. */
  readonly #known = new Map<string, Route>();
  /** Route keys that failed with a config error in this run. */
  readonly #configNow = new Set<string>();

  private constructor(file: string, data: HealthFile, damaged: boolean, opts: HealthOptions) {
    this.file = file;
    this.damaged = damaged;
    this.#data = data;
    this.#salt = Buffer.from(data.salt, 'base64');
    this.#netKey = networkKey(opts.networkId ?? networkId(), this.#salt);
    this.#clock = opts.now ?? Date.now;
    this.#random = opts.random ?? cryptoRandom;
    prune(this.#data, this.#clock());
  }

  /**
   * Reads `<home>/health.json`. Never rejects because of the file: a missing one starts an empty
   * memory, a damaged or unreadable one is ignored (`damaged` is set) and replaced by `save()`.
   */
  static async load(home: string, opts: HealthOptions = {}): Promise<RouteHealth> {
    const file = join(home, 'health.json');
    let data: HealthFile | null = null;
    let damaged = false;
    try {
      const text = await readFile(file, 'utf8');
      data = text.length <= MAX_FILE_BYTES ? parseHealthFile(text) : null;
      damaged = data === null;
    } catch (e) {
      damaged = (e as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    return new RouteHealth(file, data ?? fresh(), damaged, opts);
  }

  get #net(): NetworkMemory {
    return (this.#data.nets[this.#netKey] ??= { routes: {} });
  }

  #mem(route: Route): { key: string; mem: RouteMemory | undefined } {
    const key = routeKey(route, this.#salt);
    return { key, mem: this.#data.nets[this.#netKey]?.routes[key] };
  }

  /**
   * The racing order and stagger for `routes` on this network (see `orderRoutes`). Routes that
   * failed with a configuration error earlier in this run are left out and listed in `skipped`.
   */
  order(routes: readonly Route[], now = this.#clock(), random = this.#random): HealthOrder {
    const net = this.#data.nets[this.#netKey];
    const candidates = [];
    const skipped: Route[] = [];
    for (const route of routes) {
      this.#known.set(route.id, route);
      const { key, mem } = this.#mem(route);
      if (this.#configNow.has(key)) skipped.push(route);
      else candidates.push({ route, mem, lastGood: net?.good === key });
    }
    const latencies = Object.values(net?.routes ?? {}).flatMap((m) => m.lat ?? []);
    return { ...orderRoutes(candidates, latencies, now, random), skipped };
  }

  /**
   * Records a race's attempts (issue 3). `delivered` makes the route this network's last good
   * one; `blocked` and `route` failures cool it down 180 s; `server` failures back off for
   * Retry-After (60 s without one, at most 600 s); `config` failures mark it until its spec changes
   * and are returned; `cancelled` changes nothing. An attempt is matched to its route by id among
   * the routes given here and to `order()`; an attempt of an unknown route is ignored.
   * In memory only: call `save()`.
   */
  record(attempts: readonly Attempt[], now = this.#clock(), routes: readonly Route[] = []): Recorded {
    for (const r of routes) this.#known.set(r.id, r);
    const configFailed: Attempt[] = [];
    for (const a of attempts) {
      const route = this.#known.get(a.route);
      if (!route) continue;
      const key = routeKey(route, this.#salt);
      const got = applyAttempt(this.#net, key, a, now, this.#random);
      if (got === 'config') {
        this.#configNow.add(key);
        configFailed.push(a);
      } else if (got === 'delivered') {
        this.#configNow.delete(key);
      }
    }
    return { configFailed };
  }

  /** What is known about `route` on this network, for `sealpost routes list`. */
  describe(route: Route, now = this.#clock()): RouteHealthInfo {
    const { key, mem: m } = this.#mem(route);
    const lastGood = this.#data.nets[this.#netKey]?.good === key;
    const state: HealthState =
      this.#configNow.has(key) || m?.cls === 'config'
        ? 'failed-config'
        : m?.cool !== undefined && m.cool * 1000 > now
          ? 'cooling'
          : m?.ok !== undefined && (m.fail === undefined || m.ok >= m.fail)
            ? 'good'
            : 'unknown';
    return {
      state,
      lastGood,
      ...(m?.ok !== undefined ? { lastSuccess: m.ok * 1000 } : {}),
      ...(state === 'cooling' ? { coolUntil: m!.cool! * 1000 } : {}),
      ...(m?.out !== undefined ? { lastOutcome: m.out } : {}),
    };
  }

  /**
   * Writes the memory (expired entries dropped) to `<home>/health.json`: atomically, mode 0600,
   * fsynced. Resolves false instead of rejecting when it cannot write: health is a hint, and a
   * delivered statement must not turn into an error because of it.
   */
  async save(): Promise<boolean> {
    prune(this.#data, this.#clock());
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, JSON.stringify(this.#data), { mode: 0o600, fsync: true });
      return true;
    } catch {
      return false;
    }
  }
}
