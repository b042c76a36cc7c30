import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { deliver } from '../../src/transport/deliver.js';
import { MAX_OPEN, race } from '../../src/transport/race/race.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { answering, hangAfterAccept, resetAfterHello, TEST_CA, tlsAnswering, tlsPair, type Peer } from '../harness/censor.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { signReceipt } from '../../src/crypto/receipt.js';
import { envelopeIdHex } from '../../src/crypto/envelope.js';

let c: TestCenter;
beforeAll(async () => {
  c = await startCenter();
});
afterAll(() => c.close());

function run(routes: Route[], opts: Parameters<typeof race>[2] = {}) {
  const envelope = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
  const token = randomBytes(16);
  const byId = new Map(routes.map((r) => [r.id, r]));
  return race(routes, (id, signal) => deliver(envelope, token, byId.get(id)!, { center: { name: c.center.name, logKey: c.center.logKey }, signal }), opts);
}

const idle = (p: Peer) =>
  Promise.race([p.idle(), new Promise((_, rej) => setTimeout(() => rej(new Error(`${p.open()} sockets open`)), 1000))]);

describe('race', () => {
  it('moves on after the stagger delay past a blackhole, and the winner cancels it (no socket left)', async () => {
    const hole = await hangAfterAccept();
    const t0 = performance.now();
    const r = await run([
      parseRoute({ id: 'hole', kind: 'direct', url: hole.url }),
      parseRoute({ id: 'good', kind: 'direct', url: c.url.toString() }),
    ]);
    const ms = performance.now() - t0;
    expect(r.winner?.route).toBe('good');
    expect(ms).toBeGreaterThanOrEqual(249);
    expect(ms).toBeLessThan(600);
    expect(r.attempts.map((a) => [a.route, a.outcome])).toEqual([
      ['hole', 'cancelled'],
      ['good', 'delivered'],
    ]);
    await idle(hole);
    expect(hole.accepted()).toBe(1);
    await hole.close();
  });

  it('starts the next route at once when one fails fast', async () => {
    const rst = await resetAfterHello();
    const t0 = performance.now();
    const r = await run([
      parseRoute({ id: 'rst', kind: 'direct', url: rst.url }),
      parseRoute({ id: 'good', kind: 'direct', url: c.url.toString() }),
    ]);
    expect(r.winner?.route).toBe('good');
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.attempts[0]).toMatchObject({ route: 'rst', outcome: 'reset' });
    await rst.close();
  });

  // Issue 6, finding 3: silent attempts hold no slot, but at most MAX_OPEN are open at once; the
  // longest silent one makes room for the next.
  it('keeps at most 8 attempts open, cancelling the longest silent to start the next, and stops at the overall deadline', async () => {
    const holes = await Promise.all(Array.from({ length: MAX_OPEN + 2 }, () => hangAfterAccept()));
    let atServers = 0;
    const t0 = performance.now();
    const r = await run(
      holes.map((h, i) => parseRoute({ id: `h${i}`, kind: 'direct', url: h.url })),
      {
        stagger: 100,
        deadline: 600,
        onEvent: (e) => void (e.type === 'start' && (atServers = Math.max(atServers, holes.reduce((n, h) => n + h.open(), 0)))),
      },
    );
    const ms = performance.now() - t0;
    expect(r.winner).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(599);
    expect(ms).toBeLessThan(700);
    expect(atServers).toBeLessThanOrEqual(MAX_OPEN);
    expect(r.attempts.map((a) => a.outcome)).toEqual([...Array(2).fill('cancelled'), ...Array(MAX_OPEN).fill('timeout')]);
    expect(holes.reduce((n, h) => n + h.accepted(), 0)).toBe(MAX_OPEN + 2);
    for (const h of holes) {
      await idle(h);
      await h.close();
    }
  });

  it('reports every route when all fail', async () => {
    const rst = await resetAfterHello();
    const r = await run([parseRoute({ id: 'a', kind: 'direct', url: rst.url }), parseRoute({ id: 'b', kind: 'direct', url: rst.url })]);
    expect(r.winner).toBeNull();
    expect(r.attempts.map((a) => a.outcome)).toEqual(['reset', 'reset']);
    await rst.close();
  });

  // Issue 3 acceptance: for each fast failure of the censorship harness, the race moves on at once
  // (well inside the 250 ms stagger) and records the right outcome and failure class.
  const forger = new NoteSigner('center.test/log', new Uint8Array(32).fill(9));
  const fast: [string, () => Promise<Peer>, (p: Peer) => Record<string, string>, string, string][] = [
    ['reset after the ClientHello', resetAfterHello, (p) => ({ url: `https://center.test:${p.port}/`, connect: `127.0.0.1:${p.port}`, ca: TEST_CA }), 'reset', 'blocked'],
    ['a wrong certificate', () => tlsAnswering(tlsPair('other'), (_q, res) => res.end('{}')), (p) => ({ url: `https://center.test:${p.port}/`, connect: `127.0.0.1:${p.port}`, ca: TEST_CA }), 'tls', 'blocked'],
    [
      'a 200 with a forged receipt',
      () =>
        answering((_q, res, body) => {
          const eh = envelopeIdHex(new Uint8Array(body));
          const receipt = signReceipt(forger, { center: 'center.test', eh: Buffer.from(eh, 'hex'), blind: new Uint8Array(16), index: 1, hour: 1 });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: eh, receipt }));
        }),
      (p) => ({ url: p.url }),
      'bad-receipt',
      'blocked',
    ],
    ['503 with Retry-After', () => answering((_q, res) => res.writeHead(503, { 'retry-after': '30' }).end('{"error":"overloaded"}')), (p) => ({ url: p.url }), 'http-503', 'server'],
  ];
  it.each(fast)('moves on at once past %s and records its class', async (_name, make, spec, outcome, failureClass) => {
    const peer = await make();
    const t0 = performance.now();
    const r = await run([parseRoute({ id: 'bad', kind: 'mirror', ...spec(peer) } as never), parseRoute({ id: 'good', kind: 'direct', url: c.url.toString() })]);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.winner?.route).toBe('good');
    expect(r.attempts[0]).toMatchObject({ route: 'bad', outcome, error: { failureClass } });
    await peer.close();
  });
});

