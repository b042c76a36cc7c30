/**
 * C2SP signed notes (c2sp.org/signed-note), Ed25519 only (spec 4).
 *
 *   note      = text "\n" signature-line+
 *   text      = UTF-8 lines, each ending in "\n", no other control characters
 *   signature = "— " key-name " " base64(keyHash4 || signature) "\n"
 *
 * keyHash4 = SHA-256(keyName || 0x0A || 0x01 || publicKey)[0:4]; verifier key string
 * `<keyName>+<hex keyHash4>+<base64(0x01 || publicKey)>`.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { VerifyError } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, privateKeyObject, publicKeyObject } from './ed25519.js';

const ALG_ED25519 = 0x01;
const DASH = '\u2014';
/** golang.org/x/mod/sumdb/note caps signatures per note; so do we, against resource abuse. */
const MAX_SIGNATURES = 100;
const utf8 = new TextEncoder();

/** A key name is non-empty, has no whitespace and no `+` (C2SP signed-note). */
export function isKeyName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && !/[\s+]/u.test(name) && name.isWellFormed();
}

export function keyHash(name: string, publicKey: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(utf8.encode(name)).update(Uint8Array.of(0x0a, ALG_ED25519)).update(publicKey);
  return new Uint8Array(h.digest().subarray(0, 4));
}

export function verifierKey(name: string, publicKey: Uint8Array): string {
  if (!isKeyName(name)) throw new RangeError(`bad key name: ${JSON.stringify(name)}`);
  const hash = Buffer.from(keyHash(name, publicKey)).toString('hex');
  return `${name}+${hash}+${toBase64(Uint8Array.of(ALG_ED25519, ...publicKey))}`;
}

/** A parsed verifier key (spec 4, signed notes): the key's name, its 4-byte key hash and the Ed25519 public key. */
export interface Verifier {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly key: KeyObject;
}

/**
 * Parses a C2SP key string `<name>+<hex keyHash4>+<base64(alg || publicKey)>` of signature type
 * `alg` (0x01 note keys here; 0x04 witness cosignature keys in src/log/cosignature.ts), checking its
 * key hash with `hashOf`. Throws VerifyError (`bad-verifier-key`) on anything malformed.
 */
export function parseKeyString(vkey: string, alg: number, hashOf: (name: string, publicKey: Uint8Array) => Uint8Array): Verifier {
  const bad = () => new VerifyError('bad-verifier-key', `malformed verifier key`, { key: 'crypto.bad-verifier-key' });
  if (typeof vkey !== 'string') throw bad();
  // The base64 part may itself contain '+': split at the first two only.
  const i = vkey.indexOf('+');
  const j = vkey.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw bad();
  const [name, hashHex, keyB64] = [vkey.slice(0, i), vkey.slice(i + 1, j), vkey.slice(j + 1)];
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(hashHex)) throw bad();
  const raw = fromBase64(keyB64, 33);
  if (!raw || raw[0] !== alg) throw bad();
  const publicKey = raw.subarray(1);
  const hash = hashOf(name, publicKey);
  if (Buffer.from(hash).toString('hex') !== hashHex) throw bad();
  return { name, keyHash: hash, publicKey, key: publicKeyObject(publicKey) };
}

/** Parses a verifier key string; throws VerifyError (`bad-verifier-key`) on anything malformed. */
export function parseVerifierKey(vkey: string): Verifier {
  return parseKeyString(vkey, ALG_ED25519, keyHash);
}

/** A raw Ed25519 signing function for one key: message → 64-byte signature (RFC 8032). */
export type RawSign = (message: Uint8Array) => Uint8Array;

/**
 * Signs note bodies with one Ed25519 key. The private KeyObject is built once (hot path of the
 * intake). `raw` may replace node:crypto's signing with another RFC 8032 implementation (the
 * intake's signing thread uses libsodium, twice as fast here); Ed25519 is deterministic, so the
 * notes are byte for byte the same.
 */
export class NoteSigner {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly verifierKey: string;
  readonly #sign: RawSign;
  readonly #prefix: Uint8Array;

  /**
   * @param name the key's name, e.g. `center.example.org/log`
   * @param seed the 32-byte Ed25519 seed (the secret key file's `secretKey`)
   * @param raw another RFC 8032 signing function for the same key (libsodium in the intake)
   */
  constructor(name: string, seed: Uint8Array, raw?: RawSign) {
    this.name = name;
    this.publicKey = ed25519PublicKey(seed);
    this.verifierKey = verifierKey(name, this.publicKey);
    const key: KeyObject = privateKeyObject(seed);
    this.#sign = raw ?? ((m) => ed25519Sign(key, m));
    this.#prefix = keyHash(name, this.publicKey);
  }

