/**
 * Small byte helpers for the envelope and armor code: argument guards, concatenation and a
 * constant-time zero check. Hex and strict base64 live in `base64.ts`.
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

/** True when every byte is zero, in time that depends only on the length. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}
