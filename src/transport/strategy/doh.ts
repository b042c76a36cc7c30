/**
 * DNS-over-HTTPS (RFC 8484; wire spec 6): each query is one `POST https://<name>/dns-query` with an
 * `application/dns-message` body, on its own connection dialled at the resolver's address (never
 * looked up) through the project's own dial and TLS (src/transport/tunnel/dial.ts: the resolver's
 * `ca` replaces the system roots, its name is the SNI and the name the certificate must carry).
 *
 * Contract: resolves with the answer's bytes (HTTP 200, a DNS message of at most 65,535 bytes), or
 * rejects with the signal's reason when it aborts, or a ResolverError `transport` otherwise.
 */
import { exchange } from '../http.js';
import { MAX_MESSAGE, ResolverError } from './dns-wire.js';
import type { ResolverAddress } from './parse.js';
import { withResolver } from './resolver-conn.js';

const TYPE = 'application/dns-message';

/** The URL of a DoH resolver (RFC 8484 section 3: the template `https://<name>/dns-query{?dns}`, POST). */
export function dohUrl(r: ResolverAddress): URL {
  return new URL(`https://${r.name}${r.port === 443 ? '' : `:${r.port}`}/dns-query`);
}

/** Sends one DNS query to the resolver and returns its answer's bytes (unchecked: dns-wire.ts reads them). */
export async function dohQuery(r: ResolverAddress, query: Uint8Array, signal: AbortSignal): Promise<Buffer> {
  return withResolver(r, 'dns-over-https', signal, async (tls) => {
    // exchange() reads at most 64 KiB and destroys the socket at the end (one query, one socket).
    const res = await exchange(tls, dohUrl(r), { method: 'POST', headers: { 'content-type': TYPE, accept: TYPE }, body: query }, signal);
    if (res.status !== 200) throw new ResolverError('transport', `the resolver answered HTTP ${res.status}`);
    const type = res.headers['content-type'];
    if (typeof type !== 'string' || type.split(';')[0]!.trim().toLowerCase() !== TYPE) {
      throw new ResolverError('transport', 'the resolver answered something else than a dns message');
    }
    if (res.body.length > MAX_MESSAGE) throw new ResolverError('transport', 'the resolver answered more than a dns message');
    return res.body;
  });
}
