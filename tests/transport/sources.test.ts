import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCenterFile, type Center, type RouteSpec } from '../../src/crypto/center-file.js';
import { generateCenterKeys, readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { InputError } from '../../src/errors.js';
import { signRouteList } from '../../src/transport/routes/route-list.js';
import { storeRouteList } from '../../src/transport/routes/route-store.js';
import { gatherRoutes, type GatherOptions } from '../../src/transport/routes/sources.js';

const H = 3600_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

let tmp: string;
let center: Center;
let signer: NoteSigner;
let home: string;

const FILE_ROUTES: RouteSpec[] = [
  { id: 'direct-1', kind: 'direct', url: 'https://intake.example.org/' },
  { id: 'mirror-1', kind: 'mirror', url: 'https://mirror.example.net/' },
  { id: 'tor', kind: 'socks', url: 'https://intake.example.org/', proxy: 'socks5h://127.0.0.1:9050' },
];

/** A center whose file lists `routes` (the keys are the same for every one). */
function withRoutes(routes: RouteSpec[]): Center {
  return parseCenterFile(new TextEncoder().encode(JSON.stringify({ ...center.file, routes })));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-sources-'));
  await generateCenterKeys('center.test', join(tmp, 'keys'));
  center = parseCenterFile(await readFile(join(tmp, 'keys', 'center.json')));
  center = withRoutes(FILE_ROUTES);
  const k = await readSecretKeyFile(join(tmp, 'keys', 'routes.key'), 'routes');
  signer = new NoteSigner(k.name, k.secretKey);
  home = join(tmp, 'home-empty');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const base = (o: Partial<GatherOptions> = {}): GatherOptions => ({
  center,
  home,
  routeFlags: [],
  proxyFlags: [],
  onlyRoutes: false,
  alsoDirect: false,
  allowPlainProxy: false,
  env: {},
  now: NOW,
  ...o,
});
const gather = async (o: Partial<GatherOptions> = {}) => {
  const g = await gatherRoutes(base(o));
  return { ...g, ids: g.routes.map((r) => r.id) };
};

describe('gatherRoutes', () => {
  it('--route flags are arg-1, arg-2, ... before the center file routes', async () => {
    const g = await gather({ routeFlags: ['https://a.example/', 'http://127.0.0.1:8080'] });
    expect(g.ids).toEqual(['arg-1', 'arg-2', 'direct-1', 'mirror-1', 'tor']);
    expect(g.routes[1]!.url.href).toBe('http://127.0.0.1:8080/');
    expect(g.sources.get('arg-1')).toBe('arg');
    expect(g.sources.get('direct-1')).toBe('center-file');
    expect(g.list).toBeNull();
  });

  it('a bad --route is an InputError naming --route', async () => {
    await expect(gatherRoutes(base({ routeFlags: ['ftp://a.example/'] }))).rejects.toMatchObject({ name: 'InputError', field: '--route' });
  });

  it("--only-routes ignores the center file's routes but keeps the environment's proxy (issue 6 finding 2)", async () => {
    const g = await gather({ routeFlags: ['https://a.example/'], onlyRoutes: true, env: { https_proxy: 'https://p.example' } });
    expect(g.ids).toEqual(['env-1']);
    expect(g.routes[0]!.proxy?.href).toBe('https://p.example/');
    expect((await gather({ routeFlags: ['https://a.example/'], onlyRoutes: true })).ids).toEqual(['arg-1']);
  });

  it('--proxy sends every route through each proxy (own proxies chained) and drops the unproxied ones', async () => {
    const g = await gather({ routeFlags: ['https://a.example/'], proxyFlags: ['socks5://127.0.0.1:1080', 'https://p.example:8443'] });
    expect(g.ids).toEqual([
      'arg-1+proxy-1', 'arg-1+proxy-2',
      'direct-1+proxy-1', 'direct-1+proxy-2',
      'mirror-1+proxy-1', 'mirror-1+proxy-2',
      'tor+proxy-1', // chained: 127.0.0.1:1080 → 127.0.0.1:9050 (issue 6 finding 1)
    ]);
    // Its own proxy on this machine cannot be asked for through p.example: left out, and said.
    expect(g.left).toEqual([{ route: expect.objectContaining({ id: 'tor' }), source: 'center-file', reason: 'loopback-proxy' }]);
    expect(g.warnings).toEqual([{ key: 'transport.routes.left-loopback', params: { id: 'tor' } }]);
    expect(g.routes[6]!.via?.href).toBe('socks5h://127.0.0.1:1080');
    expect(g.routes[6]!.proxy?.href).toBe('socks5h://127.0.0.1:9050');
    expect(g.routes[0]!.proxy?.href).toBe('socks5h://127.0.0.1:1080');
    expect(g.routes[1]!.proxy?.href).toBe('https://p.example:8443/');
    expect(g.routes.filter((r) => !r.proxy)).toEqual([]);
    expect(g.sources.get('mirror-1+proxy-2')).toBe('proxy');
  });

  it('--proxy with --also-direct keeps the unproxied routes after the proxied ones', async () => {
    const g = await gather({ proxyFlags: ['http://127.0.0.1:3128'], alsoDirect: true });
    expect(g.ids).toEqual(['direct-1+proxy-1', 'mirror-1+proxy-1', 'tor+proxy-1', 'direct-1', 'mirror-1', 'tor']);
  });

  it('a plaintext --proxy off loopback is refused unless allowed; loopback and https are fine', async () => {
    const err = await gatherRoutes(base({ proxyFlags: ['http://user:pw@198.51.100.1:3128'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'plain-proxy', field: '--proxy' });
    await expect(gatherRoutes(base({ proxyFlags: ['socks5h://198.51.100.1:1080'] }))).rejects.toMatchObject({ code: 'plain-proxy' });
    expect((await gather({ proxyFlags: ['http://198.51.100.1:3128'], allowPlainProxy: true })).ids).toContain('direct-1+proxy-1');
    expect((await gather({ proxyFlags: ['http://[::1]:3128'] })).ids).toContain('direct-1+proxy-1');
    expect((await gather({ proxyFlags: ['https://198.51.100.1:443'] })).ids).toContain('direct-1+proxy-1');
  });

  it('a bad --proxy is an InputError naming --proxy', async () => {
    await expect(gatherRoutes(base({ proxyFlags: ['ftp://x:1'] }))).rejects.toMatchObject({ code: 'bad-proxy', field: '--proxy' });
  });

  it('the environment proxy replaces each unproxied route it applies to, as env-1, env-2, ... (NO_PROXY respected)', async () => {
    const env = { https_proxy: 'https://p.example:443', no_proxy: 'mirror.example.net' };
    const g = await gather({ routeFlags: ['https://a.example/', 'http://b.example/'], env });
    // arg-2 is http: only http_proxy applies, and it is unset, so it is left out (issue 6 finding
    // 2); mirror-1 is exempted by NO_PROXY; tor's own proxy is local, so p.example cannot reach it.
    expect(g.ids).toEqual(['env-1', 'env-2', 'mirror-1']);
    expect(g.left.map((l) => [l.route.id, l.reason])).toEqual([['arg-2', 'no-env-proxy'], ['tor', 'loopback-proxy']]);
    expect(g.warnings[0]).toEqual({ key: 'transport.routes.env-left-out', params: { id: 'arg-2', scheme: 'http', variables: 'https_proxy' } });
    expect(g.routes[0]!.url.href).toBe('https://a.example/');
    expect(g.routes[1]!.url.href).toBe('https://intake.example.org/');
    expect(g.routes[0]!.proxy?.href).toBe('https://p.example/');
    expect(g.sources.get('env-2')).toBe('env');
    const both = await gather({ env, alsoDirect: true });
    expect(both.ids).toEqual(['env-1', 'direct-1', 'mirror-1', 'tor']);
  });

  it('--proxy overrides the environment proxy', async () => {
    const g = await gather({ proxyFlags: ['socks5h://127.0.0.1:1080'], env: { https_proxy: 'https://p.example' } });
    expect(g.ids).toEqual(['direct-1+proxy-1', 'mirror-1+proxy-1', 'tor+proxy-1']);
  });

  it('a route whose own proxy is the user proxy stays as it is; uppercase HTTP_PROXY is named as ignored', async () => {
    // (tor is then the same route as direct-1 through the proxy, so one of the two is kept)
    const same = await gather({ proxyFlags: ['socks5h://127.0.0.1:9050'] });
    expect(same.ids).toEqual(['direct-1+proxy-1', 'mirror-1+proxy-1']);
    expect(same.routes.some((r) => r.via)).toBe(false);
    expect((await gather({ proxyFlags: ['socks5h://127.0.0.1:9050'], routeFlags: ['https://other.example/'] , center: withRoutes([FILE_ROUTES[2]!]) })).ids).toEqual(['arg-1+proxy-1', 'tor']);
    const g = await gather({ env: { HTTP_PROXY: 'http://127.0.0.1:3128' } });
    expect(g.ids).toEqual([]);
    expect(g.warnings[0]).toEqual({ key: 'transport.env.http-proxy-ignored', params: {} });
    expect(g.left.map((l) => l.reason)).toEqual(['no-env-proxy', 'no-env-proxy', 'no-env-proxy']);
  });

  it('a plaintext environment proxy off loopback is an InputError naming the variable; on loopback it is used', async () => {
    await expect(gatherRoutes(base({ env: { HTTPS_PROXY: 'http://198.51.100.1:3128' } }))).rejects.toMatchObject({ code: 'plain-proxy', field: 'HTTPS_PROXY' });
    const g = await gather({ env: { https_proxy: 'http://127.0.0.1:3128' } });
    expect(g.ids).toEqual(['env-1', 'env-2', 'env-3']);
    expect((await gather({ env: { HTTPS_PROXY: 'http://198.51.100.1:3128' }, allowPlainProxy: true })).ids).toEqual(['env-1', 'env-2']);
  });

  it("a center's route with a plaintext proxy off loopback is dropped with a warning, not an error", async () => {
    const c = withRoutes([...FILE_ROUTES, { id: 'plain', kind: 'http-proxy', url: 'https://intake.example.org/', proxy: 'http://u:p@198.51.100.9:3128' }]);
    const g = await gather({ center: c });
    expect(g.ids).toEqual(['direct-1', 'mirror-1', 'tor']);
    expect(g.warnings).toEqual([{ key: 'transport.routes.dropped-plain', params: { id: 'plain', proxy: '198.51.100.9:3128' } }]);
    expect((await gather({ center: c, allowPlainProxy: true })).ids).toContain('plain');
  });

  it('a center route that does not parse is dropped with a warning', async () => {
    const c = withRoutes([{ id: 'bad', kind: 'socks', url: 'https://a.example/', proxy: 'http://127.0.0.1:1' }, FILE_ROUTES[0]!]);
    const g = await gather({ center: c });
    expect(g.ids).toEqual(['direct-1']);
    expect(g.warnings[0]).toMatchObject({ key: 'transport.routes.dropped-bad', params: { id: 'bad' } });
  });

  it('duplicates are removed, and a taken id drops the later route with a warning', async () => {
    const g = await gather({ routeFlags: ['https://intake.example.org', 'https://intake.example.org/'] });
    expect(g.ids).toEqual(['arg-1', 'mirror-1', 'tor']);
    const c = withRoutes([{ id: 'arg-1', kind: 'mirror', url: 'https://other.example/' }]);
    const h = await gather({ center: c, routeFlags: ['https://a.example/'] });
    expect(h.ids).toEqual(['arg-1']);
    expect(h.warnings).toEqual([{ key: 'transport.routes.dropped-duplicate-id', params: { id: 'arg-1' } }]);
  });

  it("the held signed list replaces the center file's routes while valid; after it expires the center file's come back", async () => {
    const h = join(tmp, 'home-list');
    const listRoutes: RouteSpec[] = [{ id: 'listed', kind: 'mirror', url: 'https://listed.example/' }];
    await storeRouteList(h, signRouteList(signer, 'center.test', listRoutes, new Date(NOW - H), new Date(NOW + 24 * H)), center, NOW);
    const g = await gather({ home: h });
    expect(g.ids).toEqual(['listed']);
    expect(g.sources.get('listed')).toBe('route-list');
    expect(g.list?.expires.getTime()).toBe(NOW + 24 * H);
    const later = await gather({ home: h, now: NOW + 24 * H });
    expect(later.ids).toEqual(['direct-1', 'mirror-1', 'tor']);
    expect(later.list).toBeNull();
    expect((await gather({ home: h, onlyRoutes: true })).ids).toEqual([]);
  });
});
