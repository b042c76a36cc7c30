/**
 * C2SP tlog-cosignature (wire spec 5, witnesses): a witness's Ed25519 signature over
 *
 *   "cosignature/v1\ntime <unix seconds>\n" || <checkpoint note text>
 *
 * carried as one more signature line of the checkpoint note:
 * `— <witness name> base64(keyHash4 || u64be(time) || signature)`, with
 * keyHash4 = SHA-256(name || 0x0A || 0x04 || publicKey)[0:4] and the verifier key
 * `<name>+<hex keyHash4>+<base64(0x04 || publicKey)>`. Pure; client-safe.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { VerifyError } from '../errors.js';
import { toBase64 } from '../crypto/base64.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, privateKeyObject } from '../crypto/ed25519.js';
import { isKeyName, parseKeyString, parseNote } from '../crypto/note.js';

/** The signature type of a cosignature/v1 key. */
export const COSIGNATURE_ALG = 0x04;
const DASH = '\u2014';
const utf8 = new TextEncoder();

/** keyHash4 of a cosignature key. */
export function cosignatureKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(utf8.encode(name)).update(Uint8Array.of(0x0a, COSIGNATURE_ALG)).update(publicKey);
  return new Uint8Array(h.digest().subarray(0, 4));
}

/** The C2SP vkey string of a witness's cosignature key. */
export function cosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isKeyName(name)) throw new RangeError(`bad key name: ${JSON.stringify(name)}`);
  return `${name}+${Buffer.from(cosignatureKeyHash(name, publicKey)).toString('hex')}+${toBase64(Uint8Array.of(COSIGNATURE_ALG, ...publicKey))}`;
}

/** A parsed cosignature verifier key. */
export interface CosignatureVerifier {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly key: KeyObject;
}

/** Parses a witness's vkey (type 0x04); throws VerifyError `bad-verifier-key`. */
export function parseCosignatureKey(vkey: string): CosignatureVerifier {
  return parseKeyString(vkey, COSIGNATURE_ALG, cosignatureKeyHash);
}

/** The bytes a witness signs for `checkpointText` (the note text, ending in "\n") at `time`. */
export function cosignatureMessage(checkpointText: string, time: number): Uint8Array {
  if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`bad cosignature time ${time}`);
  return utf8.encode(`cosignature/v1\ntime ${time}\n${checkpointText}`);
}

/** Signs cosignatures with one witness key. */
export class Cosigner {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly verifierKey: string;
  readonly #key: KeyObject;
  readonly #hash: Uint8Array;

  constructor(name: string, seed: Uint8Array) {
    this.name = name;
    this.publicKey = ed25519PublicKey(seed);
    this.verifierKey = cosignatureVerifierKey(name, this.publicKey);
    this.#key = privateKeyObject(seed);
    this.#hash = cosignatureKeyHash(name, this.publicKey);
  }

  /** The signature line (ending in "\n") cosigning `checkpointText` at `time` (unix seconds). */
  sign(checkpointText: string, time: number): string {
    const sig = ed25519Sign(this.#key, cosignatureMessage(checkpointText, time));
    const raw = new Uint8Array(4 + 8 + 64);
    raw.set(this.#hash);
    new DataView(raw.buffer).setBigUint64(4, BigInt(time), false);
    raw.set(sig, 12);
    return `${DASH} ${this.name} ${toBase64(raw)}\n`;
  }
}

/** A cosignature that verified. */
export interface Cosignature {
  readonly name: string;
  readonly time: number;
}

/**
 * The valid cosignatures on a checkpoint note by the given witnesses (one per witness at most).
 * Signatures by other keys are ignored; one by a listed witness that fails rejects the note
 * (VerifyError `bad-signature`), as for any signed note (spec 4).
 */
export function verifyCosignatures(note: string, witnesses: readonly CosignatureVerifier[]): Cosignature[] {
  const { text, signatures } = parseNote(note);
  const found = new Map<string, Cosignature>();
  for (const s of signatures) {
    const w = witnesses.find((k) => k.name === s.name && Buffer.from(k.keyHash).equals(s.keyHash));
    if (!w) continue;
    const fail = () => new VerifyError('bad-signature', `cosignature by ${w.name} does not verify`, { key: 'crypto.bad-signature', params: { name: w.name } });
    if (s.signature.length !== 8 + 64) throw fail();
    const time = Number(new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0, false));
    if (!Number.isSafeInteger(time) || !ed25519Verify(w.key, cosignatureMessage(text, time), s.signature.subarray(8))) throw fail();
    found.set(w.name, { name: w.name, time });
  }
  return [...found.values()];
}

/**
 * Requires `k` valid cosignatures from distinct listed witnesses (the center file's
 * `witnessPolicy`); throws VerifyError `witness-policy` with how many there were.
 */
export function requireCosignatures(note: string, witnesses: readonly CosignatureVerifier[], k: number): Cosignature[] {
  const got = verifyCosignatures(note, witnesses);
  if (got.length < k) {
    throw new VerifyError('witness-policy', `${got.length} of the ${k} witness cosignatures required`, { key: 'log.witness-policy', params: { got: got.length, need: k } });
  }
  return got;
}
