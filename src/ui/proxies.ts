/**
 * Local proxies people here already run (issue 11): Tor (9050, Tor Browser 9150) and the usual
 * local ports of circumvention clients (1080 SOCKS, Clash 7890/7891, v2rayN 10808/10809). Each port
 * is tested with a real handshake on 127.0.0.1 — a SOCKS5 greeting, else an HTTP CONNECT — so that
 * only a proxy that answers as one is offered.
 */
import { connect, type Socket } from 'node:net';

/** The ports tried, in the order offered. */
export const LOCAL_PROXY_PORTS = [9050, 9150, 1080, 7890, 7891, 10808, 10809] as const;

/** A proxy found on a local port, as the `--proxy` URL that uses it. */
export interface LocalProxy {
  readonly port: number;
  readonly kind: 'socks' | 'http';
  readonly url: string;
}

/** Sends `hello` on a fresh connection and resolves with the first bytes back (empty: nothing). */
function exchange(port: number, hello: Uint8Array | string, ms: number, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve) => {
    const sock: Socket = connect({ host, port });
    const done = (b: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(b);
    };
    const timer = setTimeout(() => done(Buffer.alloc(0)), ms);
    sock.once('connect', () => sock.write(hello));
    sock.once('data', (d: Buffer) => done(d));
    sock.once('error', () => done(Buffer.alloc(0)));
    sock.once('end', () => done(Buffer.alloc(0)));
  });
}

/**
 * What answers on 127.0.0.1:`port`, or null. SOCKS5: the greeting offering "no authentication"
 * must be answered `05 00`. HTTP: a CONNECT must be answered with an HTTP status line.
 */
export async function testLocalProxy(port: number, ms = 1500): Promise<LocalProxy | null> {
  const socks = await exchange(port, Uint8Array.of(5, 1, 0), ms);
  if (socks.length >= 2 && socks[0] === 5 && socks[1] === 0) return { port, kind: 'socks', url: `socks5h://127.0.0.1:${port}` };
  const http = await exchange(port, 'CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n', ms);
  if (/^HTTP\/1\.[01] \d{3}/.test(http.toString('latin1'))) return { port, kind: 'http', url: `http://127.0.0.1:${port}` };
  return null;
}

/** Every local proxy found on {@link LOCAL_PROXY_PORTS} (or `ports`), tested in parallel. */
export async function detectLocalProxies(ports: readonly number[] = LOCAL_PROXY_PORTS, ms?: number): Promise<LocalProxy[]> {
  const found = await Promise.all(ports.map((p) => testLocalProxy(p, ms)));
  return found.filter((p): p is LocalProxy => p !== null);
}
