/**
 * Ed25519 (RFC 8032) on node:crypto: native, fast, and OpenSSL rejects non-canonical S.
 * We also check S < L ourselves before verifying (spec 4: tweetnacl's verify accepts S >= L,
 * and a verifier must never depend on one library's behaviour for malleability).
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** The group order L, little-endian bytes compared as a number (RFC 8032 5.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function check(bytes: Uint8Array, len: number, name: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (bytes.length !== len) throw new RangeError(`${name} must be ${len} bytes, got ${bytes.length}`);
}

export function privateKeyObject(seed: Uint8Array): KeyObject {
  check(seed, 32, 'seed');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  check(publicKey, 32, 'publicKey');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const der = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export function ed25519KeyPair(): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, publicKey: ed25519PublicKey(seed) };
}

/** Signs `message`; deterministic (RFC 8032), so equal inputs give byte-identical signatures. */
export function ed25519Sign(key: KeyObject | Uint8Array, message: Uint8Array): Uint8Array {
  const k = key instanceof Uint8Array ? privateKeyObject(key) : key;
  return new Uint8Array(sign(null, message, k));
}

/** True when the little-endian scalar `s` is below the group order L (spec 4: S < L). */
export function scalarIsCanonical(s: Uint8Array): boolean {
  let n = 0n;
  for (let i = s.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(s[i]!);
  return n < L;
}

/** Public KeyObjects by key (hex): building one costs about as much as a verify (~75 µs). */
const keyCache = new Map<string, KeyObject>();

function cachedPublicKey(publicKey: Uint8Array): KeyObject {
  const hex = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  let k = keyCache.get(hex);
  if (!k) {
    k = publicKeyObject(publicKey);
    if (keyCache.size >= 64) keyCache.clear();
    keyCache.set(hex, k);
  }
  return k;
}

/** True only for a valid signature with canonical S (< L). Never throws on malformed input. */
export function ed25519Verify(publicKey: KeyObject | Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!scalarIsCanonical(signature.subarray(32))) return false;
  try {
    const k = publicKey instanceof Uint8Array ? cachedPublicKey(publicKey) : publicKey;
    return verify(null, message, k, signature);
  } catch {
    return false;
  }
}
