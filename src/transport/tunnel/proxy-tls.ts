/**
 * TLS to an `https://` proxy itself (spec 6: such a proxy is allowed anywhere, since the censor sees
 * neither the target nor the credentials). This is the hop to the proxy; the center's own TLS runs
 * inside the tunnel afterwards (request.ts).
 */
import type { Duplex } from 'node:stream';
import { createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from 'node:tls';
import { upgradeTls } from './dial.js';
import type { Route } from '../routes/route.js';

const contexts = new Map<string, SecureContext>();

/**
 * Trust anchors for the proxy hop (spec 6 is silent: its `ca` is about the center). Without a
 * route `ca`: Node's default roots. With one: the bundled roots plus that `ca`, so that a public
 * proxy still works on a route whose center has its own CA, and a proxy run by the center's
 * operator may use the center's CA. The center's TLS inside the tunnel still trusts only the route
 * `ca`, so a root that intercepts the proxy hop sees the target name and the proxy credentials,
 * never the envelope. (NODE_EXTRA_CA_CERTS does not apply once a `ca` is set.) Parsing the bundled
 * roots takes ~80 ms, so the context is built once per distinct `ca`.
 */
export function proxySecureContext(route: Route): SecureContext | undefined {
  if (!route.ca) return undefined;
  let ctx = contexts.get(route.ca);
  if (!ctx) {
    ctx = createSecureContext({ ca: [...rootCertificates, route.ca] });
    if (contexts.size >= 16) contexts.clear(); // a handful of route CAs at most; never unbounded
    contexts.set(route.ca, ctx);
  }
  return ctx;
}

/**
 * Starts TLS to the proxy on `tcp` (a TCP socket, or a tunnel through the user's proxy when chained): SNI = the proxy's host name (none for an IP, RFC 6066 section
 * 3), its certificate checked for that host. Resolves after the handshake; rejects with the raw TLS
 * error, or with the signal's reason on abort (both sockets destroyed at once).
 */
export function tlsToProxy(tcp: Duplex, host: string, route: Route, signal: AbortSignal): Promise<TLSSocket> {
  const secureContext = proxySecureContext(route);
  return upgradeTls(tcp, { servername: host, identity: host, ...(secureContext ? { secureContext } : {}) }, signal);
}
