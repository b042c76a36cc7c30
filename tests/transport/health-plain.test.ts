/**
 * Route health without a passphrase (issue 6, finding 5): the file names no route and no network,
 * so the memory is coarser than the sealed one (tests/transport/health.test.ts): the kind of route
 * that last delivered goes first, cool-downs by an 8-bit tag last. The tests seed the file with a
 * fixed salt under which their routes' tags and networks' tags are distinct, so that they are
 * deterministic (with a random salt two of a user's routes share a tag one time in 256: they then
 * share their cool-downs, which is the price of a tag that confirms nothing).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouteError } from '../../src/errors.js';
import { RouteHealth, type HealthOptions } from '../../src/transport/race/health.js';
import { networkTag, routeTag } from '../../src/transport/race/health-net.js';
import { classify, statusError } from '../../src/transport/outcome.js';
import type { Attempt } from '../../src/transport/race/race.js';
import { parseRoute, throughProxy, type Route } from '../../src/transport/routes/route.js';

const T0 = 1_700_000_000_500;
const SEC = 1000;
const HOUR = 3600 * SEC;
const keep = () => 0.999;

const route = (id: string, kind: 'direct' | 'mirror' | 'socks' | 'http-proxy' = 'direct', proxy?: string): Route =>
  parseRoute({ id, kind, url: `https://${id}.example/`, ...(proxy ? { proxy } : {}) });
const win = (id: string, ms = 300): Attempt => ({ route: id, outcome: 'delivered', ms });
const fail = (id: string, error: RouteError, ms = 50): Attempt => ({ route: id, outcome: error.outcome, ms, error });
const timeout = () => classify(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), 'connect');
const ids = (rs: readonly Route[]) => rs.map((r) => r.id);

const A = route('a');
const B = route('b');
const M = route('m', 'mirror');
const S = route('s', 'socks', 'socks5h://127.0.0.1:9050');
const AP = throughProxy(A, new URL('socks5h://127.0.0.1:9150'), 1);
const P1 = route('p', 'http-proxy', 'https://alice:wrong@proxy.example:8443');
const P2 = route('p', 'http-proxy', 'https://alice:right@proxy.example:8443');
const NETS = ['home-net', 'work', 'cafe', 'elsewhere'];

/** The first salt (all bytes i) under which every test route and network has a tag of its own. */
function pickSalt(): Buffer {
  for (let i = 0; ; i++) {
    const salt = Buffer.alloc(16, i);
    const rt = new Set([A, B, M, S, AP, P1, P2].map((r) => routeTag(r, salt)));
    const nt = new Set(NETS.map((n) => networkTag(n, salt)));
    if (rt.size === 7 && nt.size === NETS.length) return salt;
  }
}
const SALT = pickSalt();

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-health-plain-'));
  await writeFile(join(home, 'health.json'), JSON.stringify({ v: 2, salt: SALT.toString('base64'), nets: {} }));
});
afterEach(() => rm(home, { recursive: true, force: true }));

const fileText = () => readFile(join(home, 'health.json'), 'utf8');
async function run<T>(at: number, body: (h: RouteHealth) => T, opts: HealthOptions = {}): Promise<T> {
  const h = await RouteHealth.load(home, { networkId: 'home-net', now: () => at, random: keep, passphrase: null, ...opts });
  expect(h.sealed).toBe(false);
  const out = body(h);
  expect(await h.save()).toBe(true);
  return out;
}
const orderAt = (at: number, routes: Route[], opts: HealthOptions = {}) => run(at, (h) => h.order(routes), opts);

