/**
 * SHA-256 into a caller's buffer, from libsodium when it loads (a direct native call: about twice
 * node:crypto's one-shot rate on the tally's short inputs, bench/tally), else node:crypto. The
 * same bytes either way.
 */
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';

/** Writes SHA-256(`input`) into `out` (32 bytes). */
export type Sha256Into = (out: Uint8Array, input: Uint8Array) => void;

interface Sodium {
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void;
}

let fast: Sha256Into | undefined;

/** The fastest SHA-256 here. */
export function sha256Into(): Sha256Into {
  if (fast) return fast;
  try {
    const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
    fast = (out, input) => sodium.crypto_hash_sha256(out, input);
  } catch {
    fast = (out, input) => out.set(hash('sha256', input, 'buffer') as unknown as Uint8Array);
  }
  return fast;
}
