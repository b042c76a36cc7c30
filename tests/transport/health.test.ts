/**
 * Route health with a passphrase set: the full memory, sealed (issue 3; issue 6, finding 5). The
 * memory kept without a passphrase is tests/transport/health-plain.test.ts; what a seized file
 * shows is tests/transport/health-seized.test.ts. Cheap scrypt parameters (`kdf`) keep these fast:
 * the spec's cost is tested in tests/crypto/at-rest.test.ts and health-seized.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '../../src/crypto/at-rest.js';
import { RouteError } from '../../src/errors.js';
import { RouteHealth, type HealthOptions } from '../../src/transport/race/health.js';
import { Cancelled, classify, statusError } from '../../src/transport/outcome.js';
import type { Attempt } from '../../src/transport/race/race.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';

const T0 = 1_700_000_000_500;
const SEC = 1000;
const HOUR = 3600 * SEC;
/** Fisher-Yates keeps the given order with this RNG; as the forget coin it keeps the last good route. */
const keep = () => 0.999;

const route = (id: string, extra: Partial<{ kind: 'direct' | 'http-proxy'; proxy: string }> = {}): Route =>
  parseRoute({ id, kind: extra.kind ?? 'direct', url: `https://${id}.example/`, ...(extra.proxy ? { proxy: extra.proxy } : {}) });

const win = (id: string, ms = 300): Attempt => ({ route: id, outcome: 'delivered', ms });
const fail = (id: string, error: RouteError, ms = 50): Attempt => ({ route: id, outcome: error.outcome, ms, error });
const timeout = () => classify(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), 'connect');
const ids = (rs: readonly Route[]) => rs.map((r) => r.id);

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-health-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

const FAST_KDF = { N: 1024, r: 8, p: 1 };
const SEALED = { passphrase: 'test passphrase', kdf: FAST_KDF } as const;
const load = (at: number, opts: HealthOptions = {}) => RouteHealth.load(home, { networkId: 'home-net', now: () => at, random: keep, ...SEALED, ...opts });
/** The plaintext of the sealed file. */
const opened = async () => (await open(JSON.parse(await readFile(join(home, 'health.json'), 'utf8')), SEALED.passphrase, FAST_KDF)).value as { nets: Record<string, unknown> };

/** One run of the CLI: load, let `body` order and record, save. */
async function run<T>(at: number, body: (h: RouteHealth) => T, opts: HealthOptions = {}): Promise<T> {
  const h = await load(at, opts);
  const out = body(h);
  expect(await h.save()).toBe(true);
  return out;
}
const orderAt = (at: number, routes: Route[], opts: HealthOptions = {}) => run(at, (h) => h.order(routes), opts);

const A = route('a');
const B = route('b');
const C = route('c');
const ALL = [A, B, C];

