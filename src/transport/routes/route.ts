/**
 * Routes (spec 6): how a client reaches the center. A route is parsed once from its JSON spec into
 * a typed value; src/transport/tunnel/tunnel.ts turns it into a socket.
 */
import type { RouteSpec } from '../../crypto/center-file.js';
import { InputError } from '../../errors.js';
import { isLoopbackHost } from '../host.js';
import { parseStrategies, type DnsStrategy, type TlsStrategy } from '../strategy/parse.js';

/** How a route reaches the center (spec 6): `direct`, a `mirror`, through an `http-proxy` or through `socks`. */
export type RouteKind = RouteSpec['kind'];

/**
 * A checked route (spec 6), made by {@link parseRoute} from a center file's, a route list's or the
 * user's route: where the center is and how to get there.
 */
export interface Route {
  /** The route's id (`direct-1`, `arg-1+proxy-1`, …), as attempts and the CLI name it. */
  readonly id: string;
  readonly kind: RouteKind;
  /** The center's base URL over this route (trailing slash). Its host goes in the Host header. */
  readonly url: URL;
  /** For http-proxy and socks routes. */
  readonly proxy?: URL;
  /**
   * The user's proxy in front of `proxy` (CLI spec route options, issue 6 finding 1): while the
   * user gives a proxy, a route with its own proxy is reached user proxy → route proxy → center,
   * so that nothing goes out directly. Only set together with `proxy`.
   */
  readonly via?: URL;
  /** Reached through the user's proxy (`--proxy` or a proxy variable): `proxy` or `via` is the user's. */
  readonly userProxy?: boolean;
  /** Dial this address instead of the URL's host (pinned address / fronting). */
  readonly connect?: { host: string; port: number };
  /** TLS SNI to send instead of the URL's host (fronting). */
  readonly servername?: string;
  /** PEM trust anchors replacing the system roots for this route. */
  readonly ca?: string;
  /** The route's own `dns` strategies (spec 6; direct and mirror routes without `connect` only). */
  readonly dns?: readonly DnsStrategy[];
  /** The route's own `tls` strategies (spec 6), on any route. */
  readonly tls?: readonly TlsStrategy[];
  /**
   * The one combination a race entry uses (issue 12; src/transport/strategy/combos.ts): set on the
   * entries expandRoutes makes. None: system DNS and the plain ClientHello, as before strategies.
   */
  readonly strategy?: { readonly dns: DnsStrategy; readonly tls: TlsStrategy };
}

function bad(id: string, why: string): InputError {
  return new InputError('bad-route', `route ${id}: ${why}`, { key: 'transport.bad-route', params: { id, why } });
}

/** `host:port` or `[v6]:port` → parts. */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

