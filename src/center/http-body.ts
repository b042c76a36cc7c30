/**
 * Bounded reading of a request body and parsing of the delivery token: the boundary checks of
 * the intake (spec 3, spec 7), apart from the server so that they are small and testable.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly kind: 'body'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'aborted' };

/**
 * Reads at most `max` bytes of `req`. Stops reading at once (the request is paused, never
 * drained) when the body grows beyond `max` — a chunked body has no length up front — or when
 * no byte arrives for `idleMs`. Never rejects.
 */
export function readBody(req: IncomingMessage, max: number, idleMs: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    // With a declared length (already checked against `max`) one buffer; chunked grows a list.
    const fixed = Number.isSafeInteger(declared) && declared >= 0 && declared <= max ? Buffer.allocUnsafe(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: BodyResult) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (r.kind !== 'body') req.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > max) return finish({ kind: 'too-large' });
      if (fixed) chunk.copy(fixed, size);
      else chunks.push(chunk);
      size += chunk.length;
      timer.refresh(); // one timer per request, re-armed in place on every chunk
    };
    const onEnd = () => {
      const body = fixed ? fixed.subarray(0, size) : Buffer.concat(chunks, size);
      finish({ kind: 'body', body });
    };
    const onClose = () => finish({ kind: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'idle' }), idleMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

const TOKEN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * The `Sealpost-Token` header: strict base64 (RFC 4648, padded, canonical) of exactly 16 bytes.
 * Null for anything else, a repeated header (which Node joins with ", ") included.
 */
export function parseToken(header: string | string[] | undefined): Buffer | null {
  if (typeof header !== 'string' || !TOKEN.test(header)) return null;
  const token = Buffer.from(header, 'base64');
  return token.length === 16 ? token : null;
}