describe('route health', () => {
  it('tries the winner first next time, with a 1 s head start', async () => {
    expect((await orderAt(T0, ALL)).headStart).toBeUndefined();
    await run(T0, (h) => (h.order(ALL), h.record([fail('a', timeout()), win('c')])));
    const next = await orderAt(T0 + 10 * SEC, ALL);
    expect(next.routes[0]).toBe(C);
    expect(next.headStart).toBe(1000);
  });

  it('does not try a route first on the next run after it failed blocked-like, even when it was the last good one', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([win('a')])));
    expect((await orderAt(T0 + SEC, ALL)).routes[0]).toBe(A);
    await run(T0 + 2 * SEC, (h) => (h.order(ALL), h.record([fail('a', classify(Object.assign(new Error('r'), { code: 'ECONNRESET' }), 'tls'))])));
    const next = await orderAt(T0 + 3 * SEC, ALL);
    expect(ids(next.routes)).toEqual(['b', 'c', 'a']);
    expect(next.headStart).toBeUndefined();
  });

  it('cools a blocked route down for at least 180 s, then puts it back in the normal order', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([fail('a', timeout())])));
    const cooling = await run(T0 + 179_999, (h) => ({ o: h.order(ALL), d: h.describe(A) }));
    expect(ids(cooling.o.routes)).toEqual(['b', 'c', 'a']);
    expect(cooling.d).toMatchObject({ state: 'cooling', lastOutcome: 'timeout' });
    expect(cooling.d.coolUntil).toBeGreaterThanOrEqual(T0 + 180 * SEC);
    const back = await run(T0 + 181 * SEC, (h) => ({ o: h.order(ALL), d: h.describe(A) }));
    expect(ids(back.o.routes)).toEqual(['a', 'b', 'c']);
    expect(back.d).toMatchObject({ state: 'unknown', lastOutcome: 'timeout' });
  });

  it('treats any other 4xx as the route failing, cooled down like a blocked one', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([fail('a', statusError(404))])));
    expect(await run(T0 + 170 * SEC, (h) => h.describe(A))).toMatchObject({ state: 'cooling', lastOutcome: 'http-404' });
    expect(await run(T0 + 181 * SEC, (h) => h.describe(A))).toMatchObject({ state: 'unknown' });
  });

  it('honours Retry-After on 5xx and 429, 60 s without one, and never more than 600 s', async () => {
    const cases: [RouteError, number][] = [
      [statusError(503, 30 * SEC), 30],
      [statusError(503), 60],
      [statusError(429, 5 * HOUR), 600],
    ];
    for (const [error, s] of cases) {
      await rm(join(home, 'health.json'), { force: true });
      await run(T0, (h) => (h.order(ALL), h.record([fail('a', error)])));
      expect(ids((await orderAt(T0 + (s - 1) * SEC, ALL)).routes), `${error.outcome} ${s}`).toEqual(['b', 'c', 'a']);
      expect(ids((await orderAt(T0 + (s + 1) * SEC, ALL)).routes), `${error.outcome} ${s}`).toEqual(['a', 'b', 'c']);
    }
  });

  it('reports a config failure at once, skips it for the rest of the run, and orders it last until its spec changes', async () => {
    const p1 = route('p', { kind: 'http-proxy', proxy: 'https://alice:wrong@proxy.example:8443' });
    const routes = [p1, A, B];
    const rec = await run(T0, (h) => {
      h.order(routes);
      const r = h.record([fail('p', statusError(407)), fail('a', timeout())]);
      return { r, again: h.order(routes), d: h.describe(p1) };
    });
    expect(rec.r.configFailed.map((a) => [a.route, a.outcome])).toEqual([['p', 'proxy-auth']]);
    expect(ids(rec.again.routes)).toEqual(['b', 'a']);
    expect(ids(rec.again.skipped)).toEqual(['p']);
    expect(rec.d.state).toBe('failed-config');
    // Next runs: still tried, but after everything else, even after a cooling route.
    expect(ids((await orderAt(T0 + 60 * SEC, routes)).routes)).toEqual(['b', 'a', 'p']);
    expect(ids((await orderAt(T0 + HOUR, routes)).routes)).toEqual(['a', 'b', 'p']);
    // The user fixes the password: a new spec, so a new route that is not held back.
    const p2 = route('p', { kind: 'http-proxy', proxy: 'https://alice:right@proxy.example:8443' });
    const fixed = await run(T0 + HOUR, (h) => ({ o: h.order([p2, A, B]), d: h.describe(p2) }));
    expect(ids(fixed.o.routes)).toEqual(['p', 'a', 'b']);
    expect(fixed.d.state).toBe('unknown');
  });

  it('records nothing for cancelled attempts and for routes it was not told about', async () => {
    const same = await run(T0, (h) => {
      h.order([A]);
      h.record([fail('a', classify(new Cancelled('another route won'), 'connect')), fail('zz', timeout())]);
      return h.describe(A);
    });
    expect(same).toEqual({ state: 'unknown', lastGood: false });
    const next = await run(T0 + SEC, (h) => ({ d: h.describe(A), damaged: h.damaged }));
    expect(next).toEqual({ d: { state: 'unknown', lastGood: false }, damaged: false });
    // Routes can also be named to record() directly (as `routes test` does, without a race).
    expect(await run(T0 + SEC, (h) => (h.record([win('b')], T0, [B]), h.describe(B)))).toMatchObject({ state: 'good', lastGood: true });
  });

  it('forgets a failed last good route only half the time (Psiphon)', async () => {
    const after = async (coin: number) => {
      await rm(join(home, 'health.json'), { force: true });
      await run(T0, (h) => (h.order(ALL), h.record([win('b')])));
      await run(T0 + SEC, (h) => (h.order(ALL), h.record([fail('b', timeout())])), { random: () => coin });
      return orderAt(T0 + 200 * SEC, ALL);
    };
    const kept = await after(0.5);
    expect(kept.routes[0]).toBe(B);
    expect(kept.headStart).toBe(1000);
    const forgotten = await after(0.49);
    expect(forgotten.headStart).toBeUndefined();
    expect(ids(forgotten.routes)).toEqual(['a', 'b', 'c']);
  });

  it('forgets everything after 24 h, counted from the end of its hour (wire spec 9: hours, no finer)', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([win('c', 1200), fail('a', statusError(407))])));
    const day = await orderAt(T0 + 24 * HOUR - SEC, ALL);
    expect(ids(day.routes)).toEqual(['c', 'b', 'a']);
    expect(day.stagger).toBe(1800);
    const later = await run(T0 + 25 * HOUR, (h) => ({ o: h.order(ALL), c: h.describe(C), a: h.describe(A) }));
    expect(ids(later.o.routes)).toEqual(['a', 'b', 'c']);
    expect(later.o).toMatchObject({ stagger: 250 });
    expect(later.o.headStart).toBeUndefined();
    expect(later.c).toEqual({ state: 'unknown', lastGood: false });
    expect(later.a).toEqual({ state: 'unknown', lastGood: false });
    expect((await opened()).nets).toEqual({});
  });

  it('keeps a separate memory per network', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([win('a')])), { networkId: 'home' });
    await run(T0, (h) => (h.order(ALL), h.record([fail('a', timeout()), win('b')])), { networkId: 'work' });
    expect((await orderAt(T0 + SEC, ALL, { networkId: 'home' })).routes[0]).toBe(A);
    expect(ids((await orderAt(T0 + SEC, ALL, { networkId: 'work' })).routes)).toEqual(['b', 'c', 'a']);
    const cafe = await orderAt(T0 + SEC, ALL, { networkId: 'cafe' });
    expect(ids(cafe.routes)).toEqual(['a', 'b', 'c']);
    expect(cafe.headStart).toBeUndefined();
  });

  it('widens the stagger from the latency of this network\u2019s wins, clamped to 2 s', async () => {
    await run(T0, (h) => (h.order(ALL), h.record([win('a', 800)])));
    await run(T0 + SEC, (h) => (h.order(ALL), h.record([win('b', 1000)])));
    expect((await orderAt(T0 + 2 * SEC, ALL)).stagger).toBe(1350);
    await run(T0 + 3 * SEC, (h) => (h.order(ALL), h.record([win('c', 9000), win('a', 9000)])));
    expect((await orderAt(T0 + 4 * SEC, ALL)).stagger).toBe(2000);
    expect((await orderAt(T0 + 4 * SEC, ALL, { networkId: 'elsewhere' })).stagger).toBe(250);
  });

  it('ignores and replaces a damaged health file', async () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA==';
    const sealedJunk = JSON.stringify({ v: 'sealpost/at-rest/v1', kdf: 'scrypt', ...FAST_KDF, salt, nonce: 'A'.repeat(32), box: 'AAAA' });
    for (const junk of ['{not json', '[]', '{"v":2}', '{"v":4}', JSON.stringify({ v: 3, salt, nets: {} }), sealedJunk, '\u0000'.repeat(10)]) {
      await writeFile(join(home, 'health.json'), junk);
      const h = await load(T0, { networkId: 'n' });
      expect(h.damaged, junk).toBe(true);
      expect(h.notice).toEqual({ key: 'transport.health.damaged', params: { file: h.file } });
      expect(ids(h.order(ALL).routes)).toEqual(['a', 'b', 'c']);
      h.record([win('b')]);
      expect(await h.save()).toBe(true);
      const again = await load(T0 + SEC, { networkId: 'n' });
      expect(again.damaged).toBe(false);
      expect(again.notice).toBeUndefined();
      expect(again.order(ALL).routes[0]).toBe(B);
    }
    expect((await RouteHealth.load(join(home, 'nowhere'), SEALED)).damaged).toBe(false);
  });

  it('neither crashes on an unreadable file nor on one it cannot write', async () => {
    await mkdir(join(home, 'health.json'));
    const h = await load(T0, { networkId: 'n' });
    expect(h.damaged).toBe(true);
    h.order(ALL);
    h.record([win('a')]);
    expect(await h.save()).toBe(false);
  });

  it('writes the file with mode 0600, sealed: no route, address, credential or time in it, hours inside', async () => {
    const secret = route('tor-bridge', { kind: 'http-proxy', proxy: 'https://alice:hunter2@proxy.example:8443' });
    await run(T0, (h) => (h.order([secret, A]), h.record([win('tor-bridge', 700), fail('a', timeout())])));
    const file = join(home, 'health.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(['N', 'box', 'kdf', 'nonce', 'p', 'r', 'salt', 'v']);
    for (const clear of ['hunter2', 'alice', 'proxy.example', 'tor-bridge', 'a.example', 'home-net', '"a"', 'nets', 'delivered', 'timeout', String(Math.floor(T0 / HOUR))]) {
      expect(text, clear).not.toContain(clear);
    }
    // Inside: the hour, nothing finer; the cool-down's end to the second, only while it lasts.
    const net = Object.values((await opened()).nets)[0] as { routes: Record<string, { ok?: number; fail?: number; cool?: number }> };
    const hour = Math.floor(T0 / HOUR) * 3600;
    expect(Object.values(net.routes).map((m) => m.ok ?? m.fail)).toEqual([hour, hour]);
    expect(Object.values(net.routes).map((m) => m.cool).filter(Boolean)).toEqual([Math.ceil(T0 / SEC) + 180]);
  });
});
