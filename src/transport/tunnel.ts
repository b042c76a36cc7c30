/**
 * One seam for every route kind (STYLE habit 1): a tunnel turns a route into an open byte stream
 * to the center's server (TCP, or through a proxy), honouring one AbortSignal. TLS and HTTP are
 * layered on top by deliver.ts, the same for every kind.
 */
import type { Duplex } from 'node:stream';
import { RouteError } from '../errors.js';
import { dialTcp } from './dial.js';
import type { Route, RouteKind } from './route.js';

/** Opens a stream to the route's server. Rejects with the signal's reason on abort, or a raw error. */
export type Tunnel = (route: Route, signal: AbortSignal) => Promise<Duplex>;

/** Where a route dials: its pinned `connect` address, else the URL's host and port. */
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

const notYet: Tunnel = async (route) => {
  throw new RouteError('error', 'config', `route kind ${route.kind} is not supported by this version`, {
    key: 'transport.kind-unsupported',
    params: { kind: route.kind },
  });
};

const TUNNELS: Record<RouteKind, Tunnel> = {
  direct,
  mirror: direct,
  'http-proxy': notYet,
  socks: notYet,
};

export function tunnelFor(kind: RouteKind): Tunnel {
  return TUNNELS[kind];
}
