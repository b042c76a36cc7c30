/**
 * Issue 12: strategies raced like routes. The expansion of routes into race entries
 * (src/transport/strategy/combos.ts), their order under route health, and the memory of the
 * combination that delivered, per network.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseIdOf, combinations, entryById, expandRoutes, PER_ROUTE, raceEntries, strategyLists } from '../../src/transport/strategy/combos.js';
import { parseStrategies, type Strategies } from '../../src/transport/strategy/parse.js';
import { parseRoute, throughProxy, type Route } from '../../src/transport/routes/route.js';
import { RouteHealth } from '../../src/transport/race/health.js';
import { routeSpec } from '../../src/transport/race/health-net.js';
import { seeded } from '../harness/prng.js';
import type { Attempt } from '../../src/transport/race/race.js';

const DOH = { https: { name: 'dns.test', address: '10.0.0.53:443' } };
const DOT = { tls: { name: 'dot.test', address: '10.0.0.54:853' } };
const center: Strategies = parseStrategies({ dns: [{ system: {} }, DOH], tls: ['', 'tlsfrag:sni', 'split:sni'] }, 'strategies');

const direct = (id = 'direct-1', more: Record<string, unknown> = {}): Route => parseRoute({ id, kind: 'direct', url: 'https://center.test/', ...more } as never);
const socks = (): Route => parseRoute({ id: 'socks-1', kind: 'socks', url: 'https://center.test/', proxy: 'socks5h://127.0.0.1:1080' });

describe('expandRoutes: every (route, dns, tls) combination is an entry', () => {
  it('a route without strategies anywhere is one entry, named and raced as before', () => {
    const [e, ...more] = expandRoutes([direct()], undefined);
    expect(more).toEqual([]);
    expect(e!.id).toBe('direct-1');
    expect(e!.strategy).toEqual({ dns: { kind: 'system' }, tls: { text: '', steps: [] } });
    expect(routeSpec(e!)).toBe(routeSpec(direct()));
  });

  it('a direct route takes the center default; ids name resolver and TLS text; the plain entry first', () => {
    const all = combinations(direct(), center);
    expect(all.map((e) => e.id)).toEqual([
      'direct-1',
      'direct-1+tlsfrag:sni',
      'direct-1+split:sni',
      'direct-1+doh:dns.test',
      'direct-1+doh:dns.test+tlsfrag:sni',
      'direct-1+doh:dns.test+split:sni',
    ]);
    expect(all.every((e) => e.dns === undefined && e.tls === undefined)).toBe(true);
    expect(all.map(baseIdOf)).toEqual(Array(6).fill('direct-1'));
  });

  it("a route's own lists win over the center's; a proxied route or one with connect resolves nothing locally", () => {
    const own = direct('direct-1', { dns: [DOT], tls: ['split:2'] });
    expect(strategyLists(own, center)).toEqual({ dns: [expect.objectContaining({ kind: 'tls', name: 'dot.test' })], tls: [expect.objectContaining({ text: 'split:2' })] });
    expect(combinations(own, center).map((e) => e.id)).toEqual(['direct-1+dot:dot.test+split:2']);
    // Proxied: system DNS only, and the center default TLS is for direct and mirror routes.
    expect(combinations(socks(), center).map((e) => e.id)).toEqual(['socks-1']);
    const viaUser = throughProxy(direct('direct-1', { dns: [DOH], tls: ['', 'tlsfrag:5'] }), new URL('socks5h://127.0.0.1:9050'), 1);
    expect(combinations(viaUser, center).map((e) => e.id)).toEqual(['direct-1+proxy-1', 'direct-1+proxy-1+tlsfrag:5']);
    const pinned = direct('direct-1', { connect: '10.0.0.7:443' });
    expect(combinations(pinned, center).map((e) => e.strategy!.dns.kind)).toEqual(['system', 'system', 'system']);
  });

  it('extra entries for this run (--doh, --strategy) join every list they may; a resolver listed twice is told apart by its address', () => {
    const extra = parseStrategies({ dns: [{ https: { name: 'dns.test', address: '10.9.9.9:443' } }], tls: ['tlsfrag:3'] }, '--doh');
    const ids = combinations(direct(), center, extra).map((e) => e.id);
    expect(ids).toContain('direct-1+doh:dns.test@10.0.0.53:443+tlsfrag:sni');
    expect(ids).toContain('direct-1+doh:dns.test@10.9.9.9:443+tlsfrag:3');
    expect(new Set(ids).size).toBe(ids.length);
    expect(combinations(socks(), center, extra).map((e) => e.id)).toEqual(['socks-1', 'socks-1+tlsfrag:3']);
    for (const e of combinations(direct(), center, extra)) expect(baseIdOf(e)).toBe('direct-1');
  });

  it('caps entries per route and overall, keeps the plain one first, shuffles the rest by the seed', () => {
    const routes = [direct('a'), direct('b'), direct('c'), direct('d'), direct('e'), direct('f')];
    const one = expandRoutes(routes, center, new Set(), { random: seeded(1) });
    const two = expandRoutes(routes, center, new Set(), { random: seeded(1) });
    const other = expandRoutes(routes, center, new Set(), { random: seeded(7) });
    expect(one.map((e) => e.id)).toEqual(two.map((e) => e.id));
    expect(one.map((e) => e.id)).not.toEqual(other.map((e) => e.id));
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const mine = one.filter((e) => baseIdOf(e) === id);
      expect(mine[0]!.id).toBe(id);
      expect(mine.length).toBeLessThanOrEqual(PER_ROUTE);
    }
    // 6 routes x 3 variants each would be 18: the total caps them at 16, round-robin.
    expect(one.length).toBe(6 + 16);
    const capped = expandRoutes(routes, center, new Set(), { random: seeded(1), total: 6 });
    expect(capped.map(baseIdOf)).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e', 'f', 'f']);
  });

  it('the remembered combination comes first in its route and is never cut', () => {
    const want = 'direct-1+doh:dns.test+split:sni';
    for (let seed = 1; seed < 20; seed++) {
      const got = expandRoutes([direct()], center, new Set([want]), { random: seeded(seed), perRoute: 2, total: 0 });
      expect(got.map((e) => e.id)).toEqual([want, 'direct-1']);
    }
  });

  it('entryById rebuilds the winning entry; an entry given again stays itself', () => {
    const e = entryById([direct(), socks()], 'direct-1+doh:dns.test+tlsfrag:sni', { defaults: center })!;
    expect(e.strategy).toEqual({ dns: expect.objectContaining({ kind: 'https', name: 'dns.test' }), tls: expect.objectContaining({ text: 'tlsfrag:sni' }) });
    expect(combinations(e, center)).toEqual([e]);
    expect(entryById([direct()], 'nope', { defaults: center })).toBeUndefined();
  });
});

describe('route health remembers the combination that delivered, per network', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'sealpost-combos-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const win = 'direct-1+doh:dns.test+tlsfrag:sni';
  const attempts: Attempt[] = [
    { route: 'direct-1', outcome: 'reset', ms: 20 },
    { route: 'direct-1+tlsfrag:sni', outcome: 'reset', ms: 25 },
    { route: win, outcome: 'delivered', ms: 140 },
  ];

  for (const passphrase of ['pw', null] as const) {
    it(`${passphrase ? 'sealed' : 'plain'} file: the next race starts with it (head start), the reset ones cool down, on this network only`, async () => {
      const kdf = { N: 1024, r: 8, p: 1 };
      const routes = [direct(), socks()];
      const plan = { defaults: center, random: seeded(3) };
      const h1 = await RouteHealth.load(home, { networkId: 'net-a', passphrase, kdf, random: seeded(4) });
      const first = raceEntries(routes, plan, (all) => h1.remembered(all));
      h1.record(attempts, undefined, first.filter((e) => attempts.some((a) => a.route === e.id)).concat(entryById(routes, win, plan)!));
      expect(await h1.save()).toBe(true);
      if (!passphrase) {
        // Without a passphrase the file keeps the strategy's shape only: no resolver name or address (wire spec 9).
        const text = await readFile(join(home, 'health.json'), 'utf8');
        expect(text).toContain('"s":"https/tlsfrag:sni"');
        expect(text).not.toMatch(/dns\.test|10\.0\.0\.53|direct-1/);
      }

      const h2 = await RouteHealth.load(home, { networkId: 'net-a', passphrase, kdf, random: seeded(5) });
      for (let seed = 1; seed < 8; seed++) {
        const entries = raceEntries(routes, { defaults: center, random: seeded(seed) }, (all) => h2.remembered(all));
        expect(entries.map((e) => e.id)).toContain(win);
        const plan2 = h2.order(entries);
        expect(plan2.routes[0]!.id).toBe(win);
        expect(plan2.headStart).toBe(1000);
        // The combinations that were reset go last (cooling), after the untried ones.
        const ids = plan2.routes.map((r) => r.id);
        expect(ids.indexOf('direct-1')).toBeGreaterThan(ids.indexOf('socks-1'));
      }
      const h3 = await RouteHealth.load(home, { networkId: 'net-b', passphrase, kdf, random: seeded(5) });
      const other = h3.order(raceEntries(routes, { defaults: center, random: seeded(1) }, (all) => h3.remembered(all)));
      expect(other.headStart).toBeUndefined();
    });
  }

  it("a configuration failure of one combination leaves out every entry of its route for this run", async () => {
    const h = await RouteHealth.load(home, { networkId: 'net-a', passphrase: null, random: seeded(9) });
    const routes = [direct(), parseRoute({ id: 'socks-1', kind: 'socks', url: 'https://center.test/', proxy: 'socks5h://127.0.0.1:1080', tls: ['', 'tlsfrag:5'] })];
    const entries = raceEntries(routes, { defaults: center, random: seeded(2) });
    const auth = { route: 'socks-1+tlsfrag:5', outcome: 'proxy-auth', ms: 5, error: Object.assign(new Error('407'), { failureClass: 'config', outcome: 'proxy-auth' }) } as unknown as Attempt;
    expect(h.record([auth], undefined, entries).configFailed).toHaveLength(1);
    const plan = h.order(entries);
    expect(plan.skipped.map((r) => r.id).sort()).toEqual(['socks-1', 'socks-1+tlsfrag:5']);
    expect(plan.routes.some((r) => baseIdOf(r) === 'socks-1')).toBe(false);
    expect(plan.routes.length).toBe(entries.length - 2);
  });

  it('without memory, untried entries go routes shuffled with each route plain first, round-robin', async () => {
    const h = await RouteHealth.load(home, { networkId: 'net-a', passphrase: null, random: seeded(9) });
    const routes = [direct('a'), direct('b'), socks()];
    const entries = raceEntries(routes, { defaults: center, random: seeded(2) });
    const ids = h.order(entries).routes.map((r) => r.id);
    // The first three are the three plain entries, in some order; then each route's variants.
    expect(new Set(ids.slice(0, 3))).toEqual(new Set(['a', 'b', 'socks-1']));
    expect(ids).toHaveLength(entries.length);
  });
});
