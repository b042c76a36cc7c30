/**
 * What the HTTP CONNECT and SOCKS5 tunnels share: where the proxy is, its credentials, a check of
 * the target we name to it, and the RouteErrors for a proxy's own answers (CLI spec outcomes
 * `proxy-auth`, `proxy-refused`). A proxy is named by `host:port` only: its credentials never
 * reach a message or a log line.
 */
import { isIP } from 'node:net';
import { RouteError } from '../../errors.js';
import { bareHost } from '../host.js';

/** The proxy's host (IPv6 brackets removed) and port; parseProxyUrl always sets the port. */
export function proxyEndpoint(proxy: URL): { host: string; port: number } {
  return { host: bareHost(proxy.hostname), port: Number(proxy.port) };
}

/**
 * The percent-decoded `user:password` of a proxy URL (RFC 3986 section 3.2.1), or undefined when it
 * has none. A URL with a password but no user gives an empty user. Throws RouteError `error`
 * (config), which no retry can fix, on broken percent-encoding or on a user or password over 255
 * bytes (RFC 1929 section 2 gives each one length octet; no HTTP proxy needs more either).
 */
export function proxyCredentials(proxy: URL): { user: string; password: string } | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const bad = (why: string, cause?: unknown) =>
    new RouteError('error', 'config', `proxy ${proxy.host}: ${why}`, {
      ...(cause === undefined ? {} : { cause }),
      key: 'transport.proxy.bad-credentials',
      params: { proxy: proxy.host },
    });
  let creds: { user: string; password: string };
  try {
    creds = { user: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  } catch (cause) {
    throw bad('bad percent-encoding in the credentials', cause);
  }
  if (Buffer.byteLength(creds.user) > 255 || Buffer.byteLength(creds.password) > 255) throw bad('user or password over 255 bytes');
  return creds;
}

/**
 * The center's host as we name it to a proxy must be an IP literal or a DNS name of at most 255
 * bytes (RFC 1928 section 5 gives the name one length octet): anything else could smuggle bytes into
 * the CONNECT request line or the SOCKS request. Throws RouteError `error` (config).
 */
export function checkTargetHost(host: string): void {
  if (isIP(host) || (host.length <= 255 && /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/.test(host))) return;
  throw new RouteError('error', 'config', `cannot name ${JSON.stringify(host)} to a proxy`, {
    key: 'transport.proxy.bad-target',
    params: { host },
  });
}

/** The proxy refused our credentials, or wants some we did not give: a configuration error (issue 3). */
export function proxyAuthError(proxy: URL, detail: string): RouteError {
  return new RouteError('proxy-auth', 'config', `proxy ${proxy.host}: ${detail}`, {
    key: 'transport.proxy.auth',
    params: { proxy: proxy.host },
  });
}

/**
 * The proxy would not connect onward (CLI spec `proxy-refused`): `blocked`, since a proxy refusing
 * the center is how a blocked destination looks from here. `code` is the HTTP status or SOCKS reply.
 */
export function proxyRefusedError(proxy: URL, code: string, detail: string): RouteError {
  return new RouteError('proxy-refused', 'blocked', `proxy ${proxy.host} refused to connect onward: ${detail}`, {
    key: 'transport.proxy.refused',
    params: { proxy: proxy.host, code },
  });
}

/** Whatever answered is not speaking the proxy protocol (a wrong port, or something in between). */
export function proxyMalformedError(proxy: URL, detail: string): RouteError {
  return new RouteError('error', 'blocked', `proxy ${proxy.host}: malformed answer: ${detail}`, {
    key: 'transport.proxy.malformed',
    params: { proxy: proxy.host },
  });
}

/** The proxy closed the connection before the handshake was done: as a reset (`blocked`). */
export function proxyClosedError(proxy: URL): RouteError {
  return new RouteError('reset', 'blocked', `proxy ${proxy.host} closed the connection during the handshake`, {
    key: 'transport.proxy.closed',
    params: { proxy: proxy.host },
  });
}
