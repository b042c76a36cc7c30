/**
 * Small byte helpers for the envelope and armor code: argument guards, hex, strict base64,
 * concatenation and a constant-time comparison. Pure functions, no I/O.
 */

/**
 * Checks that `value` is a Uint8Array (of `length` bytes when given).
 * @throws TypeError naming `name` when it is not a Uint8Array; RangeError when the length differs.
 */
export function assertBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name}: expected a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name}: expected ${length} bytes, got ${value.length}`);
  }
}

/** Concatenates byte arrays into a new Uint8Array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Lowercase hex (spec notation: "hex is lowercase"). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/**
 * Decodes hex (either case, even length).
 * @throws RangeError naming `name` on anything else.
 */
export function fromHex(hex: string, name = 'hex'): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`${name}: expected a string`);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`${name}: not a hex string`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Standard base64 with padding (RFC 4648 section 4). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

const BASE64_STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict RFC 4648 base64 decoding: the standard alphabet, padding required, no whitespace, and
 * canonical (the unused bits of the last quantum are zero), so that one byte string has exactly
 * one accepted text form. Node's own decoder silently skips junk, which a reader must not do.
 * @returns the bytes, or null when `text` is not strict base64 (never throws on a string).
 */
export function fromBase64Strict(text: string): Uint8Array | null {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  if (!BASE64_STRICT.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Compares two byte arrays in time that depends only on their lengths.
 * @returns false when the lengths differ.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** True when every byte is zero, in time that depends only on the length. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}
