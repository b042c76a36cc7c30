/**
 * Route health, persisted (issue 3, Build 3): per network, what delivered, which routes failed and
 * how, and how long the winners took. It decides the racing order and stagger
 * (src/transport/race/order.ts); it never decides whether a statement is sent.
 *
 * One file, `<home>/health.json` (mode 0600, written atomically as the outbox is). What it may
 * keep is wire spec 9 (issue 6, finding 5: the salt of its hashes sits in the same file, so
 * anything the client can read without a secret, a seizer can test offline too):
 * - without a passphrase, a plain file that names no route and no network
 *   (src/transport/race/health-plain.ts, format `{"v":2,...}`);
 * - with a passphrase (`SEALPOST_PASSPHRASE`), the full memory (src/transport/race/health-memory.ts,
 *   `{"v":3,...}`) sealed by src/crypto/at-rest.ts: the file shows only the sealing envelope.
 * Either way delivery times are kept to the hour, cool-downs until they end, all of it 24 to 25 h.
 * Files of the first format (`{"v":1,...}`, which named routes and networks in a testable form)
 * are erased on load.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AtRestError, deriveKey, envPassphrase, isSealed, open, sealWithKey, SPEC_KDF, type AtRestKey, type KdfParams } from '../../crypto/at-rest.js';
import { FullMemory, parseHealthFile, type HealthState, type Memory, type RouteHealthInfo } from './health-memory.js';
import { networkId, routeSpec } from './health-net.js';
import { parsePlainFile, PlainMemory } from './health-plain.js';
import { cryptoRandom, orderRoutes, type Ordered, type Random } from './order.js';
import type { Attempt } from './race.js';
import type { Route } from '../routes/route.js';
import { baseIdOf } from '../strategy/combos.js';

export { networkId } from './health-net.js';
export type { HealthState, RouteHealthInfo } from './health-memory.js';

/** Options of {@link RouteHealth.load}. */
export interface HealthOptions {
  /** This network's identity (default: `networkId()` of the local addresses). */
  readonly networkId?: string;
  /** The clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Randomness in [0, 1) for the shuffle and the forget coin (default: the OS CSPRNG). */
  readonly random?: Random;
  /**
   * The passphrase that seals the file (wire spec 9). Default: `SEALPOST_PASSPHRASE` when set and
   * not empty; `null` (or empty): none, whatever the environment says.
   */
  readonly passphrase?: string | null;
  /** scrypt cost (default and in use: wire spec 9's); a file sealed with others is not opened. Tests only. */
  readonly kdf?: KdfParams;
}

/** Why a sealed file was left unread: no passphrase is set, or it does not open the file. */
export type HealthLock = 'no-passphrase' | 'wrong-passphrase';

/** The i18n key of each state, for the CLI's table. */
export const HEALTH_STATE_KEYS: Readonly<Record<HealthState, string>> = {
  good: 'transport.health.state.good',
  cooling: 'transport.health.state.cooling',
  'failed-config': 'transport.health.state.failed-config',
  unknown: 'transport.health.state.unknown',
};

const LOCK_KEYS: Readonly<Record<HealthLock, string>> = {
  'no-passphrase': 'transport.health.locked-no-passphrase',
  'wrong-passphrase': 'transport.health.locked-wrong-passphrase',
};

/** @internal The racing plan of {@link RouteHealth}'s `order`. */
export interface HealthOrder extends Ordered {
  /** Routes left out: they failed with a configuration error earlier in this run (issue 3: not retried). */
  readonly skipped: Route[];
}

/** @internal What {@link RouteHealth}'s `record` learnt. */
export interface Recorded {
  /**
   * The attempts that failed with a configuration error (407, SOCKS auth, bad URL): to report at
   * once (message `transport.health.config-failed`). Later `order()` calls of this run skip them.
   */
  readonly configFailed: readonly Attempt[];
}

/**
 * The route a configuration failure belongs to: a wrong proxy password or center file is the
 * route's, whatever strategy combination met it (issue 12), so every entry of that route is left out.
 */
function configSpec(route: Route): string {
  return route.strategy ? routeSpec({ ...route, id: baseIdOf(route), strategy: undefined }) : routeSpec(route);
}

/** Larger than any honest file (routes x networks within 24 h); anything bigger is damage. */
const MAX_FILE_BYTES = 1 << 20;

/** What was found on disk. `rewrite`: it holds something that must go now (see `load`). */
interface Found {
  memory: Memory;
  key?: Promise<AtRestKey>;
  damaged?: boolean;
  locked?: HealthLock;
  rewrite?: boolean;
}

