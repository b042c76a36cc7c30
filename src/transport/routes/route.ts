/**
 * Routes (spec 6): how a client reaches the center. A route is parsed once from its JSON spec into
 * a typed value; src/transport/tunnel/tunnel.ts turns it into a socket.
 */
import type { RouteSpec } from '../../crypto/center-file.js';
import { InputError } from '../../errors.js';

export type RouteKind = RouteSpec['kind'];

export interface Route {
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
  /** Dial this address instead of the URL's host (pinned address / fronting). */
  readonly connect?: { host: string; port: number };
  /** TLS SNI to send instead of the URL's host (fronting). */
  readonly servername?: string;
  /** PEM trust anchors replacing the system roots for this route. */
  readonly ca?: string;
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
  return {
    id,
    kind: spec.kind,
    url,
    ...(proxy ? { proxy } : {}),
    ...(connect ? { connect } : {}),
    ...(spec.servername ? { servername: spec.servername } : {}),
    ...(spec.ca ? { ca: spec.ca } : {}),
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

/** 127.0.0.0/8, ::1 and localhost: a plaintext proxy there is not seen by the censor. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * Refuses a plaintext proxy off loopback (spec 6: it shows the censor the target and the proxy's
 * credentials) unless the user allowed it. Throws InputError `plain-proxy`.
 */
export function checkProxyPolicy(route: Route, allowPlainProxy: boolean): void {
  const p = route.proxy;
  if (!p || p.protocol === 'https:' || allowPlainProxy || isLoopbackHost(p.hostname)) return;
  throw new InputError('plain-proxy', `route ${route.id}: plaintext proxy ${p.host} off loopback`, {
    key: 'transport.plain-proxy',
    params: { id: route.id, proxy: p.host },
    field: '--allow-plain-proxy',
  });
}

/**
 * `--proxy`: the same route sent through a proxy, named `<route id>+proxy-<n>` (CLI spec). A route
 * that has its own proxy is chained behind the user's (`via`); see `chainable` for when it can be.
 */
export function throughProxy(route: Route, proxy: URL, n: number): Route {
  const id = `${route.id}+proxy-${n}`;
  return route.proxy ? { ...route, id, via: proxy } : { ...route, id, proxy };
}

/** Why a route with its own proxy cannot be chained behind the user's `proxy`, or null when it can. */
export function unchainable(route: Route, proxy: URL): 'loopback-proxy' | null {
  // A route proxy on loopback is a program on the user's own machine (a local Tor): asked for
  // through a remote proxy, "127.0.0.1" would name the remote proxy's own machine instead.
  if (route.proxy && isLoopbackHost(route.proxy.hostname) && !isLoopbackHost(proxy.hostname)) return 'loopback-proxy';
  return null;
}
