/**
 * The envelope (wire spec 3): a statement sealed to the center's X25519 box key, byte for byte a
 * libsodium sealed box behind a version byte, with a hedged ephemeral key.
 *
 * ```
 * envelope = 0x01 || epk || crypto_box(padded, nonce, boxKey, esk)
 * esk      = SHA-512("sealpost/esk/v1" || random32 || SHA-512(padded))[0..32]
 * nonce    = BLAKE2b-192(epk || boxKey)
 * ```
 */
import { createHash, getRandomValues, timingSafeEqual } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2b';
import nacl from 'tweetnacl';
import { EnvelopeError, InputError } from '../errors.js';
import { toHex } from './base64.js';
import { assertBytes, concatBytes, isAllZero } from './bytes.js';
import { pad, unpad } from './padding.js';
import { ENVELOPE_VERSION, envelopeShapeError } from './sizes.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
/** Bytes of a delivery token (spec 3). */
export const TOKEN_BYTES = 16;
const ESK_DOMAIN = new TextEncoder().encode('sealpost/esk/v1');
/** HSalsa20 constant "expand 32-byte k", as in crypto_box_beforenm. */
const SIGMA = new TextEncoder().encode('expand 32-byte k');
const ZERO16 = new Uint8Array(16);

/**
 * tweetnacl's `lowlevel` is exported but not typed. We need HSalsa20 on our own shared secret so that
 * one scalar multiplication serves both the all-zero check (spec 3) and the box key; `nacl.box.before`
 * would hide the shared secret and cost a second multiplication.
 */
const lowlevel = (nacl as unknown as {
  lowlevel: { crypto_core_hsalsa20(out: Uint8Array, inp: Uint8Array, k: Uint8Array, c: Uint8Array): void };
}).lowlevel;

/** An X25519 key pair of the box key, as `nacl.box.keyPair` makes it. */
export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Options of {@link sealEnvelope}. */
export interface SealOptions {
  /** The 32 random bytes of the esk derivation; only for known-answer vectors. Default: fresh random. */
  random?: Uint8Array;
}

function sha512(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** crypto_box_beforenm from an already computed shared secret. */
function boxKeyFromShared(shared: Uint8Array): Uint8Array {
  const k = new Uint8Array(KEY_BYTES);
  lowlevel.crypto_core_hsalsa20(k, ZERO16, shared, SIGMA);
  return k;
}

/** The sealed-box nonce BLAKE2b-192(epk || boxKey), unkeyed (spec 3; libsodium's crypto_box_seal nonce). */
function sealNonce(epk: Uint8Array, boxKey: Uint8Array): Uint8Array {
  return blake2b(concatBytes(epk, boxKey), { dkLen: NONCE_BYTES });
}

/**
 * The public key of each secret key already seen, so that a tally opening many envelopes pays one
 * scalar multiplication per envelope and key, not two. Weakly keyed by the caller's array; the SHA-256
 * of the secret guards against the array having been overwritten in place (no copy of the secret is kept).
 */
const publicKeys = new WeakMap<Uint8Array, { digest: Uint8Array; publicKey: Uint8Array }>();

function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  const digest = sha256(secretKey);
  const hit = publicKeys.get(secretKey);
  if (hit !== undefined && timingSafeEqual(hit.digest, digest)) return hit.publicKey;
  const publicKey = nacl.scalarMult.base(secretKey);
  publicKeys.set(secretKey, { digest, publicKey });
  return publicKey;
}

/** A fresh X25519 key pair for the box key (keygen, tests). */
export function boxKeyPair(): BoxKeyPair {
  const kp = nacl.box.keyPair();
  return { publicKey: kp.publicKey, secretKey: kp.secretKey };
}

/**
 * Seals a statement's JSON bytes to the center's box key (spec 3).
 * @param plaintext the UTF-8 JSON of a statement the caller has already validated
 * (`serializeStatement`)
 * @param boxKey the center's 32-byte X25519 public key
 * @returns the envelope: 1073, 4145 or 16433 bytes
 * @throws InputError `too-large` / `empty` when the padded statement fits no bucket (over 16,380 bytes) or is empty; InputError `bad-box-key` when `boxKey` is a
 *   low-order point (the shared secret would be all zero, so anyone could open the envelope);
 *   TypeError / RangeError naming the argument for a wrong type or length.
 */
