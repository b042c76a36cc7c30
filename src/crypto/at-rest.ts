/**
 * Passphrase encryption at rest (wire spec 9): what a seized device keeps is unreadable without the
 * passphrase. Used by route memory (issue 6, finding 5); meant for the outbox and kept receipts too.
 *
 * ```
 * document = {"v": "sealpost/at-rest/v1", "kdf": "scrypt", "N": 131072, "r": 8, "p": 1,
 *             "salt": b64(16 bytes), "nonce": b64(24 bytes), "box": b64(secretbox(padded, nonce, key))}
 * key      = scrypt(UTF-8(NFC(passphrase)), salt, N, r, p, 32 bytes)
 * padded   = UTF-8(JSON text) followed by spaces up to a multiple of 512 bytes (none when it is one)
 * ```
 *
 * secretbox is NaCl's XSalsa20-Poly1305 (tweetnacl; libsodium's crypto_secretbox_easy opens it).
 * The header is not authenticated by the box, but every field of it is: the salt and the cost
 * parameters make the key, so a changed one fails to open like a wrong passphrase. The padding
 * hides the size of what is kept to the nearest 512 bytes (JSON ignores trailing spaces).
 */
import { randomBytes, scrypt } from 'node:crypto';
import nacl from 'tweetnacl';
import { SealpostError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { assertBytes } from './bytes.js';

export const AT_REST_VERSION = 'sealpost/at-rest/v1';
export const SALT_BYTES = 16;
export const NONCE_BYTES = 24;
const KEY_BYTES = 32;
const PAD_TO = 512;

/** scrypt cost parameters. */
export interface KdfParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Wire spec 9: N = 2^17, r = 8, p = 1 (128 MiB, about half a second here). */
export const SPEC_KDF: KdfParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** The stored form: only the version, the KDF and its parameters, the nonce and the ciphertext. */
export interface SealedDocument {
  readonly v: typeof AT_REST_VERSION;
  readonly kdf: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly nonce: string;
  readonly box: string;
}

/** A key derived from a passphrase, with the salt and parameters it was derived with. */
export interface AtRestKey {
  readonly salt: Uint8Array;
  readonly params: KdfParams;
  readonly key: Uint8Array;
}

export type AtRestFailure = 'wrong-passphrase' | 'malformed';

/**
 * A sealed document that cannot be opened. `wrong-passphrase`: the box does not open with this
 * passphrase (or the file was altered: Poly1305 cannot tell them apart). `malformed`: not a sealed
 * document of this version, or parameters other than the ones expected.
 */
export class AtRestError extends SealpostError {
  override name = 'AtRestError' as const;
  readonly reason: AtRestFailure;
  constructor(reason: AtRestFailure) {
    super(reason === 'wrong-passphrase' ? 'wrong-passphrase' : 'bad-sealed-file', reason === 'wrong-passphrase' ? 'the passphrase does not open it' : 'not a sealed document', {
      key: reason === 'wrong-passphrase' ? 'crypto.at-rest.wrong-passphrase' : 'crypto.at-rest.malformed',
    });
    this.reason = reason;
  }
}

function checkPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase: expected a string');
  if (passphrase.length === 0) throw new RangeError('passphrase: must not be empty');
}

/**
 * The passphrase for scripts (wire spec 9): `SEALPOST_PASSPHRASE`, or undefined when it is unset
 * or empty. Asking on a TTY is the CLI's part (src/cli/passphrase.ts).
 */
export function envPassphrase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const p = env.SEALPOST_PASSPHRASE;
  return p ? p : undefined;
}

/**
 * Derives a key with scrypt (node:crypto, in the thread pool: it does not block the event loop).
 * The passphrase is NFC-normalised, so that the same text typed through different input methods
 * gives the same key. A fresh random salt unless one is given.
 * @throws TypeError / RangeError for a non-string or empty passphrase or a salt of the wrong size.
 */
export async function deriveKey(passphrase: string, salt: Uint8Array = randomBytes(SALT_BYTES), params: KdfParams = SPEC_KDF): Promise<AtRestKey> {
  checkPassphrase(passphrase);
  assertBytes('salt', salt, SALT_BYTES);
  const { N, r, p } = params;
  const key = await new Promise<Buffer>((resolve, reject) =>
    // maxmem: scrypt needs 128 * N * r bytes (128 MiB for the spec's parameters), above Node's 32 MiB default.
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r }, (e, k) => (e ? reject(e) : resolve(k))),
  );
  return { salt: new Uint8Array(salt), params: { N, r, p }, key: new Uint8Array(key) };
}

