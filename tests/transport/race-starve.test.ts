/**
 * Issue 6, finding 3: routes that accept TCP and never answer (the censor's cheapest tool) must
 * not starve a working route behind them. With any number of them raced first, the working route's
 * receipt arrives well under a second, no more than the hard cap of attempts is open at once
 * (checked at the hanging servers), and every loser is cancelled with no socket left.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { deliver } from '../../src/transport/deliver.js';
import { MAX_OPEN, race } from '../../src/transport/race/race.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterAccept, TEST_CA, type Peer } from '../harness/censor.js';
import { settled } from '../harness/attempt.js';

let c: TestCenter;
beforeAll(async () => {
  c = await startCenter();
});
afterAll(() => c.close());

/** A hanging route: over http the request hangs, over https the TLS handshake does. */
const hanging = (p: Peer, i: number, scheme: 'http' | 'https'): Route =>
  scheme === 'http'
    ? parseRoute({ id: `hang-${i}`, kind: 'direct', url: p.url })
    : parseRoute({ id: `hang-${i}`, kind: 'mirror', url: `https://center.test:${p.port}/`, connect: `127.0.0.1:${p.port}`, ca: TEST_CA });

describe('hanging routes do not starve a working one (issue 6, finding 3)', () => {
  it.each([
    [4, 'http'],
    [5, 'http'],
    [5, 'https'],
    [12, 'http'],
    [12, 'https'],
  ] as const)('%i routes that accept and never answer (%s), then a working one', async (n, scheme) => {
    const holes = await Promise.all(Array.from({ length: n }, () => hangAfterAccept()));
    const routes = [...holes.map((h, i) => hanging(h, i, scheme)), parseRoute({ id: 'good', kind: 'direct', url: c.url.toString() })];
    const byId = new Map(routes.map((r) => [r.id, r]));
    const envelope = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
    const token = randomBytes(16);
    // Client side: attempts whose promise has not settled; server side: sockets the holes hold.
    let inFlight = 0;
    let maxInFlight = 0;
    let maxAtServers = 0;
    const starts: Record<string, number> = {};
    const t0 = performance.now();
    const r = await race(
      routes,
      async (id, signal) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await deliver(envelope, token, byId.get(id)!, { center: { name: c.center.name, logKey: c.center.logKey }, signal });
        } finally {
          inFlight--;
        }
      },
      {
        // Ends a starved race quickly (the bug: 10 s or 30 s), so the test fails rather than hangs.
        deadline: 3000,
        onEvent: (e) => {
          if (e.type !== 'start') return;
          starts[e.route] = performance.now() - t0;
          // Before this attempt's socket exists: what the servers still hold, at most the cap.
          maxAtServers = Math.max(maxAtServers, holes.reduce((s, h) => s + h.open(), 0));
        },
      },
    );
    const ms = performance.now() - t0;
    expect(r.winner?.route).toBe('good');
    expect(starts.good).toBeLessThan(800);
    expect(ms).toBeLessThan(1000);
    expect(maxInFlight).toBeLessThanOrEqual(MAX_OPEN);
    expect(maxAtServers).toBeLessThanOrEqual(MAX_OPEN);
    // Every hanging route was started, each with one socket, and every one of them lost.
    expect(r.attempts).toHaveLength(n + 1);
    expect(holes.map((h) => h.accepted())).toEqual(holes.map(() => 1));
    expect(r.attempts.filter((a) => a.route !== 'good').every((a) => a.outcome === 'cancelled')).toBe(true);
    expect(inFlight).toBe(0);
    for (const h of holes) {
      await settled(h);
      await h.close();
    }
  });
});

// The same rules on fake time, with attempts that script what the far end does.
type Script = (signal: AbortSignal, progress: () => void) => Promise<string>;
const aborted = (signal: AbortSignal) => new Promise<never>((_, rej) => signal.addEventListener('abort', () => rej(signal.reason), { once: true }));
/** Accepts and never answers. */
const hang: Script = (signal) => aborted(signal);
/** Delivers after `ms`. */
const ok =
  (ms: number): Script =>
  (signal) =>
    Promise.race([aborted(signal), new Promise<string>((r) => setTimeout(() => r('receipt'), ms))]);
/** Heard from every 100 ms (the first time after 10 ms) until `until` ms of race time, then silent; fails at `failAt`. */
const talks =
  (until: number, failAt = Infinity): Script =>
  (signal, progress) => {
    const tick = setInterval(() => (performance.now() - T0 <= until ? progress() : undefined), 100);
    setTimeout(progress, 10);
    const fail = new Promise<never>((_, rej) => Number.isFinite(failAt) && setTimeout(() => rej(reset()), failAt - (performance.now() - T0)));
    return Promise.race([aborted(signal), fail]).finally(() => clearInterval(tick));
  };
let T0 = 0;
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

async function fakeRace(scripts: [string, Script][], opts: Parameters<typeof race>[2] = {}, runFor = 5000) {
  vi.useFakeTimers();
  try {
    T0 = performance.now();
    const byId = new Map(scripts);
    const starts: Record<string, number> = {};
    let open = 0;
    let maxOpen = 0;
    const p = race(
      scripts.map(([id]) => ({ id })),
      async (id, signal, progress) => {
        maxOpen = Math.max(maxOpen, ++open);
        try {
          return await byId.get(id)!(signal, progress);
        } finally {
          open--;
        }
      },
      { ...opts, onEvent: (e) => void (e.type === 'start' && (starts[e.route] = Math.round(performance.now() - T0))) },
    );
    await vi.advanceTimersByTimeAsync(runFor);
    const r = await p;
    return { r, starts, maxOpen, open };
  } finally {
    vi.useRealTimers();
  }
}

