/**
 * The local page's proxy finder (issue 11, Connection): a port is offered only when what answers
 * there completes a SOCKS5 or HTTP CONNECT handshake; an echo server, an ordinary web server and a
 * closed port are not proxies.
 */
import { createServer as createHttp } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { detectLocalProxies, LOCAL_PROXY_PORTS, testLocalProxy } from '../../src/ui/proxies.js';
import { socksProxy } from '../harness/socks.js';

const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

async function listening(server: Server | ReturnType<typeof createHttp>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('local proxies', () => {
  it('tries Tor, Tor Browser and the usual client ports', () => {
    expect([...LOCAL_PROXY_PORTS]).toEqual([9050, 9150, 1080, 7890, 7891, 10808, 10809]);
  });

  it('finds a SOCKS5 proxy and an HTTP proxy by their handshakes, and nothing else', async () => {
    const socks = await socksProxy();
    closers.push(() => socks.close());
    // An HTTP proxy that answers CONNECT (refusing the target is still an HTTP proxy).
    const httpProxy = createHttp();
    httpProxy.on('connect', (_req, sock) => sock.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    const httpPort = await listening(httpProxy);
    // An echo server: it answers bytes, but not as a proxy.
    const echo = createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => {}));
    const echoPort = await listening(echo);
    // An ordinary web server: no CONNECT handler, so Node closes the connection.
    const web = createHttp((_req, res) => res.end('hello'));
    const webPort = await listening(web);
    // A closed port.
    const gone = createServer();
    const closedPort = await listening(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));

    const found = await detectLocalProxies([socks.port, httpPort, echoPort, webPort, closedPort], 1000);
    expect(found).toEqual([
      { port: socks.port, kind: 'socks', url: `socks5h://127.0.0.1:${socks.port}` },
      { port: httpPort, kind: 'http', url: `http://127.0.0.1:${httpPort}` },
    ]);
    expect(await testLocalProxy(echoPort, 1000)).toBeNull();
  });
});