/**
 * Seals `value` (anything JSON.stringify takes) under a derived key, with a fresh random nonce
 * unless one is given (known-answer vectors only). Synchronous: the costly part is `deriveKey`.
 */
export function sealWithKey(value: unknown, k: AtRestKey, nonce: Uint8Array = randomBytes(NONCE_BYTES)): SealedDocument {
  assertBytes('nonce', nonce, NONCE_BYTES);
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('value: not representable in JSON');
  const text = new TextEncoder().encode(json);
  const padded = new Uint8Array(Math.ceil(text.length / PAD_TO) * PAD_TO).fill(0x20);
  padded.set(text);
  return {
    v: AT_REST_VERSION,
    kdf: 'scrypt',
    ...k.params,
    salt: toBase64(k.salt),
    nonce: toBase64(nonce),
    box: toBase64(nacl.secretbox(padded, nonce, k.key)),
  };
}

/** Derives a key with a fresh salt and seals `value` under it (see `deriveKey`, `sealWithKey`). */
export async function seal(value: unknown, passphrase: string, params: KdfParams = SPEC_KDF): Promise<SealedDocument> {
  return sealWithKey(value, await deriveKey(passphrase, undefined, params));
}

/** True when `x` claims to be a sealed document (its `v`), well-formed or not. */
export function isSealed(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { v?: unknown }).v === AT_REST_VERSION;
}

const FIELDS = ['v', 'kdf', 'N', 'r', 'p', 'salt', 'nonce', 'box'];

/**
 * Checks a sealed document's shape strictly and returns its salt, nonce and box.
 * @throws AtRestError `malformed` for anything else, or parameters other than `params`: a file
 * cannot make us spend more (a huge N) or less (a downgrade) than we chose.
 */
function parseSealed(doc: unknown, params: KdfParams): { salt: Uint8Array; nonce: Uint8Array; box: Uint8Array } {
  if (!isSealed(doc)) throw new AtRestError('malformed');
  const d = doc as Record<string, unknown>;
  if (Object.keys(d).length !== FIELDS.length || !FIELDS.every((f) => f in d)) throw new AtRestError('malformed');
  if (d.kdf !== 'scrypt' || d.N !== params.N || d.r !== params.r || d.p !== params.p) throw new AtRestError('malformed');
  const salt = fromBase64(d.salt as string, SALT_BYTES);
  const nonce = fromBase64(d.nonce as string, NONCE_BYTES);
  const box = fromBase64(d.box as string);
  if (!salt || !nonce || !box || box.length < nacl.secretbox.overheadLength + PAD_TO || (box.length - nacl.secretbox.overheadLength) % PAD_TO) {
    throw new AtRestError('malformed');
  }
  return { salt, nonce, box };
}

/**
 * Opens a sealed document with a key derived earlier (its salt and parameters must match).
 * @throws AtRestError `wrong-passphrase` when the box does not open, `malformed` otherwise.
 */
export function openWithKey(doc: unknown, k: AtRestKey): unknown {
  const { salt, nonce, box } = parseSealed(doc, k.params);
  if (Buffer.compare(salt, k.salt) !== 0) throw new AtRestError('wrong-passphrase');
  const plain = nacl.secretbox.open(box, nonce, k.key);
  if (!plain) throw new AtRestError('wrong-passphrase');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    throw new AtRestError('malformed');
  }
}

/**
 * Opens a sealed document with a passphrase. Returns the value and the key, so that the caller
 * can seal the next version without another scrypt run (a fresh nonce each time).
 * @throws AtRestError `malformed` (checked before any scrypt work) or `wrong-passphrase`.
 */
export async function open(doc: unknown, passphrase: string, params: KdfParams = SPEC_KDF): Promise<{ value: unknown; key: AtRestKey }> {
  checkPassphrase(passphrase);
  const key = await deriveKey(passphrase, parseSealed(doc, params).salt, params);
  return { value: openWithKey(doc, key), key };
}
