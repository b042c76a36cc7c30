/**
 * Delivers one envelope over one route (spec 7, issue 2): tunnel → TLS (https) → POST
 * /v1/envelopes with the delivery token → a receipt that verifies. "Delivered" means exactly that:
 * a 200 without a valid receipt, for this center, this key and this envelope, is a failed attempt.
 *
 * Contract: resolves with the verified receipt, or rejects with a RouteError whose
 * `failureClass` says whether to try the next route (always, here: a route's failure is never
 * the envelope's) and how to remember the route (issue 3).
 */
import { toBase64, toHex } from '../crypto/base64.js';
import type { Verifier } from '../crypto/note.js';
import { verifyReceipt, type ReceiptFields } from '../crypto/receipt.js';
import { envelopeShapeError } from '../crypto/sizes.js';
import { envelopeId } from '../crypto/envelope.js';
import { InputError, VerifyError } from '../errors.js';
import type { HttpAnswer } from './http.js';
import { classify, statusError } from './outcome.js';
import { requestOverRoute, type PhaseTimeouts } from './request.js';
import type { Route } from './routes/route.js';

export { DEFAULT_TIMEOUTS, type PhaseTimeouts } from './request.js';

export interface CenterIdentity {
  readonly name: string;
  readonly logKey: Verifier;
}

export interface DeliverOptions {
  readonly center: CenterIdentity;
  readonly signal: AbortSignal;
  readonly timeouts?: Partial<PhaseTimeouts>;
  /** Unix ms, for the receipt's `hour` check. */
  readonly now?: () => number;
  /** Called when the route shows a sign of life before the receipt (see requestOverRoute). */
  readonly onProgress?: () => void;
}

export interface Delivered {
  readonly route: string;
  readonly receipt: string;
  readonly fields: ReceiptFields;
}

/** Retry-After in seconds or an HTTP date, capped at 600 s (spec 7). */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = /^\d+$/.test(v.trim()) ? Number(v.trim()) : (Date.parse(v) - now) / 1000;
  if (!Number.isFinite(secs)) return undefined;
  return Math.min(Math.max(secs, 0), 600) * 1000;
}

function readReceipt(answer: HttpAnswer, eh: Uint8Array, opts: DeliverOptions): Delivered['fields'] & { note: string } {
  let body: { id?: unknown; receipt?: unknown };
  try {
    body = JSON.parse(answer.body.toString('utf8')) as typeof body;
  } catch (cause) {
    throw new VerifyError('bad-receipt', 'the answer is not JSON', { cause, key: 'crypto.bad-receipt', params: { what: 'not JSON' } });
  }
  if (typeof body !== 'object' || body === null || body.id !== toHex(eh) || typeof body.receipt !== 'string') {
    throw new VerifyError('bad-receipt', 'the answer has no receipt for this envelope', { key: 'crypto.bad-receipt', params: { what: 'missing' } });
  }
  const fields = verifyReceipt(body.receipt, { center: opts.center.name, logKey: opts.center.logKey, eh, now: (opts.now ?? Date.now)() });
  return { ...fields, note: body.receipt };
}

export async function deliver(envelope: Uint8Array, token: Uint8Array, route: Route, opts: DeliverOptions): Promise<Delivered> {
  // A client checks the envelope itself, so that a 4xx is always the route's failure (spec 7).
  const shape = envelopeShapeError(envelope);
  if (shape) throw new InputError(shape, `envelope: ${shape}`, { key: `transport.envelope-${shape}` });
  if (token.length !== 16) throw new RangeError('token must be 16 bytes');
  const answer = await requestOverRoute(
    route,
    {
      method: 'POST',
      path: 'v1/envelopes',
      headers: { 'content-type': 'application/octet-stream', 'sealpost-token': toBase64(token) },
      body: envelope,
    },
    opts.signal,
    opts.timeouts,
    opts.onProgress,
  );
  try {
    if (answer.status !== 200) throw statusError(answer.status, retryAfterMs(answer.headers['retry-after']));
    const { note, ...fields } = readReceipt(answer, envelopeId(envelope), opts);
    return { route: route.id, receipt: note, fields };
  } catch (err) {
    throw classify(err, 'receipt');
  }
}