async function readDoc(file: string): Promise<{ doc?: unknown; damaged: boolean }> {
  try {
    const text = await readFile(file, 'utf8');
    return text.length <= MAX_FILE_BYTES ? { doc: JSON.parse(text), damaged: false } : { damaged: true };
  } catch (e) {
    return { damaged: (e as NodeJS.ErrnoException).code !== 'ENOENT' };
  }
}

async function find(file: string, net: string, passphrase: string | undefined, kdf: KdfParams): Promise<Found> {
  const { doc, damaged } = await readDoc(file);
  const empty = (more: Omit<Found, 'memory'> = {}): Found => {
    const salt = randomBytes(16);
    if (passphrase === undefined) return { memory: new PlainMemory(null, net, salt), ...more };
    const key = more.key ?? deriveKey(passphrase, undefined, kdf);
    key.catch(() => {}); // awaited by save(); a process that never saves must not see it as unhandled
    return { memory: new FullMemory(null, net, salt), key, ...more };
  };
  if (doc === undefined) return empty({ damaged });
  if (isSealed(doc)) {
    // Never replaced while it cannot be opened: a typo must not destroy the memory (issue 6).
    if (passphrase === undefined) return { memory: new FullMemory(null, net, randomBytes(16)), locked: 'no-passphrase' };
    try {
      const { value, key } = await open(doc, passphrase, kdf);
      const full = parseHealthFile(value);
      return full ? { memory: new FullMemory(full, net, randomBytes(16)), key: Promise.resolve(key) } : empty({ damaged: true, key: Promise.resolve(key) });
    } catch (e) {
      if (e instanceof AtRestError && e.reason === 'wrong-passphrase') return { memory: new FullMemory(null, net, randomBytes(16)), locked: 'wrong-passphrase' };
      return empty({ damaged: true });
    }
  }
  const v = (doc as { v?: unknown } | null)?.v;
  // A v1 file names routes and networks by hashes its own salt lets anyone test: erased at once.
  if (v === 1) return empty({ rewrite: true });
  const plain = v === 2 ? parsePlainFile(doc) : null;
  if (!plain) return empty({ damaged: true });
  // A passphrase now set: the plain file goes (nothing in it is worth carrying into the sealed one).
  return passphrase === undefined ? { memory: new PlainMemory(plain, net, randomBytes(16)) } : empty({ rewrite: true });
}

/**
 * Route memory of the networks this device has been on (`<home>/health.json`, wire spec 9): which
 * route delivered last and how fast, which ones are cooling down after a failure. {@link sendItem}
 * uses it to order the routes (last good first, with a head start) and learns from each race; the
 * file names no route, address or credential unless a passphrase seals it.
 * @example
 * ```ts
 * const health = await RouteHealth.load('sealpost-home');
 * const result = await sendItem(outbox, item, routes, { center, health });
 * ```
 */
export class RouteHealth {
  /** The health file's path. */
  readonly file: string;
  /** The file existed but could not be read or parsed: it was ignored and `save()` replaces it. */
  readonly damaged: boolean;
  /** The file is sealed and was not opened: its memory is not used, and `save()` leaves it as it is. */
  readonly locked: HealthLock | undefined;
  /** The memory is sealed with a passphrase when saved (wire spec 9). */
  readonly sealed: boolean;
  readonly #memory: Memory;
  readonly #key: Promise<AtRestKey> | undefined;
  readonly #clock: () => number;
  readonly #random: Random;
  /** Routes seen by order() and record(), by id: attempts name routes by id only. */
  readonly #known = new Map<string, Route>();
  /** Specs of routes that failed with a config error in this run (in memory only). */
  readonly #configNow = new Set<string>();

  private constructor(file: string, found: Found, opts: HealthOptions) {
    this.file = file;
    this.damaged = found.damaged ?? false;
    this.locked = found.locked;
    this.sealed = found.key !== undefined;
    this.#memory = found.memory;
    this.#key = found.key;
    this.#clock = opts.now ?? Date.now;
    this.#random = opts.random ?? cryptoRandom;
  }

