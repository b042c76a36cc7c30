/**
 * Maps whatever an attempt threw to a RouteError with the CLI spec's outcome word and a failure
 * class for the racing loop and route health (issue 3). One table, so every route kind agrees.
 * It also says which hop failed and why, in words a person can act on (issue 7, build point 4).
 */
import { RouteError, VerifyError, type FailureClass, type RouteFailure, type RouteHop } from '../errors.js';
import { PhaseTimeout } from './deadline.js';
import { isLoopbackHost } from './host.js';
import { englishText, type messages } from './messages.js';

/** Thrown (as an abort reason) when another route won or the caller gave up. */
export class Cancelled extends Error {
  override name = 'Cancelled' as const;
  constructor(message = 'cancelled') {
    super(message);
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|UNABLE_TO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_|EPROTO$)/;
/** The certificate check failed (OpenSSL's X509 verify codes, Node's name check), not the handshake. */
const CERT_CODES = /^(CERT_|DEPTH_ZERO_|UNABLE_TO_(GET|VERIFY|DECRYPT)|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_TLS_CERT_ALTNAME_INVALID)/;

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/** Where an error happened: the hop, and the proxy when the hop is one. */
export interface HopPlace {
  readonly hop: RouteHop;
  readonly proxy?: URL;
}

/**
 * Errors the tunnel saw, by the hop it was at. A side table rather than a wrapper: the tunnel's
 * contract keeps raw errors raw, and on a phase timeout request.ts classifies the phase signal's
 * reason, the very object the tunnel rejected with.
 */
const places = new WeakMap<object, HopPlace>();

/**
 * Notes that `err` happened at `place` and returns it (`throw atHop(err, place)`). The innermost
 * note wins. An abort reason is noted only when it is this attempt's own connect-phase timeout:
 * another reason (a cancel, the race's deadline) is shared by every attempt of the race.
 */
export function atHop<T>(err: T, place: HopPlace): T {
  if (typeof err !== 'object' || err === null || places.has(err)) return err;
  if (err instanceof Cancelled || (err instanceof PhaseTimeout && err.phase !== 'connect')) return err;
  places.set(err, place);
  return err;
}

/** The hop of an error thrown in `phase`: the tunnel's note, else the center after the tunnel is open. */
function placeOf(err: unknown, phase: string): HopPlace | undefined {
  const noted = typeof err === 'object' && err !== null ? places.get(err) : undefined;
  if (noted) return noted;
  return phase === 'tls' || phase === 'request' || phase === 'receipt' ? { hop: 'center' } : undefined;
}

type Key = keyof typeof messages;

/** A RouteError whose message is its key's English (the module's own text, issue 7 build point 3). */
export function routeError(
  outcome: RouteFailure,
  cls: FailureClass,
  key: Key,
  params: Record<string, string | number>,
  extra: { cause?: unknown; hop?: RouteHop; retryAfterMs?: number } = {},
): RouteError {
  return new RouteError(outcome, cls, englishText(key, params), { ...extra, key, params });
}

/** The outcome for an HTTP status that is not a 200 with a valid receipt. */
export function statusError(status: number, retryAfterMs?: number): RouteError {
  const cls: FailureClass = status === 407 ? 'config' : status >= 500 || status === 429 ? 'server' : 'route';
  const outcome = status === 407 ? 'proxy-auth' : (`http-${status}` as const);
  return routeError(outcome, cls, 'transport.center.http', { status }, { hop: 'center', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** The same error, said to have happened at `place` (a proxy's answer, from tunnel.ts). */
function withHop(err: RouteError, place: HopPlace): RouteError {
  const params = place.proxy && !('proxy' in err.params) ? { ...err.params, proxy: place.proxy.host } : err.params;
  return new RouteError(err.outcome, err.failureClass, err.message, {
    cause: err.cause,
    key: err.key,
    params,
    hop: place.hop,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
  });
}

/** The outcome word, class and English of a raw error (the spec's table, unchanged by issue 7). */
function bare(err: unknown, phase: string): { outcome: RouteFailure; cls: FailureClass; message: string } {
  const r = (outcome: RouteFailure, cls: FailureClass, message: string) => ({ outcome, cls, message });
  if (err instanceof Cancelled) return r('cancelled', 'cancelled', err.message);
  if (err instanceof PhaseTimeout) return r('timeout', 'blocked', err.message);
  if (err instanceof VerifyError) return r('bad-receipt', 'blocked', err.message);
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return r('timeout', 'blocked', `${phase} timed out`);
  if (name === 'AbortError') return r('cancelled', 'cancelled', `${phase} aborted`);
  const any = codeOf(err) || codeOf((err as { cause?: unknown } | null)?.cause);
  if (any === 'ECONNREFUSED') return r('refused', 'blocked', `connection refused during ${phase}`);
  if (any === 'ENOTFOUND' || any === 'EAI_AGAIN' || any === 'EAI_FAIL') return r('dns', 'blocked', `name lookup failed`);
  if (any === 'ETIMEDOUT' || any === 'UND_ERR_CONNECT_TIMEOUT' || any === 'UND_ERR_HEADERS_TIMEOUT' || any === 'UND_ERR_BODY_TIMEOUT') {
    return r('timeout', 'blocked', `${phase} timed out`);
  }
  if (any === 'ECONNRESET' || any === 'EPIPE' || any === 'ECONNABORTED' || any === 'UND_ERR_SOCKET' || any === 'UND_ERR_CLOSED') {
    return r('reset', 'blocked', `connection reset during ${phase}`);
  }
  if (TLS_CODES.test(any) || (phase === 'tls' && any === '')) return r('tls', 'blocked', `TLS failed: ${(err as Error)?.message ?? ''}`);
  if (any === 'ERR_INVALID_URL' || any === 'ERR_INVALID_ARG_VALUE') return r('error', 'config', `bad route: ${(err as Error).message}`);
  return r('error', 'blocked', `${phase} failed: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * The message key for `outcome` at `place`, and the class when the place changes it: a refused
 * connection to a proxy on this machine cannot be the censor's doing (nothing on the network sees
 * loopback), so it is the proxy not running, which only the user can fix (`config`); off loopback a
 * censor can refuse too (`blocked`).
 */
function diagnose(outcome: RouteFailure, err: unknown, place: HopPlace): { key: Key; cls?: FailureClass } | undefined {
  const proxy = place.hop !== 'center';
  const cert = CERT_CODES.test(codeOf(err));
  switch (outcome) {
    case 'refused':
      if (!proxy) return { key: 'transport.center.refused' };
      return place.proxy && isLoopbackHost(place.proxy.hostname) ? { key: 'transport.proxy.not-running', cls: 'config' } : { key: 'transport.proxy.unreachable' };
    case 'timeout':
      return { key: proxy ? 'transport.proxy.timeout' : 'transport.center.timeout' };
    case 'reset':
      return { key: proxy ? 'transport.proxy.reset' : 'transport.center.reset' };
    case 'dns':
      return { key: proxy ? 'transport.proxy.dns' : 'transport.center.dns' };
    case 'tls':
      if (proxy) return { key: cert ? 'transport.proxy.bad-certificate' : 'transport.proxy.tls' };
      return { key: cert ? 'transport.center.bad-certificate' : 'transport.center.tls' };
    case 'bad-receipt':
      return { key: 'transport.receipt.bad' };
    default:
      return undefined;
  }
}

/**
 * Classifies an error thrown during the attempt's `phase` (`connect`, `tls`, `request`,
 * `receipt`, `attempt`). A RouteError passes through, given the hop the tunnel noted if it has
 * none; any other error gets its outcome word and, when the hop is known, a message that names it.
 */
export function classify(err: unknown, phase: string): RouteError {
  const place = placeOf(err, phase);
  if (err instanceof RouteError) return place && err.hop === undefined ? withHop(err, place) : err;
  const { outcome, cls, message } = bare(err, phase);
  const d = outcome === 'cancelled' || !place ? undefined : diagnose(outcome, err, place);
  if (!d) return new RouteError(outcome, cls, message, { cause: err, ...(place && outcome !== 'cancelled' ? { hop: place.hop } : {}) });
  return routeError(outcome, d.cls ?? cls, d.key, place!.proxy ? { proxy: place!.proxy.host } : {}, { cause: err, hop: place!.hop });
}
