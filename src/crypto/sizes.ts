/** Envelope layout constants (wire spec 3). */
export const ENVELOPE_VERSION = 0x01;
/** Padding buckets P: the padded plaintext is exactly one of these sizes. */
export const BUCKETS = [1024, 4096, 16384] as const;
/** 1 version byte + 32-byte ephemeral key + 16-byte MAC. */
export const ENVELOPE_OVERHEAD = 1 + 32 + 16;
/** The three valid envelope lengths: 1073, 4145, 16433. */
export const ENVELOPE_SIZES = BUCKETS.map((p) => ENVELOPE_OVERHEAD + p) as readonly number[];
/** The largest envelope, 16433 bytes: more than this is never an envelope (an intake's body limit). */
export const MAX_ENVELOPE = ENVELOPE_OVERHEAD + BUCKETS[BUCKETS.length - 1]!;

/**
 * The cheap checks an intake, relay or client makes on an envelope without any key, in the
 * order the HTTP API reports them (spec 7): version first, then length. Null when both hold.
 */
export function envelopeShapeError(envelope: Uint8Array): 'bad-version' | 'bad-length' | null {
  if (envelope.length === 0 || envelope[0] !== ENVELOPE_VERSION) return 'bad-version';
  if (!ENVELOPE_SIZES.includes(envelope.length)) return 'bad-length';
  return null;
}
