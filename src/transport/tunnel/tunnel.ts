/**
 * One seam for every way out (STYLE habit 1): a tunnel turns a route into an open byte stream to
 * the center's server — a TCP connection, or a stream through one or two proxies (HTTP CONNECT or
 * SOCKS5) — honouring one AbortSignal. TLS to the center and HTTP are layered on top by
 * request.ts, the same for every kind. A proxy kind is one hop function here; the racing loop
 * never changes.
 *
 * Contract: resolves with a connected stream, or rejects with the signal's reason on abort, a raw
 * socket error, or a RouteError (`proxy-auth`, `proxy-refused`) for a proxy's own answer; each
 * noted with the hop it happened at (outcome.ts `atHop`), which classify() reports.
 * A proxied tunnel never resolves a name locally: neither the center's nor, when chained, the
 * route proxy's (issue 6 finding 1: it is named to the user's proxy, which resolves it).
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { bareHost } from '../host.js';
import { dialTcp } from './dial.js';
import { checkTargetHost, proxyCredentials, proxyEndpoint } from './proxy-common.js';
import type { Route } from '../routes/route.js';
import { connectHop } from './connect.js';
import { loadSocks, socksHop } from './socks.js';
import { atHop, routeError, type HopPlace } from '../outcome.js';
import { networkId } from '../race/health-net.js';
import { ResolverError } from '../strategy/dns-wire.js';
import { resolveWith } from '../strategy/resolve.js';
import { dnsLabel } from '../strategy/parse.js';
import type { RouteHop } from '../../errors.js';

export type Tunnel = (route: Route, signal: AbortSignal) => Promise<Duplex>;

/**
 * One proxy hop: on `under`, a stream already connected to the proxy, ask it for `target`.
 * Resolves with the stream to the target; rejects as the tunnel contract says, leaving `under`
 * for the caller to destroy.
 */
export type Hop = (under: Duplex, proxy: URL, target: { host: string; port: number }, route: Route, signal: AbortSignal) => Promise<Duplex>;

/** Where the center's server is: the route's pinned `connect` address, else the URL's host and port. */
export function targetOf(route: Route): { host: string; port: number } {
  if (route.connect) return route.connect;
  const host = bareHost(route.url.hostname);
  const port = route.url.port ? Number(route.url.port) : route.url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

/**
 * Where to dial the center on a route without any proxy: the route's own address, or (issue 12,
 * spec 6) the first address its encrypted resolver gives for the URL's host, IPv4 first. The TLS
 * name stays the URL's host (request.ts), so a wrong answer fails the certificate check or the
 * receipt. Never with `connect` (a pinned address resolves nothing) and never through a proxy:
 * openTunnel calls this only when the route has none.
 * @throws RouteError `dns` when the resolver fails or gives nothing usable; the signal's reason on abort
 */
async function directTarget(route: Route, signal: AbortSignal): Promise<{ host: string; port: number }> {
  const target = targetOf(route);
  const dns = route.strategy?.dns;
  if (!dns || dns.kind === 'system' || route.connect || isIP(target.host)) return target;
  try {
    const [first] = await resolveWith(dns, target.host, { signal, network: networkId() });
    return { host: first!, port: target.port };
  } catch (err) {
    if (signal.aborted || !(err instanceof ResolverError)) throw err;
    throw routeError('dns', 'blocked', 'transport.center.resolver', { resolver: dnsLabel(dns) }, { cause: err, hop: 'center' });
  }
}

/** The hop for a proxy, by its scheme (parseProxyUrl admits only http(s): and socks5h:). */
function hopFor(proxy: URL): Hop {
  return proxy.protocol === 'http:' || proxy.protocol === 'https:' ? connectHop : socksHop;
}

/** The proxies in the order they are reached: the user's (`via`) first, then the route's own. */
export function hopsOf(route: Route): URL[] {
  return [route.via, route.proxy].filter((p): p is URL => p !== undefined);
}

/**
 * Opens the route's stream: TCP to the first proxy (or to the center when there is none), then one
 * hop per proxy, each naming the next proxy or the center to the one before. Every name a hop
 * names is checked before the first SYN, so a bad route opens no socket.
 */
export const openTunnel: Tunnel = async (route, signal) => {
  const hops = hopsOf(route);
  const targets = [...hops.slice(1).map(proxyEndpoint), targetOf(route)];
  if (hops.length > 0) for (const t of targets) checkTargetHost(t.host);
  for (const p of hops) proxyCredentials(p);
  if (hops.some((p) => hopFor(p) === socksHop)) void loadSocks().catch(() => undefined);
  // Spec 6: with any proxy, names resolve at the proxy and no DNS query leaves directly.
  let first: { host: string; port: number };
  try {
    first = hops[0] ? proxyEndpoint(hops[0]) : await directTarget(route, signal);
  } catch (err) {
    throw atHop(err, { hop: 'center' });
  }
  // Each failure is noted with the hop it happened at (issue 7, build point 4): the first dial is
  // to the first proxy, or to the center; a proxy's answer is that proxy's. The user's proxy is
  // always the first; any other is the route's own.
  const hopAt = (i: number): RouteHop => (i === 0 && route.userProxy ? 'proxy' : 'route-proxy');
  let place: HopPlace = hops[0] ? { hop: hopAt(0), proxy: hops[0] } : { hop: 'center' };
  let stream: Duplex;
  try {
    stream = await dialTcp(first.host, first.port, signal);
  } catch (err) {
    throw atHop(err, place);
  }
  const opened: Duplex[] = [stream];
  try {
    for (const [i, proxy] of hops.entries()) {
      place = { hop: hopAt(i), proxy };
      stream = await hopFor(proxy)(stream, proxy, targets[i]!, route, signal);
      opened.push(stream);
    }
    return stream;
  } catch (err) {
    for (const s of opened) s.destroy();
    throw atHop(err, place);
  }
};
