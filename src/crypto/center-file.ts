/**
 * The center file (spec 1): public, tells a client the center's name, keys and routes. Its
 * fingerprint is the SHA-256 of the file's bytes, which the center publishes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { fromBase64 } from './base64.js';
import { parseVerifierKey, type Verifier } from './note.js';
import { isCenterName } from './receipt.js';
import { parseCosignatureKey, type CosignatureVerifier } from '../log/cosignature.js';
import { parseJsonOr } from '../util/json.js';
// Pure parsing, no I/O: a bad strategy makes the whole file bad on load, not at the first dial.
import { parseCenterStrategies, type Strategies } from '../transport/strategy/parse.js';

/** A route as written in center files and route lists (spec 6); checked in depth by src/transport. */
export interface RouteSpec {
  id: string;
  kind: 'direct' | 'http-proxy' | 'socks' | 'mirror';
  url: string;
  proxy?: string;
  connect?: string;
  servername?: string;
  ca?: string;
  /** How the host name is resolved (spec 6 strategies); checked by src/transport/strategy/parse.ts. */
  dns?: unknown[];
  /** How the TLS ClientHello is sent (spec 6 strategies): `""`, `split:N`, `tlsfrag:sni|split:sni`, … */
  tls?: string[];
}

/** The JSON of a center file as written (spec 1): keys in base64 or as verifier key strings. */
export interface CenterFile {
  v: 1;
  name: string;
  boxKey: string;
  logKey: string;
  tallyKey: string;
  routesKey: string;
  routes: RouteSpec[];
  /** Base URLs of tiles mirrors of the received log (spec 5). */
  tiles?: string[];
  /** Witnesses of the received log (spec 5): `key` is the C2SP vkey of a cosignature/v1 key. */
  witnesses?: { name: string; key: string; url: string }[];
  /** How many cosignatures of distinct listed witnesses a checkpoint needs (spec 5). */
  witnessPolicy?: number;
  /** The default strategies of direct and mirror routes without their own (spec 6). */
  strategies?: { dns?: unknown[]; tls?: string[] };
}

/** A witness listed in a center file (spec 5), its key parsed. */
export interface CenterWitness {
  readonly name: string;
  readonly key: CosignatureVerifier;
  readonly url: string;
}

/** A parsed center file: the raw JSON plus decoded keys. */
export interface Center {
  readonly file: CenterFile;
  readonly name: string;
  readonly boxKey: Uint8Array;
  readonly logKey: Verifier;
  readonly tallyKey: Verifier;
  readonly routesKey: Verifier;
  readonly routes: readonly RouteSpec[];
  /** Tiles mirrors' base URLs (trailing slash), spec 5; empty when none. */
  readonly tiles: readonly string[];
  /** Listed witnesses (spec 5); empty when none. */
  readonly witnesses: readonly CenterWitness[];
  /** Cosignatures required on every accepted checkpoint (`witnessPolicy`, spec 5); 0 when none. */
  readonly witnessPolicy: number;
  /** The top-level `strategies` (spec 6), checked; empty when none. */
  readonly strategies: Strategies;
  /** SHA-256 of the file's bytes, hex. */
  readonly fingerprint: string;
}

const ROUTE_KINDS = ['direct', 'http-proxy', 'socks', 'mirror'];

/**
 * Parses and checks a center file's bytes (spec 1): the name, the box key, the three verifier keys
 * (named `<center>/log`, `<center>/counted`, `<center>/routes`) and the routes.
 * @param bytes the file's bytes (its SHA-256 is the fingerprint)
 * @param where how messages name the file (default `center file`)
 * @returns the parsed center, keys decoded
 * @throws InputError `bad-center-file` naming what is wrong
 */
