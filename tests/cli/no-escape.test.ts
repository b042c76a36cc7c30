/**
 * Issue 6 finding 1 and 2 (acceptance): while the user gives a proxy (`--proxy` or a proxy
 * variable), the client process connects to nothing but that proxy and resolves no name itself —
 * for every route kind (direct, mirror with a pinned address, http-proxy, socks) and every source
 * (center file, signed route list, `--route`, environment). The built CLI runs with a recorder
 * preloaded (tests/harness/net-recorder.mjs) that logs each connect() and DNS lookup of its
 * process; each route's own proxy is a real proxy that logs the peer port of every connection it
 * gets, so a connection the user's proxy made for the client (chained) is told apart from one the
 * client made itself (its local port is in the recorder's log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server as ProxyChain } from 'proxy-chain';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterAccept, type Peer } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';

const RECORDER = fileURLToPath(new URL('../harness/net-recorder.mjs', import.meta.url));

let c: TestCenter;
let tmp: string;
/** The user's proxies: a SOCKS5 one and an HTTP CONNECT one (proxy-chain). */
let userSocks: number;
const socksServers: SocksProxy[] = [];
let userHttp: ProxyChain;
/** The routes' own proxies, each logging the peer port of every connection it is given. */
let routeHttp: ProxyChain;
let routeSocks: number;
const routeProxyPeers: number[] = [];
let stalled: Peer;

beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-no-escape-'));
  socksServers.push(await socksProxy(), await socksProxy((p) => routeProxyPeers.push(p)));
  [userSocks, routeSocks] = socksServers.map((s) => s.port) as [number, number];
  userHttp = new ProxyChain({ port: 0, host: '127.0.0.1' });
  routeHttp = new ProxyChain({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ request }) => {
      routeProxyPeers.push(request.socket.remotePort ?? 0);
      return {};
    },
  });
  await Promise.all([userHttp.listen(), routeHttp.listen()]);
  stalled = await hangAfterAccept();
});
afterAll(async () => {
  await Promise.all([userHttp.close(true), routeHttp.close(true), stalled.close()]);
  for (const s of socksServers) await s.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The center by name (a local lookup of `localhost` would be recorded) over every route kind. */
function routeSpecs() {
  const byName = `http://localhost:${c.url.port}/`;
  return [
    { id: 'direct-1', kind: 'direct', url: byName },
    { id: 'mirror-1', kind: 'mirror', url: 'http://center.test/', connect: `127.0.0.1:${c.url.port}` },
    { id: 'hp-1', kind: 'http-proxy', url: byName, proxy: `http://localhost:${routeHttp.port}` },
    { id: 'socks-1', kind: 'socks', url: byName, proxy: `socks5h://localhost:${routeSocks}` },
  ];
}

async function centerFile(name: string, routes: unknown[]): Promise<string> {
  const doc = JSON.parse(await readFile(join(c.keysDir, 'center.json'), 'utf8')) as Record<string, unknown>;
  const file = join(tmp, `${name}.json`);
  await writeFile(file, JSON.stringify({ ...doc, routes }));
  return file;
}

type Rec = { type: 'connect' | 'connected'; host: string; port: number; localPort?: number } | { type: 'dns'; name: string };

/** Runs the CLI with the recorder; returns its result and what its process did on the network. */
async function recorded(args: string[], env: NodeJS.ProcessEnv = {}) {
  const log = join(tmp, `net-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(log, '');
  routeProxyPeers.length = 0;
  const r = await sealpost(args, { env: { SEALPOST_NET_LOG: log, ...env }, nodeArgs: ['--import', RECORDER] });
  const recs = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
  const connects = recs.filter((x) => x.type === 'connect').map((x) => `${(x as { host: string }).host}:${(x as { port: number }).port}`);
  const localPorts = new Set(recs.flatMap((x) => (x.type === 'connected' && x.localPort ? [x.localPort] : [])));
  const connected = recs.flatMap((x) => (x.type === 'connected' ? [{ port: x.port, localPort: x.localPort ?? 0 }] : []));
  const lookups = recs.flatMap((x) => (x.type === 'dns' ? [x.name] : []));
  return { ...r, connects, lookups, localPorts, connected, routePeers: [...routeProxyPeers] };
}

/** The client reached only `proxy`, looked up no name, and the route proxies saw only chained connections. */
function expectOnly(run: Awaited<ReturnType<typeof recorded>>, proxy: string) {
  expect(run.lookups).toEqual([]);
  expect(new Set(run.connects)).toEqual(new Set([proxy]));
  // A route proxy's peer is the client only if it is one of the client's sockets that is still open
  // to it; ports are reused once closed, so compare against the client's sockets to the route proxies,
  // of which the line above already allows none.
  const direct = run.connected.filter((c) => c.port === routeHttp.port || c.port === routeSocks);
  for (const p of run.routePeers) expect(direct.some((c) => c.localPort === p)).toBe(false);
}

const STATEMENT = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];
type Tested = { route: string; outcome: string }[];

describe('with a proxy given, only the proxy is reached (issue 6 findings 1 and 2)', () => {
  it('--proxy socks5h: every route kind from the center file and --route goes through it, own proxies chained', async () => {
    const home = join(tmp, 'home-a');
    const file = await centerFile('a', routeSpecs());
    const proxy = `127.0.0.1:${userSocks}`;
    const run = await recorded(['routes', 'test', '--json', '--home', home, '--center', file, '--route', `http://127.0.0.1:${c.url.port}/`, '--proxy', `socks5h://${proxy}`]);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout) as Tested;
    expect(results.map((x) => x.route).sort()).toEqual(['arg-1+proxy-1', 'direct-1+proxy-1', 'hp-1+proxy-1', 'mirror-1+proxy-1', 'socks-1+proxy-1']);
    expect(results.every((x) => x.outcome === 'ok')).toBe(true);
    expectOnly(run, proxy);
    // Both route proxies were reached, by the user's proxy (chained), never by the client.
    expect(run.routePeers.length).toBeGreaterThanOrEqual(2);
  });

  it('--proxy http:// (CONNECT): the same through an HTTP proxy, and routes list says which are chained', async () => {
    const home = join(tmp, 'home-b');
    const file = await centerFile('b', routeSpecs());
    const proxy = `127.0.0.1:${userHttp.port}`;
    const run = await recorded(['routes', 'test', '--json', '--home', home, '--center', file, '--proxy', `http://${proxy}`]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Tested).every((x) => x.outcome === 'ok')).toBe(true);
    expectOnly(run, proxy);
    const list = await sealpost(['routes', 'list', '--json', '--home', home, '--center', file, '--proxy', `http://${proxy}`]);
    const doc = JSON.parse(list.stdout) as { routes: { id: string; via?: string; proxy?: string }[]; left: unknown[] };
    expect(doc.routes.find((r) => r.id === 'socks-1+proxy-1')).toMatchObject({ via: `http://${proxy}`, proxy: `socks5h://localhost:${routeSocks}` });
    expect(doc.routes.find((r) => r.id === 'direct-1+proxy-1')).toMatchObject({ proxy: `http://${proxy}` });
    expect(doc.routes.find((r) => r.id === 'direct-1+proxy-1')?.via).toBeUndefined();
    expect(doc.left).toEqual([]);
  });

  it('a signed route list as the source: its routes go through the proxy too', async () => {
    const home = join(tmp, 'home-c');
    const input = join(tmp, 'routes-c.json');
    const note = join(tmp, 'routes-c.note');
    await writeFile(input, JSON.stringify(routeSpecs()));
    expect((await sealpost(['routes', 'sign', '--keys', c.keysDir, '--in', input, '--out', note])).code).toBe(0);
    const file = await centerFile('c', []);
    expect((await sealpost(['routes', 'import', note, '--home', home, '--center', file])).code).toBe(0);
    const proxy = `127.0.0.1:${userSocks}`;
    const run = await recorded(['routes', 'test', '--json', '--home', home, '--center', file, '--proxy', `socks5h://${proxy}`]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Tested).map((x) => x.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expectOnly(run, proxy);
  });

  it('ALL_PROXY in the environment: every kind through it, own proxies chained, and submit delivers', async () => {
    const home = join(tmp, 'home-d');
    const file = await centerFile('d', routeSpecs());
    const proxy = `127.0.0.1:${userSocks}`;
    const env = { ALL_PROXY: `socks5h://${proxy}` };
    const run = await recorded(['routes', 'test', '--json', '--home', home, '--center', file], env);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Tested).map((x) => x.route).sort()).toEqual(['env-1', 'env-2', 'env-3', 'env-4']);
    expectOnly(run, proxy);
    const sub = await recorded(['submit', '--json', '--home', home, '--center', file, ...STATEMENT], env);
    expect(sub.code, sub.stderr).toBe(0);
    expectOnly(sub, proxy);
  });

  it('ALL_PROXY with --only-routes keeps the proxy for the --route it is given (recorded choice)', async () => {
    const file = await centerFile('e', routeSpecs());
    const proxy = `127.0.0.1:${userSocks}`;
    const args = ['routes', 'test', '--json', '--home', join(tmp, 'home-e'), '--center', file, '--only-routes', '--route', `http://localhost:${c.url.port}/`];
    const run = await recorded(args, { ALL_PROXY: `socks5h://${proxy}` });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ route: 'env-1', outcome: 'ok', ms: expect.any(Number) }]);
    expectOnly(run, proxy);
  });

  it('HTTPS_PROXY with only http:// routes: nothing direct, a warning names the variable', async () => {
    const file = await centerFile('f', [routeSpecs()[0]]);
    const run = await recorded(['routes', 'test', '--home', join(tmp, 'home-f'), '--center', file, '--lang', 'en'], { HTTPS_PROXY: `http://127.0.0.1:${userHttp.port}` });
    expect(run.code).toBe(3);
    expect(run.connects).toEqual([]);
    expect(run.lookups).toEqual([]);
    expect(run.stderr).toMatch(/warning: route direct-1 left out: .*HTTPS_PROXY.*http:\/\/ routes/);
    const zh = await sealpost(['routes', 'test', '--home', join(tmp, 'home-f'), '--center', file, '--lang', 'zh-CN'], { env: { HTTPS_PROXY: `http://127.0.0.1:${userHttp.port}` } });
    expect(zh.stderr).toContain('已略去线路 direct-1');
    expect(zh.stderr).toContain('HTTPS_PROXY');
    // --also-direct is the way to try it directly anyway.
    const also = await sealpost(['routes', 'test', '--json', '--home', join(tmp, 'home-f'), '--center', file, '--also-direct'], { env: { HTTPS_PROXY: `http://127.0.0.1:${userHttp.port}` } });
    expect(JSON.parse(also.stdout)).toEqual([{ route: 'direct-1', outcome: 'ok', ms: expect.any(Number) }]);
  });

  it('uppercase HTTP_PROXY (ignored, as curl does): said so, and nothing goes out directly', async () => {
    const file = await centerFile('g', [routeSpecs()[0]]);
    const run = await recorded(['routes', 'test', '--home', join(tmp, 'home-g'), '--center', file, '--lang', 'en'], { HTTP_PROXY: `http://127.0.0.1:${userHttp.port}` });
    expect(run.code).toBe(3);
    expect(run.connects).toEqual([]);
    expect(run.stderr).toContain('warning: HTTP_PROXY is ignored');
    expect(run.stderr).toMatch(/route direct-1 left out/);
  });

  it('NO_PROXY exempts a route explicitly: it alone goes direct', async () => {
    const file = await centerFile('h', [routeSpecs()[0]]);
    const run = await recorded(['routes', 'test', '--json', '--home', join(tmp, 'home-h'), '--center', file], {
      http_proxy: `http://127.0.0.1:${userHttp.port}`,
      NO_PROXY: 'localhost',
    });
    expect(JSON.parse(run.stdout)).toEqual([{ route: 'direct-1', outcome: 'ok', ms: expect.any(Number) }]);
    expect(new Set(run.connects)).toEqual(new Set([`localhost:${c.url.port}`]));
  });

  it('a stalled user proxy (Tor bootstrapping): still nothing but the proxy, and the statement stays queued', async () => {
    const home = join(tmp, 'home-i');
    const file = await centerFile('i', routeSpecs());
    const proxy = `127.0.0.1:${stalled.port}`;
    const run = await recorded(['submit', '--json', '--home', home, '--center', file, '--proxy', `socks5h://${proxy}`, '--timeout', '1.5', ...STATEMENT]);
    expect(run.code).toBe(3);
    expect(run.connects.length).toBeGreaterThanOrEqual(4);
    expectOnly(run, proxy);
    expect(run.routePeers).toEqual([]);
  });
});
