/**
 * Maps whatever an attempt threw to a RouteError with the CLI spec's outcome word and a failure
 * class for the racing loop and route health (issue 3). One table, so every route kind agrees.
 */
import { RouteError, VerifyError, type FailureClass } from '../errors.js';
import { PhaseTimeout } from './deadline.js';

/** Thrown (as an abort reason) when another route won or the caller gave up. */
export class Cancelled extends Error {
  override name = 'Cancelled' as const;
  constructor(message = 'cancelled') {
    super(message);
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|UNABLE_TO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_|EPROTO$)/;

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/** The outcome for an HTTP status that is not a 200 with a valid receipt. */
export function statusError(status: number, retryAfterMs?: number): RouteError {
  const cls: FailureClass = status === 407 ? 'config' : status >= 500 || status === 429 ? 'server' : 'route';
  const outcome = status === 407 ? 'proxy-auth' : `http-${status}`;
  return new RouteError(outcome, cls, `the route answered HTTP ${status}`, retryAfterMs === undefined ? {} : { retryAfterMs });
}

/** Classifies an error thrown during the attempt's `phase` (`connect`, `tls`, `request`). */
export function classify(err: unknown, phase: string): RouteError {
  if (err instanceof RouteError) return err;
  const mk = (outcome: string, cls: FailureClass, message: string) => new RouteError(outcome, cls, message, { cause: err });
  if (err instanceof Cancelled) return mk('cancelled', 'cancelled', err.message);
  if (err instanceof PhaseTimeout) return mk('timeout', 'blocked', err.message);
  if (err instanceof VerifyError) return mk('bad-receipt', 'blocked', err.message);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return mk('timeout', 'blocked', `${phase} timed out`);
  if (name === 'AbortError') return mk('cancelled', 'cancelled', `${phase} aborted`);
  const code = codeOf(err);
  const cause = (err as { cause?: unknown } | null)?.cause;
  const causeCode = codeOf(cause);
  const any = code || causeCode;
  if (any === 'ECONNREFUSED') return mk('refused', 'blocked', `connection refused during ${phase}`);
  if (any === 'ENOTFOUND' || any === 'EAI_AGAIN' || any === 'EAI_FAIL') return mk('dns', 'blocked', `name lookup failed`);
  if (any === 'ETIMEDOUT' || any === 'UND_ERR_CONNECT_TIMEOUT' || any === 'UND_ERR_HEADERS_TIMEOUT' || any === 'UND_ERR_BODY_TIMEOUT') {
    return mk('timeout', 'blocked', `${phase} timed out`);
  }
  if (any === 'ECONNRESET' || any === 'EPIPE' || any === 'ECONNABORTED' || any === 'UND_ERR_SOCKET' || any === 'UND_ERR_CLOSED') {
    return mk('reset', 'blocked', `connection reset during ${phase}`);
  }
  if (TLS_CODES.test(any) || (phase === 'tls' && any === '')) return mk('tls', 'blocked', `TLS failed: ${(err as Error)?.message ?? ''}`);
  if (any === 'ERR_INVALID_URL' || any === 'ERR_INVALID_ARG_VALUE') return mk('error', 'config', `bad route: ${(err as Error).message}`);
  return mk('error', 'blocked', `${phase} failed: ${(err as Error)?.message ?? String(err)}`);
}
