/**
 * What DoH (doh.ts) and DoT (dot.ts) share: a TLS connection to a resolver dialled at its address
 * (never looked up; its `ca` replaces the system roots, its name is the SNI and the certificate's
 * name), and one rule for failures (the signal's reason on abort, a ResolverError as is, anything
 * else a ResolverError `transport` naming the protocol).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { dialTcp, upgradeTls } from '../tunnel/dial.js';
import { ResolverError } from './dns-wire.js';
import type { ResolverAddress } from './parse.js';

/**
 * Runs `use` on a TLS connection to the resolver and closes it afterwards, whatever happens.
 * `alpn` as for upgradeTls (DoT offers none). `what` names the protocol in errors.
 */
export async function withResolver<T>(
  r: ResolverAddress,
  what: 'dns-over-https' | 'dns-over-tls',
  signal: AbortSignal,
  use: (tls: TLSSocket) => Promise<T>,
  alpn?: string[],
): Promise<T> {
  let tcp: Socket | undefined;
  let tls: TLSSocket | undefined;
  try {
    tcp = await dialTcp(r.host, r.port, signal);
    tls = await upgradeTls(tcp, { servername: r.name, identity: r.name, ...(alpn ? { alpn } : {}), ...(r.ca ? { ca: r.ca } : {}) }, signal);
    return await use(tls);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof ResolverError) throw err;
    throw new ResolverError('transport', `${what} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  } finally {
    tls?.destroy();
    tcp?.destroy();
  }
}
