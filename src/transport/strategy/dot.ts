/**
 * DNS-over-TLS (RFC 7858; wire spec 6): one TLS connection to the resolver's address (never looked
 * up; its `ca` replaces the system roots, its name is the SNI and the certificate's name), the
 * queries sent at once, each with a 2-byte length prefix (RFC 1035 section 4.2.2), answers matched
 * by id in whatever order they come (RFC 7858 section 3.3), then the connection is closed.
 *
 * Contract: resolves with one answer's bytes per query, in the queries' order, or rejects with the
 * signal's reason when it aborts, or a ResolverError (`not-answer` for an answer with an id not
 * asked, `transport` otherwise).
 */
import type { TLSSocket } from 'node:tls';
import { raceSignal } from '../deadline.js';
import { ResolverError } from './dns-wire.js';
import type { ResolverAddress } from './parse.js';
import { withResolver } from './resolver-conn.js';

function frame(q: Uint8Array): Buffer {
  const b = Buffer.alloc(2 + q.length);
  b.writeUInt16BE(q.length, 0);
  b.set(q, 2);
  return b;
}

/** Reads length-prefixed messages until every id in `ids` has its answer. */
function readAnswers(tls: TLSSocket, ids: readonly number[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const got = new Map<number, Buffer>();
    let buf = Buffer.alloc(0);
    const fail = (err: Error) => {
      tls.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) return;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        if (len < 2) return fail(new ResolverError('malformed', 'malformed dns answer: shorter than a header'));
        const id = msg.readUInt16BE(0);
        if (!ids.includes(id) || got.has(id)) return fail(new ResolverError('not-answer', 'dns answer with an id that was not asked'));
        got.set(id, Buffer.from(msg));
        if (got.size === ids.length) {
          tls.off('data', onData);
          return resolve(ids.map((i) => got.get(i)!));
        }
      }
    };
    tls.on('data', onData);
    tls.once('error', fail);
    tls.once('end', () => fail(new ResolverError('transport', 'the resolver closed the connection before answering')));
    tls.once('close', () => fail(new ResolverError('transport', 'the resolver closed the connection before answering')));
  });
}

/** Sends `queries` (distinct ids) to the resolver on one connection and returns their answers' bytes. */
export async function dotQuery(r: ResolverAddress, queries: readonly Uint8Array[], signal: AbortSignal): Promise<Buffer[]> {
  const ids = queries.map((q) => (q[0]! << 8) | q[1]!);
  if (new Set(ids).size !== ids.length) throw new RangeError('dns-over-tls queries need distinct ids');
  // No ALPN: RFC 7858 defines none, and a server that lists other protocols may refuse one it does not know.
  return withResolver(
    r,
    'dns-over-tls',
    signal,
    (tls) => {
      const answers = readAnswers(tls, ids);
      tls.write(Buffer.concat(queries.map(frame)));
      return raceSignal(answers, signal, () => tls.destroy());
    },
    [],
  );
}