  /**
   * Reads `<home>/health.json`. Never rejects because of the file: a missing one starts an empty
   * memory, a damaged or unreadable one is ignored (`damaged`) and replaced by `save()`, a sealed
   * one that does not open is ignored (`locked`) and kept. With a passphrase this runs scrypt
   * (about half a second). When the file held something that must not stay on disk (a cool-down
   * that has ended, expired memory, a v1 file, a plain file once a passphrase is set), it is
   * rewritten at once rather than at the next delivery (wire spec 9: cool-downs only until they end).
   */
  static async load(home: string, opts: HealthOptions = {}): Promise<RouteHealth> {
    const file = join(home, 'health.json');
    const passphrase = (opts.passphrase === undefined ? envPassphrase() : opts.passphrase) || undefined;
    const found = await find(file, opts.networkId ?? networkId(), passphrase, opts.kdf ?? SPEC_KDF);
    const h = new RouteHealth(file, found, opts);
    if (h.#memory.prune(h.#clock()) || found.rewrite) await h.save();
    return h;
  }

  /** The warning to show about the file, if any (i18n key and parameters), in the user's language. */
  get notice(): { key: string; params: { file: string } } | undefined {
    if (this.locked) return { key: LOCK_KEYS[this.locked], params: { file: this.file } };
    return this.damaged ? { key: 'transport.health.damaged', params: { file: this.file } } : undefined;
  }

  /**
   * The racing order and stagger for `routes` on this network (see `orderRoutes`). Routes that
   * failed with a configuration error earlier in this run are left out and listed in `skipped`.
   * @internal
   */
  order(routes: readonly Route[], now = this.#clock(), random = this.#random): HealthOrder {
    const kept: Route[] = [];
    const skipped: Route[] = [];
    for (const route of routes) {
      this.#known.set(route.id, route);
      (this.#configNow.has(configSpec(route)) ? skipped : kept).push(route);
    }
    const { candidates, latencies } = this.#memory.candidates(kept, now, random);
    // Strategy entries (issue 12) keep their route's order among the untried ones.
    const rank = new Map(kept.map((r, i) => [r.id, i]));
    const tier = (r: Route) => ({ group: baseIdOf(r), rank: rank.get(r.id) ?? 0 });
    return { ...orderRoutes(candidates, latencies, now, random, tier), skipped };
  }

  /**
   * The ids among `entries` (strategy combinations: src/transport/strategy/combos.ts) that this
   * network remembers as good: the last good one and recent successes not cooling down, so that
   * the expansion's cap never cuts them (issue 12: the next submission starts with the
   * combination that delivered).
   * @internal
   */
  remembered(entries: readonly Route[], now = this.#clock()): Set<string> {
    // A fixed coin: which of several entries of one kind the plain memory marks is not needed here.
    const { candidates } = this.#memory.candidates(entries, now, () => 0);
    const nowS = Math.floor(now / 1000);
    return new Set(
      candidates
        .filter((c) => c.lastGood || (c.mem?.ok !== undefined && c.mem.cls === undefined && !(c.mem.cool !== undefined && c.mem.cool > nowS)))
        .map((c) => c.route.id),
    );
  }

  /**
   * Records a race's attempts (issue 3). `delivered` makes the route (or, without a passphrase,
   * its kind) this network's last good one; `blocked` and `route` failures cool it down 180 s;
   * `server` failures back off for Retry-After (60 s without one, at most 600 s); `config` failures
   * mark it until its spec changes and are returned; `cancelled` changes nothing. An attempt is
   * matched to its route by id among the routes given here and to `order()`; an attempt of an
   * unknown route is ignored. In memory only: call `save()`.
   * @internal
   */
  record(attempts: readonly Attempt[], now = this.#clock(), routes: readonly Route[] = []): Recorded {
    for (const r of routes) this.#known.set(r.id, r);
    const configFailed: Attempt[] = [];
    // Failures first: a delivery in the same race has the last word (without a passphrase a
    // failure of another route of the winner's kind would otherwise forget the kind that just won).
    const ordered = [...attempts.filter((a) => a.outcome !== 'delivered'), ...attempts.filter((a) => a.outcome === 'delivered')];
    for (const a of ordered) {
      const route = this.#known.get(a.route);
      if (!route) continue;
      const got = this.#memory.apply(route, a, now, this.#random);
      if (got === 'config') {
        this.#configNow.add(configSpec(route));
        configFailed.push(a);
      } else if (got === 'delivered') {
        this.#configNow.delete(configSpec(route));
      }
    }
    return { configFailed };
  }

  /** @internal What is known about `route` on this network, for `sealpost routes list`. */
  describe(route: Route, now = this.#clock()): RouteHealthInfo {
    const info = this.#memory.describe(route, now);
    if (!this.#configNow.has(configSpec(route))) return info;
    const { coolUntil: _c, ...rest } = info;
    return { ...rest, state: 'failed-config' };
  }

  /**
   * Writes the memory (expired entries and ended cool-downs dropped) to `<home>/health.json`:
   * atomically, mode 0600, fsynced, sealed when there is a passphrase. Resolves false instead of
   * rejecting when it cannot write: health is a hint, and a delivered statement must not turn into
   * an error because of it. Resolves false without writing when the file is `locked`.
   */
  async save(): Promise<boolean> {
    if (this.locked) return false;
    this.#memory.prune(this.#clock());
    try {
      const doc = this.#key ? sealWithKey(this.#memory.toJSON(), await this.#key) : this.#memory.toJSON();
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, JSON.stringify(doc), { mode: 0o600, fsync: true });
      return true;
    } catch {
      return false;
    }
  }
}
