import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { cryptoRandom, orderRoutes, shuffle, staggerFrom, type Candidate } from '../../src/transport/race/order.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { seeded } from '../harness/prng.js';


const route = (id: string): Route => parseRoute({ id, kind: 'direct', url: `https://${id}.example/` });
const ids = (rs: readonly Route[]) => rs.map((r) => r.id);
const NOW = 1_700_000_000_000;
const S = NOW / 1000;
/** Math.floor(0.999 * (i + 1)) = i: Fisher-Yates leaves the order as given. */
const keep = () => 0.999;

describe('shuffle', () => {
  test.prop([fc.array(fc.integer()), fc.integer()])('is a permutation of its input', (xs, seed) => {
    const out = shuffle(xs, seeded(seed));
    expect([...out].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
  });

  it('varies with the RNG and puts every route in every place', () => {
    const routes = ['a', 'b', 'c', 'd', 'e'];
    const seen = new Set<string>();
    const places = new Map<string, Set<number>>(routes.map((r) => [r, new Set()]));
    for (let seed = 0; seed < 400; seed++) {
      const out = shuffle(routes, seeded(seed));
      seen.add(out.join(''));
      out.forEach((r, i) => places.get(r)!.add(i));
    }
    expect(seen.size).toBeGreaterThan(60);
    for (const p of places.values()) expect(p.size).toBe(5);
  });

  it('tolerates an RNG that returns 1 or less than 0', () => {
    expect(shuffle([1, 2, 3], () => 1).sort()).toEqual([1, 2, 3]);
    expect(shuffle([1, 2, 3], () => -1).sort()).toEqual([1, 2, 3]);
  });

  it('by default draws from the CSPRNG: values in [0, 1) and orders that differ run to run', () => {
    for (let i = 0; i < 1000; i++) {
      const x = cryptoRandom();
      expect(x >= 0 && x < 1).toBe(true);
    }
    const orders = new Set(Array.from({ length: 20 }, () => shuffle([...'abcdefgh'], cryptoRandom).join('')));
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('staggerFrom', () => {
  it('is 250 ms without measurements and never narrower than that', () => {
    expect(staggerFrom([])).toBe(250);
    expect(staggerFrom([40, 60, 80])).toBe(250);
  });

  it('widens to 1.5 x the median of recent winning attempt times', () => {
    expect(staggerFrom([400, 400, 400])).toBe(600);
    expect(staggerFrom([300, 1000, 5000])).toBe(1500);
    expect(staggerFrom([400, 600])).toBe(750);
  });

  it('is clamped to 2 s (RFC 8305 section 5)', () => {
    expect(staggerFrom([3000])).toBe(2000);
    expect(staggerFrom([60_000, 90_000])).toBe(2000);
  });
});

describe('orderRoutes', () => {
  it('puts no memory at all in a shuffled order, with the default stagger and no head start', () => {
    const rs = ['a', 'b', 'c', 'd'].map(route);
    const o = orderRoutes(rs.map((r) => ({ route: r })), [], NOW, seeded(7));
    expect(o.headStart).toBeUndefined();
    expect(o.stagger).toBe(250);
    expect(ids(o.routes).sort()).toEqual(['a', 'b', 'c', 'd']);
    const orders = new Set(Array.from({ length: 30 }, (_, seed) => ids(orderRoutes(rs.map((r) => ({ route: r })), [], NOW, seeded(seed)).routes).join('')));
    expect(orders.size).toBeGreaterThan(5);
  });

  it('orders last good, recent successes (newest, then fastest), unknown, cooling (soonest back first), misconfigured', () => {
    const c: Candidate[] = [
      { route: route('config'), mem: { fail: S - 10, cls: 'config', out: 'proxy-auth' } },
      { route: route('cool-late'), mem: { fail: S - 5, cls: 'blocked', out: 'reset', cool: S + 175 } },
      { route: route('unknown'), mem: undefined },
      { route: route('old-ok'), mem: { ok: S - 3600, lat: [300] } },
      { route: route('cool-soon'), mem: { fail: S - 170, cls: 'server', out: 'http-503', cool: S + 10 } },
      { route: route('new-slow'), mem: { ok: S - 60, lat: [900] } },
      { route: route('new-fast'), mem: { ok: S - 60, lat: [200, 250] } },
      { route: route('good'), mem: { ok: S - 30, lat: [500] }, lastGood: true },
      { route: route('failed-after-ok'), mem: { ok: S - 900, fail: S - 600, cls: 'blocked', out: 'timeout', cool: S - 420 } },
    ];
    const o = orderRoutes(c, [500, 300, 900, 200, 250], NOW, keep);
    expect(ids(o.routes)).toEqual(['good', 'new-fast', 'new-slow', 'old-ok', 'unknown', 'failed-after-ok', 'cool-soon', 'cool-late', 'config']);
    expect(o.headStart).toBe(1000);
    expect(o.stagger).toBe(450);
    expect(o.allCooling).toBe(false);
  });

  it('gives no head start to a last good route that is cooling down or misconfigured', () => {
    for (const mem of [
      { ok: S - 300, fail: S - 1, cls: 'blocked' as const, cool: S + 179 },
      { ok: S - 300, fail: S - 1, cls: 'config' as const },
    ]) {
      const o = orderRoutes([{ route: route('g'), mem, lastGood: true }, { route: route('x') }], [], NOW, keep);
      expect(ids(o.routes)).toEqual(['x', 'g']);
      expect(o.headStart).toBeUndefined();
    }
  });

  it('keeps every route and says when all of them are cooling or misconfigured', () => {
    const o = orderRoutes(
      [
        { route: route('a'), mem: { fail: S, cls: 'blocked', cool: S + 180 } },
        { route: route('b'), mem: { fail: S, cls: 'config' } },
      ],
      [],
      NOW,
      keep,
    );
    expect(ids(o.routes)).toEqual(['a', 'b']);
    expect(o.allCooling).toBe(true);
    expect(orderRoutes([], [], NOW, keep)).toMatchObject({ routes: [], allCooling: false, stagger: 250 });
  });
});
