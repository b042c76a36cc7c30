/**
 * Where `verify` reads the received log from (wire spec 5 and 7), always over the user's routes
 * (through the proxy when one is configured): the intake's API on a route, and tiles — the route's
 * `/v1/log/` or a center file's tiles mirror reached the same way. Tiles and proofs are not
 * trusted: every hash read here is checked against a signed checkpoint by the caller.
 */
import { RouteError } from '../errors.js';
import { fromBase64 } from '../crypto/base64.js';
import { parseCheckpointText } from '../log/checkpoint.js';
import { parseNote } from '../crypto/note.js';
import type { Hash, HashReader } from '../log/merkle.js';
import { decodeBundle, entriesPath, TileHashReader, tileWidth, TILE_WIDTH } from '../log/tiles.js';
import type { Route } from '../transport/routes/route.js';

/** An answer to a GET: its status and body. */
export interface GetAnswer {
  readonly status: number;
  readonly body: Uint8Array;
}

/**
 * One GET of `path` (relative to the route's base URL) over `route`. Resolves with any status;
 * rejects (RouteError) when the route did not answer.
 */
export type RouteGet = (route: Route, path: string, signal: AbortSignal) => Promise<GetAnswer>;

/** The default {@link RouteGet}: src/transport/request.ts, loaded on use (undici is not needed to list). */
export const routeGet: RouteGet = async (route, path, signal) => {
  const { requestOverRoute } = await import('../transport/request.js');
  const a = await requestOverRoute(route, { method: 'GET', path }, signal);
  return { status: a.status, body: a.body };
};

/** A tiles mirror reached as `route` reaches the center: same tunnel and proxy, the mirror's own host. */
export function mirrorRoute(route: Route, base: string, n: number): Route {
  // A pinned address, SNI and trust anchors belong to the center's host, not the mirror's.
  const { connect: _c, servername: _s, ca: _a, ...rest } = route;
  return { ...rest, id: `${route.id}~tiles-${n}`, url: new URL(base) };
}

/** One way to fetch a checkpoint: a route's API, or a tiles mirror reached over a route's tunnel. */
export interface Entry {
  readonly id: string;
  readonly route: Route;
  /** The route it goes over (itself for an API entry). */
  readonly base: Route;
  /** Index of the center file's tiles mirror, for a mirror entry. */
  readonly mirror?: number;
}

/**
 * The race's entries: every route's API, then each tiles mirror once per distinct tunnel (the
 * same proxy reaches a mirror the same way whichever route it came from), so that a blocked center
 * still verifies from a mirror its routes reach.
 */
export function raceEntries(routes: readonly Route[], tiles: readonly string[]): Entry[] {
  const out: Entry[] = routes.map((r) => ({ id: r.id, route: r, base: r }));
  const tunnels = new Map<string, Route>();
  for (const r of routes) {
    const key = `${r.proxy?.href ?? ''}|${r.via?.href ?? ''}`;
    if (!tunnels.has(key)) tunnels.set(key, r);
  }
  tiles.forEach((u, i) => {
    for (const r of tunnels.values()) {
      const m = mirrorRoute(r, u, i + 1);
      out.push({ id: m.id, route: m, base: r, mirror: i });
    }
  });
  return out;
}

/** A GET that failed with a status (not a route failure). */
export class NotServed extends Error {
  override name = 'NotServed' as const;
  constructor(readonly path: string, readonly status: number) {
    super(`${path}: HTTP ${status}`);
  }
}

/** The log as one route or mirror serves it in the tlog-tiles layout (spec 5). */
export class TileSource {
  readonly #readers = new Map<number, HashReader>();
  /** Tile paths requested so far (what this mirror saw: blocks of 256 leaves, never an index). */
  readonly fetched: string[] = [];

  /**
   * @param label how messages name it (the route id, or the route id and the mirror)
   * @param route the route (or mirror route) to fetch over
   * @param prefix the tiles' folder relative to the route's base URL (`v1/log/`, or `` for a mirror)
   */
  constructor(
    readonly label: string,
    readonly route: Route,
    readonly prefix: string,
    readonly get: RouteGet,
    readonly signal: AbortSignal,
  ) {}

  /** GET of a file under the prefix; NotServed for a non-200 answer, RouteError when unreachable. */
  async file(path: string): Promise<Uint8Array> {
    const a = await this.get(this.route, this.prefix + path, this.signal);
    if (a.status !== 200) throw new NotServed(path, a.status);
    return a.body;
  }

  /** The source's `checkpoint` note, or null when it serves none (not a tiles source). */
  async checkpoint(): Promise<string | null> {
    try {
      return Buffer.from(await this.file('checkpoint')).toString('utf8');
    } catch (err) {
      if (err instanceof NotServed) return null;
      throw err;
    }
  }

  /**
   * Stored hashes of the tree of `size` leaves, read from tiles. A partial tile of that size may be
   * gone once the log grew (tlog-tiles: only the current width is served); the hashes of the tree
   * of `size` are in the wider tiles too, so on a 404 the source's current checkpoint size is used.
   */
  reader(size: number): HashReader {
    const known = this.#readers.get(size);
    if (known) return known;
    const tiles = (n: number) => new TileHashReader(n, (path) => this.#tile(path));
    let current = tiles(size);
    const reader: HashReader = {
      readHashes: async (indexes) => {
        try {
          return await current.readHashes(indexes);
        } catch (err) {
          if (!(err instanceof NotServed)) throw err;
          const note = await this.checkpoint();
          const now = note ? parseCheckpointText(parseNote(note).text).size : 0;
          if (now <= size) throw err;
          current = tiles(now);
          return current.readHashes(indexes);
        }
      },
    };
    this.#readers.set(size, reader);
    return reader;
  }

  async #tile(path: string): Promise<Uint8Array> {
    this.fetched.push(path);
    return this.file(path);
  }

  /** The leaves of the entry bundle holding leaf `index` in a tree of `size` (the whole block of 256). */
  async bundle(index: number, size: number): Promise<{ first: number; leaves: Uint8Array[] }> {
    const n = Math.floor(index / TILE_WIDTH);
    const path = entriesPath(n, tileWidth(0, n, size));
    this.fetched.push(path);
    let bytes: Uint8Array;
    try {
      bytes = await this.file(path);
    } catch (err) {
      if (!(err instanceof NotServed)) throw err;
      bytes = await this.file(entriesPath(n));
    }
    return { first: n * TILE_WIDTH, leaves: decodeBundle(bytes) };
  }
}

/** A proof fetched from the intake's API (spec 7); the hashes are checked by the caller. */
export async function apiProof(get: RouteGet, route: Route, path: string, signal: AbortSignal): Promise<Hash[]> {
  const a = await get(route, path, signal);
  if (a.status !== 200) throw new NotServed(path, a.status);
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(a.body).toString('utf8'));
  } catch {
    throw new RouteError('error', 'server', `${path}: not JSON`);
  }
  const hashes = (o as { hashes?: unknown }).hashes;
  if (!Array.isArray(hashes)) throw new RouteError('error', 'server', `${path}: no hashes`);
  // A malformed hash becomes an empty one: the proof then fails its check (it is the server's lie).
  return hashes.map((h) => (typeof h === 'string' ? fromBase64(h, 32) : null) ?? new Uint8Array(0));
}
