/**
 * The states the page shows for a route while a send runs: issue 11's four (trying, blocked, lying,
 * delivered) and `stopped`, an attempt cancelled because another route won or to make room (the
 * race's `cancelled`): nothing is known of that route, so it is not called blocked.
 */
export type LiveState = 'trying' | 'blocked' | 'lying' | 'delivered' | 'stopped';

/**
 * An attempt's outcome word (CLI spec) as a live state: a route that answered with a receipt or a
 * route list that does not verify, or with a certificate that does not (`key`, the error's message
 * key, names a bad certificate: src/transport/outcome.ts), is lying; any other failure is blocked
 * (refused, reset, timed out, a TLS handshake cut, an HTTP error).
 */
export function liveState(outcome: string, key?: string): LiveState {
  if (outcome === 'delivered') return 'delivered';
  if (outcome === 'cancelled') return 'stopped';
  if (outcome === 'bad-receipt' || outcome === 'bad-list') return 'lying';
  if (outcome === 'tls' && key !== undefined && key.endsWith('.bad-certificate')) return 'lying';
  return 'blocked';
}
