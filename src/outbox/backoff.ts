/**
 * Per-envelope backoff of `outbox flush` (issue 8, build point 1): 1 s after the first failed
 * round, doubling to 10 minutes, with jitter so that many envelopes (or many volunteers) do not
 * retry in step; a center's `Retry-After` (spec 7, already capped at 600 s) is a floor.
 */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 600_000;

/**
 * The delay before the next try of an envelope that has failed `failures` rounds in a row.
 * "Equal jitter": uniformly in [d/2, d] for the doubled delay d, so the growth stays visible and
 * no delay collapses to zero.
 * @param failures rounds failed in a row, counting the one that just failed (>= 1)
 * @param random a source in [0, 1) (tests pass a fixed one)
 * @param retryAfterMs the longest Retry-After the center gave in that round, if any
 */
export function backoffDelay(failures: number, random: () => number = Math.random, retryAfterMs?: number): number {
  const d = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(failures, 30) - 1), BACKOFF_MAX_MS);
  const jittered = Math.round(d / 2 + random() * (d / 2));
  return Math.min(BACKOFF_MAX_MS, Math.max(jittered, retryAfterMs ?? 0));
}