describe('route health without a passphrase', () => {
  it('puts the kind of route that last delivered first, the first of them with a 1 s head start', async () => {
    const all = [A, M, S, B];
    expect((await orderAt(T0, all)).headStart).toBeUndefined();
    await run(T0, (h) => (h.order(all), h.record([fail('a', timeout()), win('s')])));
    const next = await run(T0 + 10 * SEC, (h) => ({ o: h.order(all), s: h.describe(S), b: h.describe(B) }));
    expect(ids(next.o.routes)).toEqual(['s', 'm', 'b', 'a']);
    expect(next.o.headStart).toBe(1000);
    expect(next.s).toEqual({ state: 'good', lastGood: true, lastSuccess: Math.floor(T0 / HOUR) * HOUR });
    expect(next.b).toEqual({ state: 'unknown', lastGood: false });
    // Several routes of that kind: all go first, in random order, one of them with the head start.
    await run(T0 + 20 * SEC, (h) => (h.order(all), h.record([win('b')])));
    const firsts = new Set<string>();
    for (const coin of [0, 0.3, 0.6, 0.999]) {
      const o = await orderAt(T0 + 200 * SEC, all, { random: () => coin });
      expect(o.headStart).toBe(1000);
      expect(new Set(ids(o.routes.slice(0, 2)))).toEqual(new Set(['a', 'b']));
      firsts.add(o.routes[0]!.id);
    }
    expect(firsts).toEqual(new Set(['a', 'b']));
  });

  it('tells a route through the user\u2019s proxy from the same kind without it', async () => {
    await run(T0, (h) => (h.order([A, AP, M]), h.record([win(AP.id)])));
    const o = await run(T0 + SEC, (h) => ({ o: h.order([A, AP, M]), a: h.describe(A), ap: h.describe(AP) }));
    expect(ids(o.o.routes)).toEqual([AP.id, 'a', 'm']);
    expect([o.a.lastGood, o.ap.lastGood]).toEqual([false, true]);
    expect(await fileText()).toContain('"k":"socks+proxy"');
  });

  it('cools a blocked route down for at least 180 s by its tag, then forgets the cool-down', async () => {
    const all = [A, B, M];
    await run(T0, (h) => (h.order(all), h.record([fail('a', timeout())])));
    const cooling = await run(T0 + 179_999, (h) => ({ o: h.order(all), d: h.describe(A) }));
    expect(ids(cooling.o.routes)).toEqual(['b', 'm', 'a']);
    expect(cooling.d).toMatchObject({ state: 'cooling', lastOutcome: 'timeout', lastGood: false });
    expect(cooling.d.coolUntil).toBeGreaterThanOrEqual(T0 + 180 * SEC);
    const back = await run(T0 + 181 * SEC, (h) => ({ o: h.order(all), d: h.describe(A) }));
    expect(ids(back.o.routes)).toEqual(['a', 'b', 'm']);
    expect(back.d).toEqual({ state: 'unknown', lastGood: false });
    expect(JSON.parse(await fileText()).nets).toEqual({});
  });

  it('honours Retry-After on 5xx and 429, 60 s without one, and never more than 600 s', async () => {
    const all = [A, B, M];
    const cases: [RouteError, number][] = [
      [statusError(503, 30 * SEC), 30],
      [statusError(503), 60],
      [statusError(429, 5 * HOUR), 600],
    ];
    for (const [error, s] of cases) {
      await run(T0 - HOUR, (h) => h.record([win('m')], T0 - 2 * HOUR, all)); // an older delivery: m goes first
      await run(T0, (h) => (h.order(all), h.record([fail('a', error)])));
      expect(ids((await orderAt(T0 + (s - 1) * SEC, all)).routes), `${error.outcome} ${s}`).toEqual(['m', 'b', 'a']);
      expect(ids((await orderAt(T0 + (s + 1) * SEC, all)).routes), `${error.outcome} ${s}`).toEqual(['m', 'a', 'b']);
    }
  });

  it('reports a config failure, skips it in this run, orders it last for the day, and not once its spec changes', async () => {
    const routes = [P1, A, B];
    const rec = await run(T0, (h) => {
      h.order(routes);
      const r = h.record([fail('p', statusError(407)), fail('a', timeout())]);
      return { r, again: h.order(routes), d: h.describe(P1) };
    });
    expect(rec.r.configFailed.map((a) => a.outcome)).toEqual(['proxy-auth']);
    expect(ids(rec.again.skipped)).toEqual(['p']);
    expect(ids(rec.again.routes)).toEqual(['b', 'a']);
    expect(rec.d.state).toBe('failed-config');
    expect(ids((await orderAt(T0 + 60 * SEC, routes)).routes)).toEqual(['b', 'a', 'p']);
    expect(ids((await orderAt(T0 + 23 * HOUR, routes)).routes)).toEqual(['a', 'b', 'p']);
    const fixed = await run(T0 + HOUR, (h) => ({ o: h.order([P2, A, B]), d: h.describe(P2) }));
    expect(ids(fixed.o.routes)).toEqual(['p', 'a', 'b']);
    expect(fixed.d.state).toBe('unknown');
    expect(ids((await orderAt(T0 + 25 * HOUR, routes)).routes)).toEqual(['p', 'a', 'b']);
  });

  it('forgets the kind when a route of that kind fails, only half the time (Psiphon)', async () => {
    const after = async (coin: number) => {
      await rm(join(home, 'health.json'));
      await run(T0, (h) => (h.order([A, M]), h.record([win('m')])));
      await run(T0 + SEC, (h) => (h.order([A, M]), h.record([fail('m', timeout())])), { random: () => coin });
      return orderAt(T0 + 200 * SEC, [A, M]);
    };
    expect((await after(0.5)).headStart).toBe(1000);
    expect((await after(0.49)).headStart).toBeUndefined();
  });

  it('keeps each network apart, widens the stagger from its wins, and forgets after 24 h from the end of the hour', async () => {
    await run(T0, (h) => (h.order([A, M]), h.record([win('m', 800)])));
    await run(T0 + SEC, (h) => (h.order([A, M]), h.record([win('m', 1000)])));
    await run(T0, (h) => (h.order([A, M]), h.record([fail('m', timeout()), win('a', 9000)])), { networkId: 'work' });
    const home1 = await orderAt(T0 + 2 * SEC, [A, M]);
    expect([ids(home1.routes), home1.stagger]).toEqual([['m', 'a'], 1350]);
    const work = await orderAt(T0 + 2 * SEC, [A, M], { networkId: 'work' });
    expect([ids(work.routes), work.stagger]).toEqual([['a', 'm'], 2000]);
    const cafe = await orderAt(T0 + 2 * SEC, [A, M], { networkId: 'cafe' });
    expect([ids(cafe.routes), cafe.stagger, cafe.headStart]).toEqual([['a', 'm'], 250, undefined]);
    expect((await orderAt(T0 + 24 * HOUR, [A, M])).headStart).toBe(1000);
    const later = await orderAt(T0 + 25 * HOUR, [A, M]);
    expect([later.headStart, later.stagger]).toEqual([undefined, 250]);
    expect(JSON.parse(await fileText()).nets).toEqual({});
  });

  it('ignores and replaces a damaged plain file', async () => {
    const salt = SALT.toString('base64');
    const bad = [
      { v: 2, salt, nets: { abcd: {} } },
      { v: 2, salt, nets: { abc: { h: -1 } } },
      { v: 2, salt, nets: { abc: { k: 'carrier-pigeon' } } },
      { v: 2, salt, nets: { abc: { cool: { zz: [1, 'timeout', 'blocked'] } } } },
      { v: 2, salt, nets: { abc: { cool: { '0f': [1, 'timeout', 'cancelled'] } } } },
      { v: 2, salt, nets: { abc: { route: 'a' } } },
      { v: 2, salt, nets: {}, extra: 1 },
    ];
    for (const junk of bad) {
      await writeFile(join(home, 'health.json'), JSON.stringify(junk));
      const h = await RouteHealth.load(home, { networkId: 'n', now: () => T0, random: keep, passphrase: null });
      expect(h.damaged, JSON.stringify(junk)).toBe(true);
      h.record([win('m')], T0, [M]);
      expect(await h.save()).toBe(true);
      const again = await RouteHealth.load(home, { networkId: 'n', now: () => T0 + SEC, random: keep, passphrase: null });
      expect(again.damaged).toBe(false);
      expect(again.order([A, M]).routes[0]).toBe(M);
    }
  });
});
