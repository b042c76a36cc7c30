/**
 * Issue 12 on loopback: strategy combinations race as entries of one race (sendItem, flush), each
 * classified on its own, and the one that delivered is remembered per network so that the next
 * submission starts with it. The censors are real sockets on 127.0.0.1: a per-packet SNI filter
 * (tests/harness/sni-filter.mjs) in front of a real TLS center, and DoH resolvers (tests/harness/dns.ts)
 * that answer the right or a wrong address. Needs the TLS fragmentation (request.ts) and the DoH
 * hook (tunnel.ts) of issue 12.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelopeId, sealEnvelope } from '../../src/crypto/envelope.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { sendItem } from '../../src/outbox/send.js';
import { flushOutbox } from '../../src/outbox/flush.js';
import { RouteHealth } from '../../src/transport/race/health.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { parseStrategies } from '../../src/transport/strategy/parse.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA } from '../harness/censor.js';
import { a, answer, dohServer, RESOLVER_NAME, rr, type TestResolver } from '../harness/dns.js';
import { startSniFilter, type SniFilter } from '../harness/sni-filter.mjs';
import { seeded } from '../harness/prng.js';

let c: TestCenter;
let censor: SniFilter;
let home: string;
beforeAll(async () => {
  c = await startCenter({ tls: true });
  censor = await startSniFilter({ mode: 'packet', target: { host: '127.0.0.1', port: Number(c.url.port) }, blocked: 'center.test' });
});
afterAll(async () => {
  await censor.close();
  await c.close();
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-strategy-race-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const identity = () => ({ name: c.center.name, logKey: c.center.logKey });
const seal = () => sealEnvelope(new TextEncoder().encode(`{"n":${Math.random()}}`), c.center.boxKey);
/** The center behind the SNI censor, at its pinned address (nothing is looked up). */
const censored = (tls: string[]) =>
  parseRoute({ id: 'direct-1', kind: 'direct', url: `https://center.test:${c.url.port}/`, connect: `127.0.0.1:${censor.port}`, ca: TEST_CA, tls } as never);

describe('strategies race like routes (loopback censor)', () => {
  it('the plain ClientHello is reset, tlsfrag:sni delivers a verified receipt; the next submission starts with it', async () => {
    const outbox = new Outbox(home);
    const health = await RouteHealth.load(home, { networkId: 'loopback-net', passphrase: null, random: seeded(1) });
    const item = await outbox.add(seal());
    const r = await sendItem(outbox, item, [censored(['', 'tlsfrag:sni'])], { center: identity(), health, stagger: 100, deadline: 20_000, strategies: { random: seeded(2) } });
    expect(r.delivered).toBe(true);
    expect(r.route).toBe('direct-1+tlsfrag:sni');
    verifyReceipt(r.receipt!, { ...identity(), center: c.center.name, eh: envelopeId(item.envelope) });
    const plain = r.attempts.find((x) => x.route === 'direct-1');
    expect(plain?.outcome).toBe('reset');
    expect(plain?.strategy).toBeUndefined();
    expect(r.attempts.find((x) => x.route === 'direct-1+tlsfrag:sni')).toMatchObject({ outcome: 'delivered', strategy: { dns: 'system', tls: 'tlsfrag:sni' } });

    // Next submission, same network: the remembered combination goes first, with its head start.
    const again = await RouteHealth.load(home, { networkId: 'loopback-net', passphrase: null, random: seeded(3) });
    const item2 = await outbox.add(seal());
    const r2 = await sendItem(outbox, item2, [censored(['', 'tlsfrag:sni'])], { center: identity(), health: again, stagger: 100, deadline: 20_000 });
    expect(r2.attempts[0]).toMatchObject({ route: 'direct-1+tlsfrag:sni', outcome: 'delivered' });
    expect(r2.attempts).toHaveLength(1);
  });

  it('a flush races once, then sends the rest over the winning combination', async () => {
    const outbox = new Outbox(home);
    for (let i = 0; i < 6; i++) await outbox.add(seal());
    const round = await flushOutbox(outbox, [censored(['', 'tlsfrag:sni'])], { center: identity(), stagger: 100, parallel: 3, deadline: 20_000 });
    expect(round).toMatchObject({ delivered: 6, stalled: false });
    expect(await outbox.list()).toEqual([]);
  });

  it('per combination: a DoH answer with a wrong address is refused, the right one delivers; no system lookup', async () => {
    const right = await dohServer((q) => answer(q, q.type === 1 ? [rr(q.name, 1, 60, a('127.0.0.1'))] : []));
    // 127.0.0.2 is loopback too, where nothing listens on the center's port.
    const wrong = await dohServer((q) => answer(q, q.type === 1 ? [rr(q.name, 1, 60, a('127.0.0.2'))] : []));
    // The wrong one first in the list: without a plain entry, a route's first combination races first.
    const resolvers: TestResolver[] = [wrong, right];
    try {
      const dns = resolvers.map((x) => ({ https: { name: RESOLVER_NAME, address: x.address, ca: TEST_CA } }));
      // Only encrypted resolvers: the route's own list has no system entry, so nothing is looked up by the OS.
      const route = parseRoute({ id: 'direct-1', kind: 'direct', url: `https://center.test:${c.url.port}/`, ca: TEST_CA, dns } as never);
      const outbox = new Outbox(home);
      const item = await outbox.add(seal());
      const r = await sendItem(outbox, item, [route], { center: identity(), stagger: 2000, deadline: 20_000, strategies: { defaults: parseStrategies({ tls: ['tlsfrag:sni'] }, 'strategies') } });
      expect(r.delivered).toBe(true);
      // Each list defaults on its own: the route's dns, the center file's tls.
      expect(r.route).toBe(`direct-1+doh:${RESOLVER_NAME}@${right.address}+tlsfrag:sni`);
      expect(r.attempts[0]).toMatchObject({
        route: `direct-1+doh:${RESOLVER_NAME}@${wrong.address}+tlsfrag:sni`,
        outcome: 'refused',
        strategy: { dns: `https:${RESOLVER_NAME}@${wrong.address}`, tls: 'tlsfrag:sni' },
      });
      expect(r.attempts[1]).toMatchObject({ route: `direct-1+doh:${RESOLVER_NAME}@${right.address}+tlsfrag:sni`, outcome: 'delivered' });
      expect(r.attempts).toHaveLength(2);
      expect(right.asked.every((n) => n === 'center.test')).toBe(true);
    } finally {
      for (const x of resolvers) await x.close();
    }
  });
});
