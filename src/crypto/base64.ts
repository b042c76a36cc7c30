/** Strict RFC 4648 base64 with padding (spec notation): decoding rejects anything non-canonical. */

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes canonical padded base64; returns null for anything else (wrong alphabet, missing
 * padding, non-zero trailing bits), or when `length` is given and the decoded size differs.
 */
export function fromBase64(text: string, length?: number): Uint8Array | null {
  if (typeof text !== 'string' || !B64.test(text)) return null;
  const out = new Uint8Array(Buffer.from(text, 'base64'));
  if (toBase64(out) !== text) return null;
  if (length !== undefined && out.length !== length) return null;
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes lowercase hex of exactly `length` bytes; null otherwise. */
export function fromHex(text: string, length: number): Uint8Array | null {
  if (typeof text !== 'string' || text.length !== length * 2 || !/^[0-9a-f]*$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'hex'));
}
