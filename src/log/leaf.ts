/** The received log's leaf (spec 5). Pure; client-safe: shared by the intake's store and the client's verify. */
import { createHash } from 'node:crypto';

const LEAF_TAG = Buffer.from('sealpost/leaf/v1', 'utf8');
export const LEAF_SIZE = 40;

/**
 * SHA-256("sealpost/leaf/v1" || blind || eh) || u64be(hour): 40 bytes. The published log shows
 * this, never `eh`, so that holding an envelope without its receipt's blind reveals nothing.
 */
export function receivedLeaf(blind: Uint8Array, eh: Uint8Array, hour: number): Uint8Array {
  if (blind.length !== 16) throw new RangeError('blind must be 16 bytes');
  if (eh.length !== 32) throw new RangeError('eh must be 32 bytes');
  if (!Number.isSafeInteger(hour) || hour < 0) throw new RangeError('hour must be a non-negative integer');
  const out = new Uint8Array(LEAF_SIZE);
  out.set(createHash('sha256').update(LEAF_TAG).update(blind).update(eh).digest(), 0);
  new DataView(out.buffer).setBigUint64(32, BigInt(hour), false);
  return out;
}

/** floor(unix seconds / 3600) of `ms` (spec 4, `hour`). */
export function hourOf(ms: number): number {
  return Math.floor(ms / 3_600_000);
}
