/**
 * SOCKS5 tunnels (issue 3) against a real SOCKS5 server from npm (@mongodb-js/socksv5) and the
 * censorship harness, on loopback. The delivery test proves remote DNS: the server receives the
 * center's host NAME (ATYP 3) and the DNS spy sees no local lookup of it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
// @ts-expect-error: the package ships no types; tests only use createServer and auth.
import socks from '@mongodb-js/socksv5';
import { Cancelled } from '../../src/transport/outcome.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { settled, tryDeliver } from '../harness/attempt.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterRequest, resetAfterHello, TEST_CA } from '../harness/censor.js';
import { installDnsSpy, type DnsSpy } from '../harness/dns-spy.js';

interface SocksInfo {
  dstAddr: string;
  dstPort: number;
}
type Decide = (info: SocksInfo, accept: (intercept?: boolean) => Socket | undefined, deny: () => void) => void;

let plain: TestCenter;
let secure: TestCenter;
let spy: DnsSpy | undefined;
const servers: { close(cb: () => void): void }[] = [];

beforeAll(async () => {
  plain = await startCenter();
  secure = await startCenter({ tls: true });
});
afterEach(() => {
  spy?.restore();
  spy = undefined;
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  await plain.close();
  await secure.close();
});

/**
 * A real SOCKS5 server. `center.test` resolves nowhere, so for that name the server connects the
 * client to the loopback center itself (accept(true) hands over the client socket); it never
 * connects anywhere but 127.0.0.1.
 */
