/**
 * Secret key files and the center's key set (spec 1). A key file is JSON
 * `{"v":1,"kind","name","secretKey","publicKey"}`, mode 0600; secretKey is the 32-byte X25519
 * secret key (box) or Ed25519 seed (log, tally, routes).
 */
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { InputError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { ed25519KeyPair, ed25519PublicKey } from './ed25519.js';
import { isCenterName } from './receipt.js';
import { isKeyName, verifierKey } from './note.js';
import type { CenterFile, RouteSpec } from './center-file.js';
import { parseJsonOr } from '../util/json.js';

/**
 * The kinds of key file: the center's four key pairs (spec 1: box opens envelopes, log signs
 * receipts, tally, routes) and a witness's cosignature key (spec 5, `keygen --witness`).
 */
export type KeyKind = 'box' | 'log' | 'tally' | 'routes' | 'witness';
/** The center's four, which `keygen` writes. */
export const KEY_KINDS: readonly KeyKind[] = ['box', 'log', 'tally', 'routes'];
const FILE_KINDS: readonly KeyKind[] = [...KEY_KINDS, 'witness'];

/** A parsed secret key file (`keygen`'s `<kind>.key`, mode 0600). */
export interface SecretKeyFile {
  readonly v: 1;
  readonly kind: KeyKind;
  readonly name: string;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Key names (spec 1): the tally key is `<center>/counted`, the others `<center>/<kind>`. */
export function keyNameFor(center: string, kind: KeyKind): string {
  return `${center}/${kind === 'tally' ? 'counted' : kind}`;
}

/** `center.example.org/log` → `center.example.org`; throws InputError for a name of another shape. */
export function centerNameFromKeyName(name: string): string {
  const i = name.lastIndexOf('/');
  const center = i > 0 ? name.slice(0, i) : '';
  if (!isCenterName(center)) throw new InputError('bad-key-file', `bad key name ${JSON.stringify(name)}`, { key: 'crypto.bad-key-name', params: { name } });
  return center;
}

function publicFor(kind: KeyKind, secret: Uint8Array): Uint8Array {
  return kind === 'box' ? nacl.box.keyPair.fromSecretKey(secret).publicKey : ed25519PublicKey(secret);
}

/** Parses a key file's JSON text. Throws InputError `bad-key-file` naming the problem. */
export function parseSecretKeyFile(text: string, kind?: KeyKind, where = 'key file'): SecretKeyFile {
  const bad = (why: string) =>
    new InputError('bad-key-file', `${where}: ${why}`, { key: 'crypto.bad-key-file', params: { file: where, why } });
  const o = parseJsonOr(text, bad);
  if (typeof o !== 'object' || o === null) throw bad('not an object');
  const r = o as Record<string, unknown>;
  if (r.v !== 1) throw bad('unknown version');
  if (typeof r.kind !== 'string' || !FILE_KINDS.includes(r.kind as KeyKind)) throw bad('unknown kind');
  if (kind && r.kind !== kind) throw bad(`expected a ${kind} key, got ${r.kind}`);
  if (typeof r.name !== 'string' || !isKeyName(r.name)) throw bad('bad name');
  const secretKey = typeof r.secretKey === 'string' ? fromBase64(r.secretKey, 32) : null;
  const publicKey = typeof r.publicKey === 'string' ? fromBase64(r.publicKey, 32) : null;
  if (!secretKey || !publicKey) throw bad('bad key bytes');
  const derived = publicFor(r.kind as KeyKind, secretKey);
  if (toBase64(derived) !== r.publicKey) throw bad('public key does not match the secret key');
  return { v: 1, kind: r.kind as KeyKind, name: r.name, secretKey, publicKey };
}

/**
 * Reads a secret key file and checks that its public key matches its secret key.
 * @param path the file's path
 * @param kind the kind it must be, when given
 * @returns the parsed key file
 * @throws InputError `bad-key-file` when it cannot be read, is malformed or is of another kind
 */
export async function readSecretKeyFile(path: string, kind?: KeyKind): Promise<SecretKeyFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('bad-key-file', `cannot read ${path}`, { cause, key: 'crypto.key-unreadable', params: { file: path } });
  }
  return parseSecretKeyFile(text, kind, path);
}

/**
 * Writes a new file with `mode`, fsync'd; refuses to overwrite (a lost secret key cannot be recovered).
 * @throws InputError `exists` when the file exists
 */
export async function writeNew(path: string, text: string, mode: number): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'wx', mode);
  } catch (cause) {
    throw new InputError('exists', `refusing to overwrite ${path}`, { cause, key: 'crypto.key-exists', params: { file: path } });
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(path, mode); // the umask may have narrowed the mode given to open()
}

function newKey(center: string, kind: KeyKind): SecretKeyFile {
  const name = keyNameFor(center, kind);
  if (kind === 'box') {
    const kp = nacl.box.keyPair();
    return { v: 1, kind, name, secretKey: kp.secretKey, publicKey: kp.publicKey };
  }
  const kp = ed25519KeyPair();
  return { v: 1, kind, name, secretKey: kp.seed, publicKey: kp.publicKey };
}

export function serializeSecretKeyFile(k: SecretKeyFile): string {
  return `${JSON.stringify({ v: 1, kind: k.kind, name: k.name, secretKey: toBase64(k.secretKey), publicKey: toBase64(k.publicKey) }, null, 2)}\n`;
}

/**
 * `sealpost keygen` (CLI spec): writes box.key, log.key, tally.key, routes.key (mode 0600) and the
 * public center.json into `outDir`; each URL becomes a direct route `direct-<n>`.
 */
export async function generateCenterKeys(center: string, outDir: string, urls: readonly string[] = []): Promise<CenterFile> {
  if (!isCenterName(center)) {
    throw new InputError('bad-center-name', `bad center name ${JSON.stringify(center)}`, { key: 'crypto.bad-center-name', params: { name: center }, field: '--name' });
  }
  const routes: RouteSpec[] = urls.map((url, i) => ({ id: `direct-${i + 1}`, kind: 'direct', url: normalizeBaseUrl(url, '--url') }));
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const keys = Object.fromEntries(KEY_KINDS.map((k) => [k, newKey(center, k)])) as Record<KeyKind, SecretKeyFile>;
  const file: CenterFile = {
    v: 1,
    name: center,
    boxKey: toBase64(keys.box.publicKey),
    logKey: verifierKey(keys.log.name, keys.log.publicKey),
    tallyKey: verifierKey(keys.tally.name, keys.tally.publicKey),
    routesKey: verifierKey(keys.routes.name, keys.routes.publicKey),
    routes,
  };
  for (const k of KEY_KINDS) await writeNew(join(outDir, `${k}.key`), serializeSecretKeyFile(keys[k]), 0o600);
  await writeNew(join(outDir, 'center.json'), `${JSON.stringify(file, null, 2)}\n`, 0o644);
  return file;
}

/** A base URL of the center: http(s), no credentials, no query; always with a trailing slash. */
export function normalizeBaseUrl(url: string, field = 'url'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError('bad-url', `bad URL ${url}`, { key: 'crypto.bad-url', params: { url }, field });
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username || u.password || u.search || u.hash) {
    throw new InputError('bad-url', `bad URL ${url}`, { key: 'crypto.bad-url', params: { url }, field });
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.toString();
}
