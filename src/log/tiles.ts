/**
 * C2SP tlog-tiles (wire spec 5): the log as static files. Hash tiles have height 8: tile (L, N)
 * holds the hashes of the nodes at height 8·L with indexes 256·N .. 256·N+255 (level 0: the leaf
 * hashes); a partial tile `.p/<W>` holds the first W. Entry bundles `tile/entries/<N>` hold leaves
 * 256·N .. as a big-endian u16 length and the leaf's bytes each. Pure; client-safe.
 *
 * {@link TileHashReader} reads stored hashes (src/log/merkle.ts) out of fetched tiles, so a
 * client computes a proof itself from files any mirror can serve, and the server learns only which
 * tiles were fetched (a block of 256 leaves, never the index).
 */
import { HASH_SIZE, nodeHash, storedHashIndex, type Hash, type HashReader } from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** `N` in a tile path: groups of three digits, every group but the last prefixed by `x`. */
export function tileIndexPath(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad tile index ${n}`);
  let s = String(n);
  while (s.length % 3 !== 0) s = `0${s}`;
  const groups = s.match(/.../g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]` (W = 256 means a full tile, no suffix). */
export function tilePath(level: number, n: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`bad tile width ${width}`);
  return `tile/${level}/${tileIndexPath(n)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entriesPath(n: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`bad bundle width ${width}`);
  return `tile/entries/${tileIndexPath(n)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/**
 * Parses a tile path back (`tile/<L>/<N>[.p/<W>]` or `tile/entries/...`); null when it is not one.
 * Strict (no leading zeros beyond the 3-digit groups, W 1..255): a server maps a path to one tile only.
 */
export function parseTilePath(path: string): { level: number | 'entries'; n: number; width: number } | null {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!m) return null;
  const groups = m[2]!.split('/').map((g) => g.replace(/^x/, ''));
  if (groups.length > 1 && groups[0] === '000') return null;
  const n = Number(groups.join(''));
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (!Number.isSafeInteger(n) || (m[3] !== undefined && width >= TILE_WIDTH)) return null;
  return { level: m[1] === 'entries' ? 'entries' : Number(m[1]), n, width };
}

/** The width tile (L, N) has in a tree of `size` leaves (0 when it has no hash yet). */
export function tileWidth(level: number, n: number, size: number): number {
  const nodes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
  return Math.max(0, Math.min(TILE_WIDTH, nodes - n * TILE_WIDTH));
}

/** The stored-hash positions of tile (L, N) at `width`, in order (the tile's bytes are their hashes concatenated). */
export function tilePositions(level: number, n: number, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(storedHashIndex(TILE_HEIGHT * level, n * TILE_WIDTH + i));
  return out;
}

/** An entry bundle's bytes: each leaf as u16be length || leaf. */
export function encodeBundle(leaves: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(leaves.reduce((a, l) => a + 2 + l.length, 0));
  let at = 0;
  for (const l of leaves) {
    if (l.length > 0xffff) throw new RangeError('leaf too long for an entry bundle');
    out[at] = l.length >> 8;
    out[at + 1] = l.length & 0xff;
    out.set(l, at + 2);
    at += 2 + l.length;
  }
  return out;
}

/** Splits an entry bundle; throws RangeError when its framing is broken. */
export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) throw new RangeError('entry bundle cut short');
    const len = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + len > bytes.length) throw new RangeError('entry bundle cut short');
    out.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}

/** Position of a stored hash → (level, n) of its node (tlog.SplitStoredHashIndex). */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  let n = Math.floor(index / 2);
  let at = storedIndex0(n);
  if (at > index) throw new Error('bad stored-hash arithmetic');
  for (;;) {
    // Leaf n adds 1 + trailing-zeros(n + 1) hashes.
    const next = at + 1 + trailingZeros(n + 1);
    if (next > index) break;
    n++;
    at = next;
  }
  const level = index - at;
  return { level, n: Math.floor(n / 2 ** level) };
}

function storedIndex0(n: number): number {
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i;
}

function trailingZeros(x: number): number {
  let z = 0;
  while (x > 0 && x % 2 === 0) {
    x /= 2;
    z++;
  }
  return z;
}

/** Fetches one tile's bytes by its path (relative to the log's prefix); the reader checks the length. */
export type TileFetch = (path: string) => Promise<Uint8Array>;

/**
 * A HashReader for a tree of `size` leaves, from hash tiles: each stored hash is a node at some
 * height h; it is read from the tile of level floor(h / 8) (hashing up the 2^(h mod 8) entries under
 * it). Every tile needed by one batch is fetched once, at the width the tree of `size` gives it.
 * Tiles are not trusted: a wrong hash makes the proof fail against the signed root.
 */
export class TileHashReader implements HashReader {
  readonly #fetch: TileFetch;
  readonly #size: number;
  readonly #cache = new Map<string, Promise<Uint8Array>>();
  /** Paths fetched so far (what a mirror saw). */
  readonly fetched: string[] = [];

  constructor(size: number, fetch: TileFetch) {
    this.#size = size;
    this.#fetch = fetch;
  }

  #tile(level: number, n: number): Promise<Uint8Array> {
    const width = tileWidth(level, n, this.#size);
    if (width === 0) return Promise.reject(new RangeError(`tile ${level}/${n} is empty at size ${this.#size}`));
    const path = tilePath(level, n, width);
    let p = this.#cache.get(path);
    if (!p) {
      this.fetched.push(path);
      p = this.#fetch(path).then((b) => {
        if (b.length !== width * HASH_SIZE) throw new RangeError(`${path}: ${b.length} bytes, expected ${width * HASH_SIZE}`);
        return b;
      });
      this.#cache.set(path, p);
    }
    return p;
  }

  async readHashes(indexes: readonly number[]): Promise<Hash[]> {
    const nodes = indexes.map(splitStoredHashIndex);
    return Promise.all(nodes.map((node) => this.#node(node.level, node.n)));
  }

  async #node(level: number, n: number): Promise<Hash> {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const up = level - tileLevel * TILE_HEIGHT;
    const span = 2 ** up;
    const first = n * span;
    const tileN = Math.floor(first / TILE_WIDTH);
    const bytes = await this.#tile(tileLevel, tileN);
    const at = first - tileN * TILE_WIDTH;
    if ((at + span) * HASH_SIZE > bytes.length) throw new RangeError(`node ${level}/${n} is not complete at size ${this.#size}`);
    let row: Hash[] = [];
    for (let i = 0; i < span; i++) row.push(bytes.subarray((at + i) * HASH_SIZE, (at + i + 1) * HASH_SIZE));
    while (row.length > 1) {
      const next: Hash[] = [];
      for (let i = 0; i < row.length; i += 2) next.push(nodeHash(row[i]!, row[i + 1]!));
      row = next;
    }
    return new Uint8Array(row[0]!);
  }
}