async function socksServer(opts: { user?: string; pass?: string; decide?: Decide; seen?: SocksInfo[] }): Promise<number> {
  const server = socks.createServer((info: SocksInfo, accept: (i?: boolean) => Socket | undefined, deny: () => void) => {
    opts.seen?.push({ dstAddr: info.dstAddr, dstPort: info.dstPort });
    if (opts.decide) return opts.decide(info, accept, deny);
    if (info.dstAddr !== 'center.test') return deny();
    const client = accept(true);
    if (!client) return;
    const up = connect({ host: '127.0.0.1', port: info.dstPort });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.pipe(up).pipe(client);
  });
  server.useAuth(opts.user === undefined ? socks.auth.None() : socks.auth.UserPassword((u: string, p: string, cb: (ok: boolean) => void) => cb(u === opts.user && p === opts.pass)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as { port: number }).port;
}


function route(url: string, proxy: string, extra: Record<string, string> = {}): Route {
  return parseRoute({ id: 's', kind: 'socks', url, proxy, ...extra });
}

const attempt = tryDeliver;


async function closedPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('the DNS spy', () => {
  it('sees (and forbids) a lookup that a socket makes', async () => {
    spy = installDnsSpy(['spy-check.test']);
    const err = await new Promise<NodeJS.ErrnoException>((r) => connect({ host: 'spy-check.test', port: 9 }).on('error', r));
    expect(err.code).toBe('ENOTFOUND');
    expect(spy.saw('spy-check.test')).toBe(true);
  });
});

describe('SOCKS5 through @mongodb-js/socksv5', () => {
  it('delivers over TLS with user/password; the proxy gets the host NAME (ATYP 3) and we never look it up', async () => {
    const seen: SocksInfo[] = [];
    const port = await socksServer({ user: 'alice', pass: 'sécret:1', seen });
    spy = installDnsSpy(['center.test']);
    const r = await attempt(secure, route(`https://center.test:${secure.url.port}/`, `socks5h://alice:s%C3%A9cret%3A1@127.0.0.1:${port}`, { ca: TEST_CA }));
    expect(r.ok?.fields.center).toBe('center.test');
    expect(seen).toEqual([{ dstAddr: 'center.test', dstPort: Number(secure.url.port) }]);
    expect(spy.saw('center.test')).toBe(false);
  });

  it('socks5:// is read as socks5h:// (remote DNS) and works without auth to a plain-HTTP center', async () => {
    const seen: SocksInfo[] = [];
    const port = await socksServer({ seen });
    spy = installDnsSpy(['center.test']);
    const r = await attempt(plain, route(`http://center.test:${plain.url.port}/`, `socks5://127.0.0.1:${port}`));
    expect(r.ok?.fields.center).toBe('center.test');
    expect(seen.map((s) => s.dstAddr)).toEqual(['center.test']);
    expect(spy.saw('center.test')).toBe(false);
  });

  it('wrong or missing credentials: proxy-auth, a configuration error', async () => {
    const port = await socksServer({ user: 'alice', pass: 'right' });
    for (const proxy of [`socks5h://alice:wrong@127.0.0.1:${port}`, `socks5h://127.0.0.1:${port}`]) {
      const r = await attempt(plain, route(`http://center.test:${plain.url.port}/`, proxy));
      expect(r.err, proxy).toMatchObject({ outcome: 'proxy-auth', failureClass: 'config', key: 'transport.proxy.auth' });
      expect(r.err?.message).not.toContain('wrong');
    }
  });

  it('the server denying the connect, or failing to connect onward: proxy-refused, blocked', async () => {
    const port = await socksServer({ decide: (_i, _a, deny) => deny() });
    const r = await attempt(plain, route(`http://center.test:${plain.url.port}/`, `socks5h://127.0.0.1:${port}`));
    expect(r.err).toMatchObject({ outcome: 'proxy-refused', failureClass: 'blocked', params: { code: '2' } });
    // accept() without intercept: the server itself connects to a closed loopback port (REP 5).
    const onward = await socksServer({ decide: (_i, accept) => void accept() });
    const closed = await closedPort();
    const r2 = await attempt(plain, route(`http://127.0.0.1:${closed}/`, `socks5h://127.0.0.1:${onward}`));
    expect(r2.err).toMatchObject({ outcome: 'proxy-refused', failureClass: 'blocked', params: { code: '5' } });
  });
});

describe('SOCKS5: the proxy itself', () => {
  it('a proxy that refuses the TCP connection is refused (on loopback: not running, a configuration error)', async () => {
    const r = await attempt(plain, route(plain.url.toString(), `socks5h://127.0.0.1:${await closedPort()}`));
    expect(r.err).toMatchObject({ outcome: 'refused', failureClass: 'config' });
  });

  it('a reset after the greeting is reset; an HTTP server is not a SOCKS proxy (error)', async () => {
    const rst = await resetAfterHello();
    const r = await attempt(plain, route(plain.url.toString(), `socks5h://127.0.0.1:${rst.port}`));
    expect(r.err).toMatchObject({ outcome: 'reset', failureClass: 'blocked' });
    await rst.close();
    const r2 = await attempt(plain, route(plain.url.toString(), `socks5h://127.0.0.1:${plain.url.port}`));
    expect(r2.err).toMatchObject({ outcome: 'error', failureClass: 'blocked' });
  });

  it('a proxy that never answers the greeting: timeout within the connect deadline + 50 ms, no socket left', { timeout: 5000 }, async () => {
    const peer = await hangAfterRequest();
    const r = await attempt(plain, route('https://center.test/', `socks5h://u:p@127.0.0.1:${peer.port}`, { ca: TEST_CA }), { connect: 300 });
    expect(r.err).toMatchObject({ outcome: 'timeout', failureClass: 'blocked' });
    expect(r.ms).toBeGreaterThanOrEqual(299);
    expect(r.ms).toBeLessThan(350);
    // The greeting offers "no auth" and "username/password" (RFC 1928 section 3).
    expect([...(await peer.firstData)]).toEqual([0x05, 0x02, 0x00, 0x02]);
    await settled(peer);
    expect(peer.accepted()).toBe(1);
    await peer.close();
  });

  it('the caller cancelling mid-handshake: cancelled at once, no socket left', { timeout: 5000 }, async () => {
    const peer = await hangAfterRequest();
    const ctl = new AbortController();
    const p = attempt(plain, route(plain.url.toString(), `socks5h://127.0.0.1:${peer.port}`), {}, ctl.signal);
    await peer.firstData;
    const t0 = performance.now();
    ctl.abort(new Cancelled());
    const r = await p;
    expect(r.err).toMatchObject({ outcome: 'cancelled', failureClass: 'cancelled' });
    expect(performance.now() - t0).toBeLessThan(50);
    await settled(peer);
    await peer.close();
  });
});