/** Checks and types one route spec. Throws InputError `bad-route` (a configuration error). */
export function parseRoute(spec: RouteSpec): Route {
  const id = typeof spec.id === 'string' && /^[A-Za-z0-9._+-]{1,64}$/.test(spec.id) ? spec.id : '?';
  if (id === '?') throw bad(String(spec.id), 'bad id');
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw bad(id, 'bad url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(id, 'url must be http or https');
  if (url.username || url.password || url.search || url.hash) throw bad(id, 'url must not carry credentials, a query or a fragment');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  let proxy: URL | undefined;
  if (spec.kind === 'http-proxy' || spec.kind === 'socks') {
    proxy = parseProxyUrl(spec.proxy ?? '', id);
    const socks = proxy.protocol === 'socks5h:';
    if (socks !== (spec.kind === 'socks')) throw bad(id, `a ${spec.kind} route needs a ${socks ? 'http(s)' : 'socks5h'} proxy`);
  } else if (spec.kind !== 'direct' && spec.kind !== 'mirror') {
    throw bad(id, `unknown kind ${String(spec.kind)}`);
  } else if (spec.proxy !== undefined) {
    throw bad(id, 'only http-proxy and socks routes have a proxy');
  }
  let connect: Route['connect'];
  if (spec.connect !== undefined) {
    connect = parseHostPort(spec.connect) ?? undefined;
    if (!connect) throw bad(id, 'connect must be host:port');
  }
  if (spec.servername !== undefined && (typeof spec.servername !== 'string' || !/^[A-Za-z0-9.-]+$/.test(spec.servername))) {
    throw bad(id, 'bad servername');
  }
  if (spec.ca !== undefined && (typeof spec.ca !== 'string' || !spec.ca.includes('-----BEGIN CERTIFICATE-----'))) {
    throw bad(id, 'ca must be PEM certificates');
  }
  // Throws InputError `bad-strategy` (naming the route) for a bad entry.
  const strategies = parseStrategies({ dns: spec.dns, tls: spec.tls }, `route ${id}`);
  // Spec 6: names resolve at the proxy, and a route with `connect` resolves nothing.
  if (strategies.dns && proxy) throw bad(id, 'dns strategies are for direct and mirror routes');
  if (strategies.dns && connect) throw bad(id, 'a route with connect resolves nothing: no dns strategies');
  return {
    id,
    kind: spec.kind,
    url,
    ...(proxy ? { proxy } : {}),
    ...(connect ? { connect } : {}),
    ...(spec.servername ? { servername: spec.servername } : {}),
    ...(spec.ca ? { ca: spec.ca } : {}),
    ...strategies,
  };
}

/** `--route <url>` flags become direct routes `arg-1`, `arg-2`, ... (CLI spec). */
export function argRoutes(urls: readonly string[]): Route[] {
  return urls.map((url, i) => parseRoute({ id: `arg-${i + 1}`, kind: 'direct', url }));
}

const PROXY_SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'];

/**
 * Parses a proxy URL (spec 6, CLI `--proxy`): `http://[user:pw@]host:port`, `https://...`,
 * `socks5h://[user:pw@]host:port`. `socks5://` is read as `socks5h://`: names are always resolved
 * at the proxy. The default port is 1080 (as curl), 443 for https. Throws InputError `bad-route`.
 */
export function parseProxyUrl(text: string, id = 'proxy'): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw bad(id, 'bad proxy URL');
  }
  if (!PROXY_SCHEMES.includes(u.protocol) || !u.hostname || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw bad(id, 'proxy must be http://, https:// or socks5h://host:port');
  }
  if (u.protocol === 'socks5:') u = new URL(`socks5h:${text.slice('socks5:'.length)}`);
  if (!u.port) u.port = u.protocol === 'https:' ? '443' : '1080';
  return u;
}

/**
 * `--proxy`: the same route sent through a proxy, named `<route id>+proxy-<n>` (CLI spec). A route
 * that has its own proxy is chained behind the user's (`via`); see `chainable` for when it can be.
 */
export function throughProxy(route: Route, proxy: URL, n: number): Route {
  const id = `${route.id}+proxy-${n}`;
  // A route's kind says how it is reached (issue 7): a direct or mirror route sent through a proxy
  // becomes that proxy's kind, as parseRoute would require of it.
  return route.proxy ? { ...route, id, via: proxy, userProxy: true } : { ...route, id, proxy, kind: proxyKind(proxy), userProxy: true };
}

/** The route kind that a proxy URL makes: `socks` for socks5h://, else `http-proxy`. */
export function proxyKind(proxy: URL): 'socks' | 'http-proxy' {
  return proxy.protocol === 'socks5h:' ? 'socks' : 'http-proxy';
}

/** Why a route with its own proxy cannot be chained behind the user's `proxy`, or null when it can. */
export function unchainable(route: Route, proxy: URL): 'loopback-proxy' | null {
  // A route proxy on loopback is a program on the user's own machine (a local Tor): asked for
  // through a remote proxy, "127.0.0.1" would name the remote proxy's own machine instead.
  if (route.proxy && isLoopbackHost(route.proxy.hostname) && !isLoopbackHost(proxy.hostname)) return 'loopback-proxy';
  return null;
}