  /** The whole signed note for `body` (which must be note text: non-empty lines ending in "\n"). */
  sign(body: string): string {
    checkText(body);
    const sig = this.#sign(utf8.encode(body));
    const raw = new Uint8Array(4 + sig.length);
    raw.set(this.#prefix);
    raw.set(sig, 4);
    return `${body}\n${DASH} ${this.name} ${toBase64(raw)}\n`;
  }
}

export interface NoteSignature {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly signature: Uint8Array;
}

export interface ParsedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

function malformed(why: string): VerifyError {
  return new VerifyError('bad-note', `malformed signed note: ${why}`, { key: 'crypto.bad-note' });
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('text does not end in a newline');
  if (!text.isWellFormed()) throw malformed('text is not well-formed UTF-16/UTF-8');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw malformed('control character in text');
}

/** Splits a note into text and signatures without verifying anything. Throws VerifyError `bad-note`. */
export function parseNote(note: string): ParsedNote {
  if (typeof note !== 'string') throw malformed('not a string');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  checkText(text);
  if (!block.endsWith('\n')) throw malformed('signature block does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed('too many signatures');
  const signatures = lines.map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!m || !isKeyName(m[1]!)) throw malformed('bad signature line');
    const raw = fromBase64(m[2]!);
    if (!raw || raw.length < 5) throw malformed('bad signature encoding');
    return { name: m[1]!, keyHash: raw.subarray(0, 4), signature: raw.subarray(4) };
  });
  return { text, signatures };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The signatures of `note` by known keys, to verify, and its text (the rules of {@link verifyNote}). */
function knownSignatures(note: string, expected: Verifier, others: readonly Verifier[]): { text: string; msg: Uint8Array; checks: { v: Verifier; signature: Uint8Array }[] } {
  const { text, signatures } = parseNote(note);
  const known = [expected, ...others];
  const checks: { v: Verifier; signature: Uint8Array }[] = [];
  for (const s of signatures) {
    const v = known.find((k) => k.name === s.name && sameBytes(k.keyHash, s.keyHash));
    if (v) checks.push({ v, signature: s.signature });
  }
  return { text, msg: utf8.encode(text), checks };
}

function badSignature(v: Verifier): VerifyError {
  return new VerifyError('bad-signature', `signature by ${v.name} does not verify`, { key: 'crypto.bad-signature', params: { name: v.name } });
}

function unsigned(expected: Verifier): VerifyError {
  return new VerifyError('unsigned', `no valid signature by ${expected.name}`, { key: 'crypto.unsigned', params: { name: expected.name } });
}

/**
 * Verifies a note against the expected key (spec 4): signatures by unknown keys are ignored; a
 * signature by a known key that fails rejects the whole note; the note must carry a valid
 * signature by `expected`. Returns the note text. Throws VerifyError.
 */
export function verifyNote(note: string, expected: Verifier, others: readonly Verifier[] = []): string {
  const { text, msg, checks } = knownSignatures(note, expected, others);
  let ok = false;
  for (const { v, signature } of checks) {
    if (!ed25519Verify(v.key, msg, signature)) throw badSignature(v);
    if (v === expected) ok = true;
  }
  if (!ok) throw unsigned(expected);
  return text;
}

/** An asynchronous Ed25519 verify that answers exactly as the synchronous one (true only for a valid signature with canonical S): e.g. a worker-thread pool. */
export type AsyncVerify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => Promise<boolean>;

/**
 * {@link verifyNote} with the signatures checked by `verify` (a thread pool: `outbox flush`).
 * The same rules and the same errors; resolves with the note text.
 */
export async function verifyNoteAsync(note: string, expected: Verifier, verify: AsyncVerify, others: readonly Verifier[] = []): Promise<string> {
  const { text, msg, checks } = knownSignatures(note, expected, others);
  const results = await Promise.all(checks.map((c) => verify(c.v.publicKey, msg, c.signature)));
  let ok = false;
  checks.forEach(({ v }, i) => {
    if (!results[i]) throw badSignature(v);
    if (v === expected) ok = true;
  });
  if (!ok) throw unsigned(expected);
  return text;
}
