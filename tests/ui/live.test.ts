/** The page's live route states from the CLI spec's outcome words (issue 11: trying, blocked, lying, delivered). */
import { describe, expect, it } from 'vitest';
import { ROUTE_OUTCOMES } from '../../src/error-codes.js';
import { liveState } from '../../src/ui/live.js';

describe('liveState', () => {
  it('a verified receipt is delivered; a forged receipt, a bad route list or a bad certificate is lying', () => {
    expect(liveState('delivered')).toBe('delivered');
    for (const w of ['bad-receipt', 'bad-list']) expect(liveState(w), w).toBe('lying');
    expect(liveState('tls', 'transport.center.bad-certificate')).toBe('lying');
    expect(liveState('tls', 'transport.proxy.bad-certificate')).toBe('lying');
    // A handshake cut by the network is blocking, not lying.
    expect(liveState('tls', 'transport.center.tls')).toBe('blocked');
    expect(liveState('tls')).toBe('blocked');
  });

  it('a cancelled attempt is stopped, not blocked; every other failure is blocked', () => {
    expect(liveState('cancelled')).toBe('stopped');
    for (const w of [...ROUTE_OUTCOMES.filter((o) => !['delivered', 'bad-receipt', 'cancelled'].includes(o)), 'http-503']) expect(liveState(w), w).toBe('blocked');
  });
});
