/**
 * HTTP CONNECT tunnel (RFC 9110 section 9.3.6) for `http-proxy` routes: TCP to the proxy, TLS to
 * the proxy itself for an `https://` proxy, `CONNECT host:port`, then the raw stream to the center.
 * We speak CONNECT ourselves because undici's ProxyAgent left a socket open when a proxy never
 * answered the CONNECT (issue 3); here the one AbortSignal destroys the socket in every phase.
 */
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { raceSignal } from '../deadline.js';
import { dialTcp } from './dial.js';
import {
  checkTargetHost,
  proxyAuthError,
  proxyClosedError,
  proxyCredentials,
  proxyEndpoint,
  proxyMalformedError,
  proxyRefusedError,
} from './proxy-common.js';
import { connectStatus, ProxyHeadError, readProxyHead } from './proxy-http-head.js';
import { tlsToProxy } from './proxy-tls.js';
import { targetOf, type Hop, type Tunnel } from './tunnel.js';

/**
 * The CONNECT request: authority-form target (RFC 9112 section 3.2.3) with the center's host name,
 * which the proxy resolves, never us; `Host` the same; Basic credentials (RFC 7617) from the proxy
 * URL. Nothing else, so the request tells an observer as little as possible.
 */
export function connectRequest(target: { host: string; port: number }, proxy: URL): string {
  checkTargetHost(target.host);
  const authority = isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  const creds = proxyCredentials(proxy);
  if (creds) lines.push(`Proxy-Authorization: Basic ${Buffer.from(`${creds.user}:${creds.password}`, 'utf8').toString('base64')}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * One CONNECT hop: on `under` (a stream to the proxy), TLS to the proxy itself for an `https://`
 * proxy, then `CONNECT target`.
 *
 * Resolves with the stream once the proxy answers 2xx (RFC 9110 section 9.3.6: any 2xx switches to
 * tunnel mode), bytes after the answer's head left unread in it. Rejects with the signal's reason
 * on abort (every stream destroyed at once, in any phase); a raw socket or TLS error (classified by
 * outcome.ts: `refused`, `reset`, `tls`...); or a RouteError: `proxy-auth` (config) on 407 or 401,
 * `proxy-refused` (blocked) on any other status or a close without a word, `reset` for a close
 * in the middle of the answer, `error` (blocked) for an answer that is not HTTP or whose head
 * exceeds 16 KiB, `error` (config) for an unusable proxy URL or target. Every rejection means "try
 * the next route"; `config` ones are not retried.
 */
export const connectHop: Hop = async (under, proxy, target, route, signal) => {
  const request = connectRequest(target, proxy);
  let stream: Duplex = under;
  try {
    if (proxy.protocol === 'https:') stream = await tlsToProxy(under, proxyEndpoint(proxy).host, route, signal);
    const head = readProxyHead(stream); // listening before we write: no answer can be missed
    stream.write(request);
    const open = stream;
    const status = connectStatus(await raceSignal(head, signal, () => open.destroy()));
    if (status === null) throw proxyMalformedError(proxy, 'not an HTTP/1.x status line');
    if (status >= 200 && status <= 299) return stream;
    // 407 is the standard answer (RFC 9110 15.5.8); Debian's tinyproxy 1.11 answers a CONNECT with
    // bad credentials with 401 instead (found by the interop suite). Either way: other credentials.
    if (status === 407 || status === 401) throw proxyAuthError(proxy, `HTTP ${status}: the proxy wants other credentials`);
    throw proxyRefusedError(proxy, `HTTP ${status}`, `HTTP ${status}`);
  } catch (err) {
    stream.destroy();
    under.destroy();
    if (!(err instanceof ProxyHeadError)) throw err;
    if (err.reason === 'too-large') throw proxyMalformedError(proxy, err.message);
    // Hanging up on a CONNECT without a word is how proxy-chain and others refuse a target that
    // will not connect; a censor cuts with a RST instead (a raw ECONNRESET: `reset`).
    if (err.received === 0) throw proxyRefusedError(proxy, 'closed', 'closed without answering the CONNECT');
    throw proxyClosedError(proxy);
  }
};

/** A tunnel through the route's HTTP(S) proxy alone (the `http-proxy` kind; see openTunnel). */
export const connectTunnel: Tunnel = async (route, signal) => {
  const proxy = route.proxy;
  if (!proxy) throw new TypeError('connectTunnel: the route has no proxy');
  connectRequest(targetOf(route), proxy); // before dialing: a bad route opens no socket
  const at = proxyEndpoint(proxy);
  return connectHop(await dialTcp(at.host, at.port, signal), proxy, targetOf(route), route, signal);
};
