/**
 * The socket layer of a route: a TCP connection and an optional TLS upgrade, each bound to an
 * AbortSignal that really destroys the socket (undici alone does not abort a connect in progress:
 * undici issue #386). Errors are left raw; src/transport/outcome.ts classifies them.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { raceSignal } from '../deadline.js';

/** Opens a TCP connection to host:port; rejects with the signal's reason on abort (socket destroyed). */
export function dialTcp(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  const socket = netConnect({ host, port, noDelay: true });
  const connected = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return raceSignal(connected, signal, () => socket.destroy());
}

export interface TlsOptions {
  /** SNI to send (omitted for IP addresses, RFC 6066 section 3). */
  readonly servername: string;
  /** The name the certificate must be valid for. */
  readonly identity: string;
  /** PEM trust anchors replacing the system roots (spec 6 `ca`). */
  readonly ca?: string;
  /** A prepared context instead (e.g. system roots plus a route's CA, cached: see proxy-tls.ts). */
  readonly secureContext?: SecureContext;
  /** ALPN protocols to offer (default `http/1.1`); empty offers none (DNS-over-TLS, RFC 7858). */
  readonly alpn?: readonly string[];
}

/** Starts TLS on an open stream; resolves after the handshake and certificate check. */
export function upgradeTls(stream: Duplex, opts: TlsOptions, signal: AbortSignal): Promise<TLSSocket> {
  const tls = tlsConnect({
    socket: stream,
    ...(isIP(opts.servername) ? {} : { servername: opts.servername }),
    ...(opts.ca ? { ca: opts.ca } : {}),
    ...(opts.secureContext ? { secureContext: opts.secureContext } : {}),
    ...(opts.alpn?.length === 0 ? {} : { ALPNProtocols: [...(opts.alpn ?? ['http/1.1'])] }),
    // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch certificate checks off: a route
    // carries its own trust (spec 6 `ca`), and an unchecked TLS hop is a censor's open door (issue 6).
    rejectUnauthorized: true,
    checkServerIdentity: (_host, cert) => checkServerIdentity(opts.identity, cert),
  });
  const ready = new Promise<TLSSocket>((resolve, reject) => {
    tls.once('secureConnect', () => {
      tls.removeListener('error', reject);
      resolve(tls);
    });
    tls.once('error', reject);
  });
  return raceSignal(ready, signal, () => {
    tls.destroy();
    stream.destroy();
  });
}
