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
import type { AsyncVerify, Verifier } from '../crypto/note.js';
import { foreignSigner, verifyReceipt, verifyReceiptAsync, type ForeignSigner, type ReceiptFields } from '../crypto/receipt.js';
import { envelopeShapeError } from '../crypto/sizes.js';
import { envelopeId } from '../crypto/envelope.js';
import { InputError, VerifyError, type RouteError } from '../errors.js';
import type { HttpAnswer } from './http.js';
import { classify, routeError, statusError } from './outcome.js';
import { requestOverRoute, type PhaseTimeouts } from './request.js';
import type { Route } from './routes/route.js';
import type { RouteSession } from './session.js';
import { parseJsonOr } from '../util/json.js';

export { DEFAULT_TIMEOUTS, type PhaseTimeouts } from './request.js';

/** What a receipt must be signed by: the center's name and log key (a parsed center file fits). */
export interface CenterIdentity {
  readonly name: string;
  readonly logKey: Verifier;
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  readonly center: CenterIdentity;
  readonly signal: AbortSignal;
  readonly timeouts?: Partial<PhaseTimeouts>;
  /** Unix ms, for the receipt's `hour` check. */
  readonly now?: () => number;
  /** Called when the route shows a sign of life before the receipt (see requestOverRoute). */
  readonly onProgress?: () => void;
  /** A keep-alive session over `route` to send on instead of a new connection (issue 8: `outbox flush`). */
  readonly session?: RouteSession;
  /** Checks the receipt's signature off this thread (a VerifyPool: `outbox flush`); same rules as the default. */
  readonly verify?: AsyncVerify;
}

/** A delivery: the route, the receipt note as the center signed it, and its verified fields. */
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

async function readReceipt(answer: HttpAnswer, eh: Uint8Array, route: Route, opts: DeliverOptions): Promise<Delivered['fields'] & { note: string }> {
  const body = parseJsonOr(answer.body.toString('utf8'), (what) =>
    new VerifyError('bad-receipt', 'the answer is not JSON', { key: 'crypto.bad-receipt', params: { what } }),
  ) as { id?: unknown; receipt?: unknown } | null;
  if (typeof body !== 'object' || body === null || body.id !== toHex(eh) || typeof body.receipt !== 'string') {
    throw new VerifyError('bad-receipt', 'the answer has no receipt for this envelope', { key: 'crypto.bad-receipt', params: { what: 'missing' } });
  }
  const expect = { center: opts.center.name, logKey: opts.center.logKey, eh, now: (opts.now ?? Date.now)() };
  try {
    const fields = opts.verify ? await verifyReceiptAsync(body.receipt, expect, opts.verify) : verifyReceipt(body.receipt, expect);
    return { ...fields, note: body.receipt };
  } catch (err) {
    const other = err instanceof VerifyError ? foreignSigner(body.receipt, expect) : null;
    throw other ? foreignReceiptError(other, route, opts.center.name, err) : err;
  }
}

/**
 * A well-formed receipt for this envelope, signed by another log key (issue 7, build point 4).
 * Over TLS (always checked: request.ts), the route's server itself signed it with another key than
 * the center file's: the file is outdated or another center's, which only the user can fix
 * (`config`). Over plain HTTP anyone on the way can have made it: `blocked`, as any bad receipt.
 */
function foreignReceiptError(other: ForeignSigner, route: Route, center: string, cause: unknown): RouteError {
  if (route.url.protocol !== 'https:') return routeError('bad-receipt', 'blocked', 'transport.receipt.other-key-unverified', {}, { cause, hop: 'center' });
  if (other.center !== center) {
    return routeError('bad-receipt', 'config', 'transport.receipt.other-center', { name: other.center, center }, { cause, hop: 'center' });
  }
  return routeError('bad-receipt', 'config', 'transport.receipt.other-key', {}, { cause, hop: 'center' });
}

/**
 * Delivers one envelope over one route (spec 7): tunnel, TLS for https, `POST /v1/envelopes` with
 * the delivery token, and a receipt that verifies for this center, this log key and this envelope.
 * A 200 without such a receipt is a failed attempt, never a delivery.
 * @param envelope the sealed envelope (from {@link sealEnvelope})
 * @param token its 16-byte delivery token (from {@link newDeliveryToken}); the same envelope with
 *   the same token always gets the same receipt, so retries are safe
 * @param route the route (from {@link parseRoute})
 * @param opts the center, and the AbortSignal that is the attempt's deadline
 * @returns the verified receipt
 * @throws RouteError for a failed attempt: its `outcome` is the CLI spec's word, its `failureClass`
 *   says whether another try can help; InputError for an envelope of a wrong length or version;
 *   RangeError for a token that is not 16 bytes
 * @example
 * ```ts
 * const route = parseRoute({ id: 'direct-1', kind: 'direct', url: 'https://intake.example.org/' });
 * const { receipt } = await deliver(envelope, newDeliveryToken(), route, { center, signal: AbortSignal.timeout(30_000) });
 * ```
 */
export async function deliver(envelope: Uint8Array, token: Uint8Array, route: Route, opts: DeliverOptions): Promise<Delivered> {
  // A client checks the envelope itself, so that a 4xx is always the route's failure (spec 7).
  const shape = envelopeShapeError(envelope);
  if (shape) throw new InputError(shape, `envelope: ${shape}`, { key: `transport.envelope-${shape}` });
  if (token.length !== 16) throw new RangeError('token must be 16 bytes');
  const req = {
    method: 'POST',
    path: 'v1/envelopes',
    headers: { 'content-type': 'application/octet-stream', 'sealpost-token': toBase64(token) },
    body: envelope,
  } as const;
  if (opts.session && opts.session.route !== route) throw new RangeError('the session is over another route');
  const answer = opts.session
    ? await opts.session.request(req, opts.signal, opts.onProgress)
    : await requestOverRoute(route, req, opts.signal, opts.timeouts, opts.onProgress);
  try {
    if (answer.status !== 200) throw statusError(answer.status, retryAfterMs(answer.headers['retry-after']));
    const { note, ...fields } = await readReceipt(answer, envelopeId(envelope), route, opts);
    return { route: route.id, receipt: note, fields };
  } catch (err) {
    throw classify(err, 'receipt');
  }
}
