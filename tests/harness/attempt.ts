/** One timed delivery attempt against a test center, and a bounded wait for a peer's sockets. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { RouteError } from '../../src/errors.js';
import { deliver, type Delivered, type PhaseTimeouts } from '../../src/transport/deliver.js';
import type { Route } from '../../src/transport/routes/route.js';
import type { TestCenter } from './center.js';
import type { Peer } from './censor.js';

export const MS: PhaseTimeouts = { connect: 2000, tls: 2000, receipt: 2000 };

/** Delivers a fresh envelope for `c` over `route`; the RouteError (never anything else) or the receipt, and the time. */
export async function tryDeliver(
  c: TestCenter,
  route: Route,
  ms: Partial<PhaseTimeouts> = {},
  signal = new AbortController().signal,
): Promise<{ ok?: Delivered; err?: RouteError; ms: number }> {
  const envelope = sealEnvelope(new TextEncoder().encode('{"test":true}'), c.center.boxKey);
  const t0 = performance.now();
  try {
    const d = await deliver(envelope, randomBytes(16), route, { center: { name: c.center.name, logKey: c.center.logKey }, signal, timeouts: { ...MS, ...ms } });
    return { ok: d, ms: performance.now() - t0 };
  } catch (err) {
    expect(err).toBeInstanceOf(RouteError);
    return { err: err as RouteError, ms: performance.now() - t0 };
  }
}

/** Resolves when the peer saw every socket close (an event: the close reaches it asynchronously), failing after 1 s. */
export async function settled(peer: Peer): Promise<void> {
  await Promise.race([peer.idle(), new Promise((_, rej) => setTimeout(() => rej(new Error(`${peer.open()} sockets still open`)), 1000))]);
}
