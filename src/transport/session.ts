/**
 * Route sessions (issue 8, bench/relay): once a route has delivered, `outbox flush` sends the
 * other envelopes over it, thousands of them. One connection (and TLS handshake) per envelope
 * made the flush CPU-bound at about 1.2 ms an envelope; a session opens the route's stream once
 * (tunnel → TLS, as requestOverRoute does) and runs its requests on it with HTTP/1.1 keep-alive.
 *
 * Contract: `request` resolves with the answer (any status) or rejects with a RouteError
 * classified as requestOverRoute's. Any error or abort closes the stream; the next request opens
 * a new one. A request that fails on a REUSED stream before an answer (the center closed it while
 * idle: the keep-alive race) is sent once more on a new stream: deliveries are idempotent (the
 * same token gets the same receipt, spec 3), and route-list reads are GETs.
 */
import { KeepAlive, StreamGone } from './http.js';
import { classify } from './outcome.js';
import { phase } from './deadline.js';
import { DEFAULT_TIMEOUTS, openRouteStream, type PhaseTimeouts, type RouteRequest } from './request.js';
import type { HttpAnswer } from './http.js';
import type { Route } from './routes/route.js';

/** One keep-alive connection over one route, used by one caller at a time. */
export class RouteSession {
  #conn: KeepAlive | null = null;
  #busy = false;
  #closed = false;
  /** Streams opened so far (tests, the bench). */
  opened = 0;

  constructor(
    readonly route: Route,
    readonly timeouts: Partial<PhaseTimeouts> = {},
  ) {}

  /**
   * One request over the route, on the open stream or a new one.
   * @param signal the request's deadline; aborting it closes the stream at once
   * @throws RouteError (connect, tls, request), as `requestOverRoute` does
   */
  async request(req: RouteRequest, signal: AbortSignal, onHeard?: () => void): Promise<HttpAnswer> {
    if (this.#closed) throw new RangeError('the session is closed');
    if (this.#busy) throw new RangeError('one request at a time per session');
    this.#busy = true;
    try {
      const reused = this.#conn?.open === true;
      try {
        return await this.#once(req, signal, onHeard);
      } catch (err) {
        if (!reused || signal.aborted || this.#closed || !isStreamFailure(err)) throw err;
        return await this.#once(req, signal, onHeard);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #once(req: RouteRequest, signal: AbortSignal, onHeard?: () => void): Promise<HttpAnswer> {
    const t = { ...DEFAULT_TIMEOUTS, ...this.timeouts };
    let conn = this.#conn?.open ? this.#conn : null;
    if (!conn) {
      this.#conn = null;
      const stream = await openRouteStream(this.route, signal, t, onHeard);
      this.opened++;
      conn = new KeepAlive(stream, this.route.url.origin);
      // close() may have run while the stream was opening.
      if (this.#closed) conn.close();
      this.#conn = conn;
    } else {
      onHeard?.();
    }
    const p = phase(signal, 'request', t.receipt);
    try {
      return await conn.request(new URL(req.path, this.route.url), req, p.signal);
    } catch (err) {
      conn.close();
      throw classify(p.signal.aborted ? p.signal.reason : err, 'request');
    } finally {
      p.done();
    }
  }

  /** Closes the stream; no request may follow. */
  close(): void {
    this.#closed = true;
    this.#conn?.close();
    this.#conn = null;
  }
}

/**
 * The stream itself failed before an answer (closed or reset by the far end): the keep-alive race.
 * Not a timeout, an abort, a bad answer or a TLS failure, which a new stream would not cure.
 */
function isStreamFailure(err: unknown): boolean {
  const cause = (err as { cause?: unknown }).cause ?? err;
  if (cause instanceof StreamGone) return true;
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}