describe('pacing past silence (fake time)', () => {
  it('shortens the delay while nothing is heard, and caps open attempts by cancelling the longest silent', async () => {
    const holes = Array.from({ length: 12 }, (_, i) => [`h${i}`, hang] as [string, Script]);
    const { r, starts, maxOpen, open } = await fakeRace([...holes, ['good', ok(20)]]);
    expect(r.winner?.route).toBe('good');
    // 250 ms, then a quarter of it, then a tenth; past 8 open, each next one waits until the oldest
    // has been silent for a whole stagger (h9 for h1, started at 250 ms) and takes its place.
    expect(starts).toEqual({ h0: 0, h1: 250, h2: 313, h3: 338, h4: 363, h5: 388, h6: 413, h7: 438, h8: 463, h9: 500, h10: 563, h11: 588, good: 613 });
    expect(maxOpen).toBe(MAX_OPEN);
    expect(open).toBe(0);
    const outcomes = r.attempts.map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'cancelled')).toHaveLength(12);
    // Those cancelled to make room had been silent for a whole stagger at least.
    expect(r.attempts.slice(0, 5).every((a) => a.ms >= 250)).toBe(true);
  });

  it('keeps the stagger and the slot of attempts that are heard from (4 at most)', async () => {
    const { r, starts, maxOpen } = await fakeRace([
      ['t0', talks(Infinity, 1200)],
      ['t1', talks(Infinity, 1300)],
      ['t2', talks(Infinity)],
      ['t3', talks(Infinity)],
      ['t4', talks(Infinity)],
      ['good', ok(20)],
    ]);
    // The fifth is due at 1000 but waits for a slot: t0 ends at 1200; then good for t1 at 1300.
    expect(starts).toEqual({ t0: 0, t1: 250, t2: 500, t3: 750, t4: 1200, good: 1300 });
    expect(r.winner?.route).toBe('good');
    expect(maxOpen).toBe(4);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['reset', 'reset', 'cancelled', 'cancelled', 'cancelled', 'delivered']);
  });

  it('gives a slot back when an attempt that was heard falls silent', async () => {
    const { starts } = await fakeRace([
      ['t0', talks(1000)],
      ['t1', talks(1000)],
      ['t2', talks(1000)],
      ['t3', talks(1000)],
      ['next', ok(20)],
    ]);
    // Due at 1000 with the four slots taken; t1 (started at 250, heard every 100 ms) was last
    // heard at 950 ms and is the first to fall silent.
    expect(starts.next).toBe(1200);
  });

  it('restores the stagger as soon as any attempt is heard', async () => {
    const { starts } = await fakeRace([
      ['h0', hang],
      ['h1', hang],
      ['h2', hang],
      ['talker', talks(Infinity)],
      ['h3', hang],
      ['h4', hang],
      ['good', ok(20)],
    ]);
    expect(starts).toEqual({ h0: 0, h1: 250, h2: 313, talker: 338, h3: 363, h4: 613, good: 863 });
  });

  it('does not shorten the head start of the last good route', async () => {
    const { starts } = await fakeRace([['last-good', hang], ['h', hang], ['good', ok(20)]], { headStart: 1000 });
    expect(starts).toEqual({ 'last-good': 0, h: 1000, good: 1063 });
  });

  it('still starts the next at once when one fails', async () => {
    const fails: Script = (signal) => Promise.race([aborted(signal), new Promise<never>((_, rej) => setTimeout(() => rej(reset()), 5))]);
    const { starts } = await fakeRace([['h0', hang], ['f1', fails], ['f2', fails], ['good', ok(20)]]);
    expect(starts).toEqual({ h0: 0, f1: 250, f2: 255, good: 260 });
  });
});

describe('routes that are heard from keep the full stagger (deliver wires progress)', () => {
  it('five centers that finish TLS and then never answer: the stagger stays whole, so the sixth waits', async () => {
    const { tlsHangAfterHandshake, tlsPair } = await import('../harness/censor.js');
    const holes = await Promise.all(Array.from({ length: 5 }, () => tlsHangAfterHandshake(tlsPair('center'))));
    const routes = [
      ...holes.map((p, i) => parseRoute({ id: `heard-${i}`, kind: 'mirror', url: `https://center.test:${p.port}/`, connect: `127.0.0.1:${p.port}`, ca: TEST_CA })),
      parseRoute({ id: 'good', kind: 'direct', url: c.url.toString() }),
    ];
    const byId = new Map(routes.map((r) => [r.id, r]));
    const envelope = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
    const token = randomBytes(16);
    const starts: Record<string, number> = {};
    const t0 = performance.now();
    const r = await race(
      routes,
      (id, signal, progress) => deliver(envelope, token, byId.get(id)!, { center: { name: c.center.name, logKey: c.center.logKey }, signal, onProgress: progress }),
      // A 400 ms stagger leaves a loaded machine room to finish each TLS handshake within it.
      { stagger: 400, deadline: 6000, onEvent: (e) => void (e.type === 'start' && (starts[e.route] = performance.now() - t0)) },
    );
    expect(r.winner?.route).toBe('good');
    // Heard attempts do not shorten the delay: 5 x 400 ms here, against ~0.6 s with the silent-network
    // pacing; a handshake slowed past 400 ms by a loaded machine may shorten one step, hence 3 staggers.
    expect(starts.good).toBeGreaterThanOrEqual(1200);
    for (const h of holes) {
      await h.idle();
      await h.close();
    }
  });
});