export function sealEnvelope(plaintext: Uint8Array, boxKey: Uint8Array, opts: SealOptions = {}): Uint8Array {
  assertBytes('plaintext', plaintext);
  assertBytes('boxKey', boxKey, KEY_BYTES);
  if (opts.random !== undefined) assertBytes('opts.random', opts.random, KEY_BYTES);
  const random = opts.random ?? getRandomValues(new Uint8Array(KEY_BYTES));
  const padded = pad(plaintext);
  // Hedged esk: even a repeating RNG gives distinct keys for distinct statements (spec 3).
  const digest = sha512(ESK_DOMAIN, random, sha512(padded));
  const esk = digest.slice(0, KEY_BYTES);
  digest.fill(0);
  const shared = nacl.scalarMult(esk, boxKey);
  try {
    if (isAllZero(shared)) {
      throw new InputError('bad-box-key', 'the box key is a low-order point', { key: 'crypto.envelope.bad-box-key' });
    }
    const epk = nacl.scalarMult.base(esk);
    const k = boxKeyFromShared(shared);
    // nacl.secretbox output is MAC || ciphertext, i.e. crypto_box_easy after beforenm.
    const boxed = nacl.secretbox(padded, sealNonce(epk, boxKey), k);
    k.fill(0);
    return concatBytes(Uint8Array.of(ENVELOPE_VERSION), epk, boxed);
  } finally {
    esk.fill(0);
    shared.fill(0);
  }
}

/**
 * Opens an envelope with the center's box secret key(s), in the order spec 3 requires: version and
 * length, all-zero shared secret, the box (each key in turn, for rotation), then length prefix and padding.
 * @param secretKeys 32-byte X25519 secret keys, tried in order; the first that opens the box wins
 * @returns the statement's JSON bytes (not yet decoded or validated)
 * @throws EnvelopeError with one generic message and code, its `reason` one of `bad-version`,
 *   `bad-length`, `low-order-key`, `box`, `bad-length-prefix`, `bad-padding`; TypeError / RangeError
 *   naming the argument for a wrong type, a key of the wrong length, or no key at all.
 */
export function openEnvelope(envelope: Uint8Array, secretKeys: readonly Uint8Array[]): Uint8Array {
  assertBytes('envelope', envelope);
  if (!Array.isArray(secretKeys)) throw new TypeError('secretKeys: expected an array of Uint8Array');
  if (secretKeys.length === 0) throw new RangeError('secretKeys: expected at least one key');
  secretKeys.forEach((sk, i) => assertBytes(`secretKeys[${i}]`, sk, KEY_BYTES));

  const shape = envelopeShapeError(envelope);
  if (shape !== null) throw new EnvelopeError(shape);
  const epk = envelope.subarray(1, 1 + KEY_BYTES);
  const boxed = envelope.subarray(1 + KEY_BYTES);

  for (const sk of secretKeys) {
    const shared = nacl.scalarMult(sk, epk);
    // With clamped scalars every low-order epk (and its non-canonical encodings) gives zero (spec 3).
    if (isAllZero(shared)) throw new EnvelopeError('low-order-key');
    const k = boxKeyFromShared(shared);
    shared.fill(0);
    const padded = nacl.secretbox.open(boxed, sealNonce(epk, publicKeyOf(sk)), k);
    k.fill(0);
    if (padded !== null) {
      try {
        return unpad(padded);
      } finally {
        padded.fill(0);
      }
    }
  }
  throw new EnvelopeError('box');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * {@link openEnvelope}, then strict UTF-8 decoding. A byte-order mark is kept (ignoreBOM), so JSON parsing
 * rejects it rather than the decoder hiding it.
 * @throws as {@link openEnvelope}, and EnvelopeError `bad-utf8` for invalid UTF-8.
 */
export function openEnvelopeText(envelope: Uint8Array, secretKeys: readonly Uint8Array[]): string {
  const json = openEnvelope(envelope, secretKeys);
  try {
    return UTF8.decode(json);
  } catch (cause) {
    throw new EnvelopeError('bad-utf8', { cause });
  } finally {
    json.fill(0);
  }
}

/** The envelope id `eh` = SHA-256(envelope), 32 raw bytes (spec 3). */
export function envelopeId(envelope: Uint8Array): Uint8Array {
  assertBytes('envelope', envelope);
  return sha256(envelope);
}

/** The envelope id as 64 lowercase hex digits, its form wherever it is text (spec 3). */
export function envelopeIdHex(envelope: Uint8Array): string {
  return toHex(envelopeId(envelope));
}

/** A fresh delivery token: 16 random bytes, drawn once per queued envelope (spec 3). */
export function newDeliveryToken(): Uint8Array {
  return getRandomValues(new Uint8Array(TOKEN_BYTES));
}
