/**
 * Routes (spec 6): how a client reaches the center. A route is parsed once from its JSON spec into
 * a typed value; src/transport/tunnel.ts turns it into a socket.
 */
import type { RouteSpec } from '../crypto/center-file.js';
import { InputError } from '../errors.js';

export type RouteKind = RouteSpec['kind'];

export interface Route {
  readonly id: string;
  readonly kind: RouteKind;
  /** The center's base URL over this route (trailing slash). Its host goes in the Host header. */
  readonly url: URL;
  /** For http-proxy and socks routes. */
  readonly proxy?: URL;
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
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(s);
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
    try {
      proxy = new URL(spec.proxy ?? '');
    } catch {
      throw bad(id, 'bad proxy');
    }
  } else if (spec.kind !== 'direct' && spec.kind !== 'mirror') {
    throw bad(id, `unknown kind ${String(spec.kind)}`);
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
