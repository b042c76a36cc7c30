/**
 * SOCKS5 tunnel (RFC 1928, username/password RFC 1929) for `socks` routes, e.g. a local Tor port.
 * We dial the proxy ourselves (so the AbortSignal owns the socket from the first SYN) and let the
 * `socks` package run the handshake on it. Remote DNS always (spec 6: `socks5://` is read as
 * `socks5h://`): the center's host name goes to the proxy as ATYP X'03' and is never resolved here.
 */
import type { SocksClient as SocksClientType } from 'socks';
import { PhaseTimeout, raceSignal } from '../deadline.js';
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
import { judgeSocksReplies } from './proxy-socks-reply.js';
import { targetOf, type Hop, type Tunnel } from './tunnel.js';

/**
 * The `socks` package's own handshake timer. The caller's signal is the deadline (STYLE habit 2);
 * this only bounds a caller that never aborts, so it is longer than any phase deadline we set.
 */
const SOCKS_BACKSTOP_MS = 120_000;

/** A handshake's answers are at most 2 + 2 + 262 bytes (RFC 1928 sections 3 and 6, RFC 1929). */
const MAX_HEARD = 512;

let socksModule: Promise<{ SocksClient: typeof SocksClientType }> | undefined;

/**
 * The `socks` package, loaded on first use: most runs have no SOCKS route, and it takes ~50 ms to
 * load. openTunnel starts loading it while the first TCP connection is being made.
 */
export function loadSocks(): Promise<{ SocksClient: typeof SocksClientType }> {
  return (socksModule ??= import('socks') as Promise<{ SocksClient: typeof SocksClientType }>);
}

/**
 * One SOCKS5 hop: on `under` (a stream to the proxy), the handshake asking for `target`, by name
 * when it is a name (ATYP 3).
 *
 * Resolves with the connected stream. Rejects with the signal's reason on abort (stream destroyed
 * at once, in any phase); a raw socket error (classified by outcome.ts: `refused`, `reset`...); or
 * a RouteError: `proxy-auth` (config) when the proxy accepts none of our methods or rejects our
 * credentials; `proxy-refused` (blocked) for a reply other than success (ruleset, host unreachable,
 * connection refused...) or a hang-up instead of a reply; `reset` when it closes earlier; `error`
 * (blocked) for bytes that are not SOCKS5; `error` (config) for an unusable proxy URL or target; a
 * PhaseTimeout (`timeout`) from the backstop.
 */
export const socksHop: Hop = async (under, proxy, destination, _route, signal) => {
  checkTargetHost(destination.host);
  const creds = proxyCredentials(proxy);
  const at = proxyEndpoint(proxy);
  const { SocksClient } = await raceSignal(loadSocks(), signal, () => under.destroy());
  // What the proxy said, and the stream's own error (the socks package keeps only its message).
  let heard = Buffer.alloc(0);
  let socketError: Error | undefined;
  const onData = (b: Buffer) => {
    if (heard.length < MAX_HEARD) heard = Buffer.concat([heard, b]);
  };
  const onError = (err: Error) => {
    socketError ??= err;
  };
  under.on('data', onData).on('error', onError);
  try {
    const handshake = SocksClient.createConnection({
      proxy: { host: at.host, port: at.port, type: 5, ...(creds ? { userId: creds.user, password: creds.password } : {}) },
      command: 'connect',
      destination,
      existing_socket: under,
      timeout: SOCKS_BACKSTOP_MS,
    });
    const { socket: tunnel } = await raceSignal(handshake, signal, () => under.destroy());
    return tunnel;
  } catch (err) {
    under.destroy();
    if (signal.aborted) throw signal.reason;
    throw socksFailure(proxy, heard, socketError, err);
  } finally {
    under.off('data', onData).off('error', onError);
  }
};

/** A tunnel through the route's SOCKS5 proxy alone (the `socks` kind; see openTunnel). */
export const socksTunnel: Tunnel = async (route, signal) => {
  const proxy = route.proxy;
  if (!proxy) throw new TypeError('socksTunnel: the route has no proxy');
  const destination = targetOf(route); // a name stays a name: the socks package sends it as ATYP 3
  checkTargetHost(destination.host);
  proxyCredentials(proxy);
  const at = proxyEndpoint(proxy);
  return socksHop(await dialTcp(at.host, at.port, signal), proxy, destination, route, signal);
};

/** The error for a failed handshake: the proxy's own answer first, then the socket's, then the package's. */
function socksFailure(proxy: URL, heard: Buffer, socketError: Error | undefined, err: unknown): unknown {
  const verdict = judgeSocksReplies(heard);
  if (verdict.kind === 'auth') return proxyAuthError(proxy, verdict.detail);
  if (verdict.kind === 'refused') return proxyRefusedError(proxy, String(verdict.reply), verdict.detail);
  if (verdict.kind === 'malformed') return proxyMalformedError(proxy, verdict.detail);
  if (socketError) return socketError;
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Proxy connection timed out')) return new PhaseTimeout('SOCKS handshake', SOCKS_BACKSTOP_MS);
  if (message.startsWith('Socket closed')) {
    // A hang-up right after our CONNECT request, without a reply, is the proxy declining the
    // target (as the HTTP CONNECT tunnel reads it); earlier, it is a cut handshake.
    const afterRequest = verdict.kind === 'incomplete' && verdict.awaiting === 'reply';
    return afterRequest ? proxyRefusedError(proxy, 'closed', 'closed without a reply to CONNECT') : proxyClosedError(proxy);
  }
  return proxyMalformedError(proxy, message);
}