export function parseCenterFile(bytes: Uint8Array, where = 'center file'): Center {
  const bad = (why: string) =>
    new InputError('bad-center-file', `${where}: ${why}`, { key: 'crypto.bad-center-file', params: { file: where, why } });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad('not UTF-8');
  }
  const o = parseJsonOr(text, bad);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad('not an object');
  const f = o as Record<string, unknown>;
  if (f.v !== 1) throw bad('unknown version');
  if (typeof f.name !== 'string' || !isCenterName(f.name)) throw bad('bad name');
  const boxKey = typeof f.boxKey === 'string' ? fromBase64(f.boxKey, 32) : null;
  if (!boxKey) throw bad('bad boxKey');
  const key = (field: string, suffix: string): Verifier => {
    const v = f[field];
    let parsed: Verifier;
    try {
      parsed = parseVerifierKey(typeof v === 'string' ? v : '');
    } catch {
      throw bad(`bad ${field}`);
    }
    if (parsed.name !== `${f.name as string}/${suffix}`) throw bad(`${field} is not named ${f.name as string}/${suffix}`);
    return parsed;
  };
  const logKey = key('logKey', 'log');
  const tallyKey = key('tallyKey', 'counted');
  const routesKey = key('routesKey', 'routes');
  const routes = f.routes ?? [];
  if (!Array.isArray(routes)) throw bad('routes is not an array');
  for (const [i, r] of routes.entries()) {
    const rr = r as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || typeof rr.id !== 'string' || typeof rr.url !== 'string' || !ROUTE_KINDS.includes(rr.kind as string)) {
      throw bad(`route ${i + 1} is malformed`);
    }
  }
  const { tiles, witnesses, witnessPolicy } = logFields(f, bad);
  let strategies: Strategies = {};
  if (f.strategies !== undefined) {
    try {
      strategies = parseCenterStrategies(f.strategies);
    } catch (err) {
      throw bad(err instanceof Error ? err.message : 'bad strategies');
    }
  }
  return {
    file: f as unknown as CenterFile,
    name: f.name,
    boxKey,
    logKey,
    tallyKey,
    routesKey,
    routes: routes as RouteSpec[],
    tiles,
    witnesses,
    witnessPolicy,
    strategies,
    fingerprint: createHash('sha256').update(bytes).digest('hex'),
  };
}

function httpUrl(v: unknown): URL | null {
  if (typeof v !== 'string') return null;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && !u.search && !u.hash ? u : null;
  } catch {
    return null;
  }
}

/** The optional `tiles`, `witnesses` and `witnessPolicy` fields (spec 5). */
function logFields(f: Record<string, unknown>, bad: (why: string) => InputError) {
  const tiles = f.tiles ?? [];
  if (!Array.isArray(tiles)) throw bad('tiles is not an array');
  const tileUrls = tiles.map((t, i) => {
    const u = httpUrl(t);
    if (!u) throw bad(`tiles ${i + 1} is not an http(s) base URL`);
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    return u.href;
  });
  const ws = f.witnesses ?? [];
  if (!Array.isArray(ws)) throw bad('witnesses is not an array');
  const witnesses = ws.map((w, i): CenterWitness => {
    const o = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || !o.name) throw bad(`witness ${i + 1} has no name`);
    let key: CosignatureVerifier;
    try {
      key = parseCosignatureKey(o.key as string);
    } catch {
      throw bad(`witness ${i + 1} has a bad key`);
    }
    if (key.name !== o.name) throw bad(`witness ${i + 1}'s key is not named ${o.name}`);
    const url = httpUrl(o.url);
    if (!url) throw bad(`witness ${i + 1} has a bad url`);
    return { name: o.name, key, url: url.href };
  });
  if (new Set(witnesses.map((w) => w.name)).size !== witnesses.length) throw bad('two witnesses have the same name');
  const k = f.witnessPolicy ?? 0;
  if (!Number.isSafeInteger(k) || (k as number) < 0 || (k as number) > witnesses.length) {
    throw bad('witnessPolicy must be a whole number from 0 to the number of witnesses');
  }
  return { tiles: tileUrls, witnesses, witnessPolicy: k as number };
}

/**
 * Reads and parses a center file (see {@link parseCenterFile}).
 * @param path the file's path
 * @returns the parsed center
 * @throws InputError when the file cannot be read or is not a valid center file
 */
export async function readCenterFile(path: string): Promise<Center> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new InputError('bad-center-file', `cannot read ${path}`, { cause, key: 'crypto.center-unreadable', params: { file: path } });
  }
  return parseCenterFile(bytes, path);
}
