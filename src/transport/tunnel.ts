/**
 * One seam for every way out (STYLE habit 1): a tunnel turns a route into an open byte stream to
 * the center's server — a TCP connection, or a stream through an HTTP CONNECT or SOCKS5 proxy —
 * honouring one AbortSignal. TLS to the center and HTTP are layered on top by request.ts, the same
 * for every kind. Adding a way out means adding a tunnel here; the racing loop never changes.
 *
 * Contract: resolves with a connected stream, or rejects with the signal's reason on abort, a raw
 * socket error, or a RouteError (`proxy-auth`, `proxy-refused`) for a proxy's own answer.
 * A proxied tunnel never resolves the center's name locally.
 */
import type { Duplex } from 'node:stream';
import { dialTcp } from './dial.js';
import type { Route } from './route.js';
import { connectTunnel } from './tunnel-connect.js';
import { socksTunnel } from './tunnel-socks.js';

export type Tunnel = (route: Route, signal: AbortSignal) => Promise<Duplex>;

/** Where the center's server is: the route's pinned `connect` address, else the URL's host and port. */
export function targetOf(route: Route): { host: string; port: number } {
  if (route.connect) return route.connect;
  const host = route.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = route.url.port ? Number(route.url.port) : route.url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

const direct: Tunnel = (route, signal) => {
  const { host, port } = targetOf(route);
  return dialTcp(host, port, signal);
};

/** The tunnel for a route: by its proxy's scheme, or a direct TCP connection when it has none. */
export function tunnelFor(route: Route): Tunnel {
  switch (route.proxy?.protocol) {
    case undefined:
      return direct;
    case 'http:':
    case 'https:':
      return connectTunnel;
    default:
      return socksTunnel; // parseRoute admits only socks5: / socks5h: besides http(s):
  }
}
