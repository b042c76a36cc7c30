import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as ProxyServer } from 'proxy-chain';
import { request } from 'undici';
import { startServe } from '../../src/center/serve.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { resetAfterHello, type Peer } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';
import { seedDistinctTags } from '../harness/health-file.js';
import { argRoutes } from '../../src/transport/routes/route.js';

let c: TestCenter;
let rst: Peer;
let tmp: string;
let centerFile: string;
let proxy: ProxyServer;
const CONNECTS: string[] = [];

beforeAll(async () => {
  c = await startCenter();
  centerFile = join(c.keysDir, 'center.json');
  rst = await resetAfterHello();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-race-cli-'));
  proxy = new ProxyServer({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ username, password, hostname, port }) => {
      CONNECTS.push(`${hostname}:${port}`);
      return { requestAuthentication: username !== 'u' || password !== 'p' };
    },
  });
  await proxy.listen();
});
afterAll(async () => {
  await proxy.close(true);
  await rst.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

const statement = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];
type Doc = { delivered: boolean; route: string | null; attempts: { route: string; outcome: string }[] };

describe('submit races routes and remembers them', () => {
  it('a route that failed blocked-like is not tried first next time; after a win the winner goes first', async () => {
    const home = join(tmp, 'home-health');
    await seedDistinctTags(home, argRoutes([rst.url, c.url.toString()]));
    const base = ['submit', '--json', '--home', home, '--center', centerFile, ...statement];
    const r1 = await sealpost([...base, '--route', rst.url]);
    expect(r1.code).toBe(3);
    expect((JSON.parse(r1.stdout) as Doc).attempts).toEqual([{ route: 'arg-1', outcome: 'reset', ms: expect.any(Number), hop: 'center' }]);
    // arg-1 (the reset route) is cooling: the unknown arg-2 goes first.
    const r2 = await sealpost([...base, '--route', rst.url, '--route', c.url.toString()]);
    expect(r2.code).toBe(0);
    const d2 = JSON.parse(r2.stdout) as Doc;
    expect(d2.attempts[0]!.route).toBe('arg-2');
    expect(d2.route).toBe('arg-2');
    // arg-2 won: its kind (direct) is the last good one, and arg-1 is cooling, so arg-2 goes first
    // with a 1 s head start, and nothing else starts.
    const r3 = await sealpost([...base, '--route', rst.url, '--route', c.url.toString()]);
    expect((JSON.parse(r3.stdout) as Doc).attempts.map((a) => a.route)).toEqual(['arg-2']);
    // The memory names no route, URL or address in clear.
    const mem = await readFile(join(home, 'health.json'), 'utf8');
    expect(mem).not.toContain('127.0.0.1');
    expect(mem).not.toContain('arg-');
  });

  it('--proxy sends every route through the proxy and makes no unproxied attempt', async () => {
    CONNECTS.length = 0;
    const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home-proxy'), '--center', centerFile, '--only-routes', '--route', c.url.toString(), '--proxy', `http://u:p@127.0.0.1:${proxy.port}`, ...statement]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as Doc;
    expect(d.attempts.map((a) => a.route)).toEqual(['arg-1+proxy-1']);
    expect(d.route).toBe('arg-1+proxy-1');
    expect(CONNECTS).toEqual([`127.0.0.1:${c.url.port}`]);
  });

  it('a proxy refusing the credentials is proxy-auth and the envelope stays queued', async () => {
    const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home-407'), '--center', centerFile, '--only-routes', '--route', c.url.toString(), '--proxy', `http://u:wrong@127.0.0.1:${proxy.port}`, ...statement]);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Doc).attempts).toEqual([{ route: 'arg-1+proxy-1', outcome: 'proxy-auth', ms: expect.any(Number), hop: 'proxy' }]);
  });

  it('a plaintext proxy off loopback is refused before anything is queued', async () => {
    const home = join(tmp, 'home-plain');
    const r = await sealpost(['submit', '--home', home, '--center', centerFile, '--route', c.url.toString(), '--proxy', 'http://proxy.invalid:3128', ...statement]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-plain-proxy/);
    await expect(readFile(join(home, 'outbox'))).rejects.toThrow();
  });

  // Needs the SQLite intake: not in a client-only install (vitest.client.config.ts).
  it.skipIf(process.env.SEALPOST_CLIENT_ONLY)('serve --routes publishes the signed list, which routes update fetches and verifies', async () => {
    const note = join(tmp, 'routes.note');
    const spec = join(tmp, 'routes.json');
    await (await import('node:fs/promises')).writeFile(spec, JSON.stringify([{ id: 'mirror-9', kind: 'mirror', url: 'https://mirror.example.net/' }]));
    const signed = await sealpost(['routes', 'sign', '--keys', c.keysDir, '--in', spec, '--out', note]);
    expect(signed.code).toBe(0);
    const server = await startServe({ keysDir: c.keysDir, dataDir: join(tmp, 'data-routes'), listen: '127.0.0.1:0', routes: note });
    try {
      const res = await request(new URL('v1/routes', server.url));
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe(await readFile(note, 'utf8'));
      const home = join(tmp, 'home-routes');
      const up = await sealpost(['routes', 'update', '--home', home, '--center', centerFile, '--only-routes', '--route', server.url.toString()]);
      expect(up.code).toBe(0);
      const list = await sealpost(['routes', 'list', '--json', '--home', home, '--center', centerFile]);
      expect(list.stdout).toContain('mirror-9');
    } finally {
      await server.close();
    }
  });
});
