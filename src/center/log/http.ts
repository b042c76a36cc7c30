/**
 * The received log's HTTP answers (wire spec 7): `GET /v1/checkpoint`, `/v1/proof/inclusion`,
 * `/v1/proof/consistency`, and the C2SP tlog-tiles layout under `/v1/log/` (spec 5). Everything
 * is answered for the served checkpoint's size only: a proof or tile beyond it does not exist yet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toBase64 } from '../../crypto/base64.js';
import { consistencyPlan, inclusionPlan, run } from '../../log/merkle.js';
import { encodeBundle, parseTilePath, tilePositions, tileWidth, TILE_WIDTH } from '../../log/tiles.js';
import { CLOSE, fail, send } from '../answers.js';
import type { ReceivedLogStore } from '../store.js';
import type { ServedCheckpoint } from './checkpoints.js';

/** What the HTTP layer needs of the log: the served checkpoint and the stored hashes and leaves. */
export interface LogHttp {
  served(): ServedCheckpoint | undefined;
  readonly store: ReceivedLogStore;
}

/** The latest checkpoint note, with its cosignatures (spec 7). */
export const CHECKPOINT_PATH = '/v1/checkpoint';
/** Full tiles and bundles kept in memory per log (8 KiB or 10.5 KiB each): a crawling mirror then costs no reads. */
const CACHED_TILES = 512;
const PROOF_PREFIX = '/v1/proof/';
const TILES_PREFIX = '/v1/log/';

/**
 * Full tiles and bundles never change (C2SP tlog-tiles): cached for a year. A partial one is
 * replaced by a wider one as the log grows (and is then 404 here), so it is cached briefly; the
 * checkpoint must be fetched fresh each time.
 */
export const CACHE_FULL_TILE = 'public, max-age=31536000, immutable';
export const CACHE_PARTIAL_TILE = 'public, max-age=10';
export const CACHE_CHECKPOINT = 'no-cache';

/** Whether `path` is one of the log's resources. */
export function isLogPath(path: string): boolean {
  return path === CHECKPOINT_PATH || path.startsWith(PROOF_PREFIX) || path.startsWith(TILES_PREFIX);
}

function answer(res: ServerResponse, body: string | Uint8Array, type: string, cache: string, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const len = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(200, ['content-type', type, 'content-length', String(len), 'cache-control', cache, ...(close ? CLOSE : [])]);
  res.end(body);
}

/** Recently served full tiles per log: they never change, so a hit is always right. */
const caches = new WeakMap<LogHttp, Map<string, Uint8Array>>();

async function fullTile(log: LogHttp, path: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let cache = caches.get(log);
  if (!cache) caches.set(log, (cache = new Map()));
  const hit = cache.get(path);
  if (hit) {
    // Map order is insertion order: re-inserting makes it the most recent.
    cache.delete(path);
    cache.set(path, hit);
    return hit;
  }
  const bytes = await make();
  cache.set(path, bytes);
  if (cache.size > CACHED_TILES) cache.delete(cache.keys().next().value!);
  return bytes;
}

/** A decimal parameter given once, as a safe integer; undefined when missing, repeated or malformed. */
function param(q: URLSearchParams, name: string): number | undefined {
  const all = q.getAll(name);
  if (all.length !== 1 || !/^(0|[1-9][0-9]{0,15})$/.test(all[0]!)) return undefined;
  const n = Number(all[0]);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Answers a request for `path` (one of {@link isLogPath}). */
export async function answerLog(req: IncomingMessage, res: ServerResponse, path: string, query: string, log: LogHttp, close: boolean): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'GET, HEAD'] });
  const served = log.served();
  if (!served) return fail(res, 503, 'no-checkpoint', { close });
  if (path === CHECKPOINT_PATH || path === `${TILES_PREFIX}checkpoint`) {
    return answer(res, served.note, 'text/plain; charset=utf-8', CACHE_CHECKPOINT, close);
  }
  if (path.startsWith(PROOF_PREFIX)) return proof(res, path.slice(PROOF_PREFIX.length), new URLSearchParams(query), log, served.size, close);
  const tile = parseTilePath(path.slice(TILES_PREFIX.length));
  if (!tile) return fail(res, 404, 'not-found', { close });
  // Only the tile as the served tree has it: full, or partial at exactly its current width.
  const level = tile.level === 'entries' ? 0 : tile.level;
  if (tileWidth(level, tile.n, served.size) !== tile.width) return fail(res, 404, 'not-found', { close });
  const full = tile.width === TILE_WIDTH;
  const make = async (): Promise<Uint8Array> => {
    if (tile.level === 'entries') {
      const leaves = await log.store.leaves(tile.n * TILE_WIDTH, tile.width);
      if (leaves.length !== tile.width) throw new Error(`the store has ${leaves.length} of ${tile.width} leaves of bundle ${tile.n}`);
      return encodeBundle(leaves);
    }
    return Buffer.concat(await log.store.readHashes(tilePositions(tile.level, tile.n, tile.width)));
  };
  const bytes = full ? await fullTile(log, path, make) : await make();
  return answer(res, bytes, 'application/octet-stream', full ? CACHE_FULL_TILE : CACHE_PARTIAL_TILE, close);
}

async function proof(res: ServerResponse, kind: string, q: URLSearchParams, log: LogHttp, size: number, close: boolean): Promise<void> {
  if (kind === 'inclusion') {
    const index = param(q, 'index');
    const n = param(q, 'size');
    if (index === undefined || n === undefined) return fail(res, 400, 'bad-parameter', { close });
    if (n > size) return fail(res, 400, 'beyond-checkpoint', { close });
    if (index >= n) return fail(res, 400, 'bad-range', { close });
    const hashes = await run(inclusionPlan(index, n), log.store);
    return json(res, { index, size: n, hashes: hashes.map(toBase64) }, close);
  }
  if (kind === 'consistency') {
    const from = param(q, 'from');
    const to = param(q, 'to');
    if (from === undefined || to === undefined) return fail(res, 400, 'bad-parameter', { close });
    if (to > size) return fail(res, 400, 'beyond-checkpoint', { close });
    if (from < 1 || from > to) return fail(res, 400, 'bad-range', { close });
    const hashes = await run(consistencyPlan(from, to), log.store);
    return json(res, { from, to, hashes: hashes.map(toBase64) }, close);
  }
  return fail(res, 404, 'not-found', { close });
}

function json(res: ServerResponse, value: unknown, close: boolean): void {
  // no-store (answers.ts): a proof by index tells which receipt someone holds; no cache should keep that.
  send(res, 200, JSON.stringify(value), 'application/json', close ? CLOSE : []);
}
