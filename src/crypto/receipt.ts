/**
 * Receipts (spec 4): a signed note by `<center>/log` promising that the envelope `eh` is durably
 * stored at `index` of the received log. The body is exactly six lines:
 *
 *   sealpost/receipt/v1
 *   <center name>
 *   envelope <eh hex>
 *   blind <base64 of 16 bytes>
 *   index <decimal>
 *   hour <decimal: floor(unix seconds / 3600)>
 */
import { VerifyError } from '../errors.js';
import { fromBase64, fromHex, toBase64, toHex } from './base64.js';
import { parseNote, parseVerifierKey, verifyNote, verifyNoteAsync, type AsyncVerify, type NoteSigner, type Verifier } from './note.js';

export const RECEIPT_HEADER = 'sealpost/receipt/v1';

/** The fields of a receipt (spec 4): which center logged which envelope (`eh`), at which index and hour. */
export interface ReceiptFields {
  readonly center: string;
  readonly eh: Uint8Array;
  readonly blind: Uint8Array;
  readonly index: number;
  readonly hour: number;
}

const CENTER_NAME = /^[a-z0-9.-]+$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

export function isCenterName(name: string): boolean {
  return typeof name === 'string' && CENTER_NAME.test(name);
}

export function receiptBody(f: ReceiptFields): string {
  if (!isCenterName(f.center)) throw new RangeError(`bad center name: ${JSON.stringify(f.center)}`);
  if (f.eh.length !== 32) throw new RangeError('eh must be 32 bytes');
  if (f.blind.length !== 16) throw new RangeError('blind must be 16 bytes');
  if (!Number.isSafeInteger(f.index) || f.index < 0) throw new RangeError('index must be a non-negative integer');
  if (!Number.isSafeInteger(f.hour) || f.hour < 0) throw new RangeError('hour must be a non-negative integer');
  return `${RECEIPT_HEADER}\n${f.center}\nenvelope ${toHex(f.eh)}\nblind ${toBase64(f.blind)}\nindex ${f.index}\nhour ${f.hour}\n`;
}

/** The signed receipt note. Deterministic: the same fields always give the byte-identical note. */
export function signReceipt(signer: NoteSigner, f: ReceiptFields): string {
  if (signer.name !== `${f.center}/log`) throw new RangeError(`receipts are signed by ${f.center}/log, not ${signer.name}`);
  return signer.sign(receiptBody(f));
}

function bad(what: string, params: Record<string, string> = {}): VerifyError {
  return new VerifyError('bad-receipt', `bad receipt: ${what}`, { key: 'crypto.bad-receipt', params: { what, ...params } });
}

/** Parses a receipt's text lines (already verified or not); throws VerifyError `bad-receipt`. */
export function parseReceiptText(text: string): ReceiptFields {
  const lines = text.split('\n');
  if (lines.length !== 7 || lines[6] !== '') throw bad('line count');
  const [header, center, env, blind, index, hour] = lines as [string, string, string, string, string, string];
  if (header !== RECEIPT_HEADER) throw bad('header');
  if (!isCenterName(center)) throw bad('center name');
  const eh = env.startsWith('envelope ') ? fromHex(env.slice(9), 32) : null;
  if (!eh) throw bad('envelope line');
  const b = blind.startsWith('blind ') ? fromBase64(blind.slice(6), 16) : null;
  if (!b) throw bad('blind line');
  const idx = index.startsWith('index ') ? index.slice(6) : '';
  if (!DECIMAL.test(idx)) throw bad('index line');
  const hr = hour.startsWith('hour ') ? hour.slice(5) : '';
  if (!DECIMAL.test(hr)) throw bad('hour line');
  return { center, eh, blind: b, index: Number(idx), hour: Number(hr) };
}

/** What {@link verifyReceipt} checks a receipt against: the center file's name and log key, and the envelope. */
export interface ReceiptExpectation {
  /** The center name from the center file. */
  readonly center: string;
  /** The log key's verifier key string (center file `logKey`), or an already parsed verifier. */
  readonly logKey: string | Verifier;
  /** The envelope id the receipt must be for. */
  readonly eh: Uint8Array;
  /** Unix milliseconds; default Date.now(). */
  readonly now?: number;
}

/**
 * Verifies a receipt note for one envelope (spec 4): signed by the expected log key whose name is
 * `<center>/log`, for this center and this envelope, and `hour` at most one hour ahead of `now`.
 * Returns the fields. Throws VerifyError; in delivery this is a failed attempt, never a delivery.
 */
export function verifyReceipt(note: string, expect: ReceiptExpectation): ReceiptFields {
  const verifier = expectedVerifier(expect);
  return receiptFields(verifyNote(note, verifier), expect);
}

/**
 * {@link verifyReceipt} with the signature checked by `verify` (a thread pool: `outbox flush`):
 * the same checks and the same errors.
 */
export async function verifyReceiptAsync(note: string, expect: ReceiptExpectation, verify: AsyncVerify): Promise<ReceiptFields> {
  const verifier = expectedVerifier(expect);
  return receiptFields(await verifyNoteAsync(note, verifier, verify), expect);
}

function expectedVerifier(expect: ReceiptExpectation): Verifier {
  const verifier = typeof expect.logKey === 'string' ? parseVerifierKey(expect.logKey) : expect.logKey;
  if (verifier.name !== `${expect.center}/log`) throw bad('log key name', { name: verifier.name });
  return verifier;
}

/** The fields of a verified receipt text, checked against the expectation. */
function receiptFields(text: string, expect: ReceiptExpectation): ReceiptFields {
  const f = parseReceiptText(text);
  if (f.center !== expect.center) throw bad('center name');
  if (toHex(f.eh) !== toHex(expect.eh)) throw bad('envelope id');
  const nowHour = Math.floor((expect.now ?? Date.now()) / 3_600_000);
  if (f.hour > nowHour + 1) throw bad('hour in the future');
  return f;
}

/** The signer of a receipt that is not signed by the expected key (see foreignSigner). */
export interface ForeignSigner {
  /** The signature's key name: `<center>/log` of the center the receipt names. */
  readonly name: string;
  /** The center the receipt names. */
  readonly center: string;
}

/**
 * For a receipt that did not verify: is it a well-formed receipt for this envelope, signed by a
 * `<center>/log` key other than the expected one (issue 7, build point 4: "the receipt is signed
 * by another key than your center file's")? Returns that signer, else null: garbage, another
 * envelope, a signature by the expected key that failed (a forgery), no log key's signature.
 * Proves nothing about who signed: an unknown key's signature cannot be checked, so anyone can
 * make one; only the channel it came over says who answered (deliver.ts). Never throws.
 */
export function foreignSigner(note: string, expect: ReceiptExpectation): ForeignSigner | null {
  try {
    const verifier = typeof expect.logKey === 'string' ? parseVerifierKey(expect.logKey) : expect.logKey;
    const { text, signatures } = parseNote(note);
    const f = parseReceiptText(text);
    if (toHex(f.eh) !== toHex(expect.eh)) return null;
    const ours = toHex(verifier.keyHash);
    if (signatures.some((s) => s.name === verifier.name && toHex(s.keyHash) === ours)) return null;
    // Ed25519 signatures are 64 bytes (RFC 8032): anything else is not a log key's signature.
    const s = signatures.find((x) => x.name === `${f.center}/log` && x.signature.length === 64);
    return s ? { name: s.name, center: f.center } : null;
  } catch {
    return null;
  }
}
