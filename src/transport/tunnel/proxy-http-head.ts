/**
 * Reading a proxy's answer to CONNECT: the response head only (RFC 9112 section 2.1: status line,
 * header fields, an empty line), capped in size, leaving every byte after the head in the stream
 * for whatever runs in the tunnel.
 */
import type { Duplex } from 'node:stream';

/** Bound on a CONNECT answer's head: a proxy has no reason to send more (curl uses 100 KiB in all). */
export const MAX_PROXY_HEAD = 16 * 1024;

export class ProxyHeadError extends Error {
  override name = 'ProxyHeadError' as const;
  /**
   * `closed`: the proxy ended before the head was complete, after sending `received` bytes;
   * `too-large`: no head end within the cap.
   */
  constructor(
    readonly reason: 'closed' | 'too-large',
    readonly received = 0,
  ) {
    super(reason === 'closed' ? 'the proxy closed before answering' : `answer head larger than ${MAX_PROXY_HEAD} bytes`);
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Resolves with the head (without the final empty line) as soon as it is complete. Bytes past the
 * head are unshifted back into `stream`, unread. Rejects with ProxyHeadError, or with the stream's
 * own error. Attach it before writing the request, so no event can be missed.
 */
export function readProxyHead(stream: Duplex, max = MAX_PROXY_HEAD): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (fn: () => void) => {
      stream.off('readable', onReadable).off('end', onEnd).off('close', onEnd).off('error', onError);
      fn();
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        // Search from 3 bytes before the new chunk: the separator may straddle two chunks.
        const from = Math.max(0, buf.length - 3);
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf(CRLFCRLF, from);
        if (end >= 0 && end + 4 <= max) {
          const rest = buf.subarray(end + 4);
          return done(() => {
            if (rest.length > 0) stream.unshift(rest);
            resolve(buf.subarray(0, end));
          });
        }
        if (buf.length >= max) return done(() => reject(new ProxyHeadError('too-large')));
      }
    };
    const onEnd = () => done(() => reject(new ProxyHeadError('closed', buf.length)));
    const onError = (err: Error) => done(() => reject(err));
    stream.on('readable', onReadable).once('end', onEnd).once('close', onEnd).once('error', onError);
  });
}

/**
 * The status code of a CONNECT answer's head, or null when the first line is not an HTTP/1.x
 * status line (RFC 9112 section 4: `HTTP/1.1 200 Connection established`).
 */
export function connectStatus(head: Buffer): number | null {
  const eol = head.indexOf('\r\n');
  const line = head.subarray(0, eol >= 0 ? eol : head.length).toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/.exec(line);
  return m ? Number(m[1]) : null;
}
