/**
 * One HTTP request to the center over one route: tunnel (direct TCP or through a proxy) → TLS for
 * https URLs (the route's SNI, pinned address and trust anchors) → undici on that socket. Shared by
 * delivery, route-list updates and probes, so every request honours the same route rules: in
 * particular a proxied route never dials the center itself.
 *
 * `onHeard` is called when the far end shows it is alive (a proxy's handshake answered, the
 * center's TLS handshake done), for the race's pacing (src/transport/race/race.ts).
 *
 * Contract: resolves with the answer (any status), or rejects with a RouteError (classified by the
 * phase that failed: connect, tls, request). The caller's signal cancels at once and destroys the
 * socket; per-phase timers are a backstop.
 */
import type { Duplex } from 'node:stream';
import { phase } from './deadline.js';
import { upgradeTls } from './tunnel/dial.js';
import { exchange, type HttpAnswer } from './http.js';
import { classify } from './outcome.js';
import type { Route } from './routes/route.js';
import { bareHost } from './host.js';
import { openTunnel } from './tunnel/tunnel.js';
import { fragmentStream } from './strategy/fragment.js';

/** Backstop timeouts of one attempt's phases, in ms (the caller's AbortSignal is the deadline). */
export interface PhaseTimeouts {
  /** TCP connect, or reaching the server through a proxy (proxy handshake included). */
  readonly connect: number;
  /** The TLS handshake with the center. */
  readonly tls: number;
  /** From sending the request to a complete answer. */
  readonly receipt: number;
}

export const DEFAULT_TIMEOUTS: PhaseTimeouts = { connect: 10_000, tls: 10_000, receipt: 30_000 };

/** One HTTP request to the center, relative to a route's base URL. */
export interface RouteRequest {
  readonly method: 'GET' | 'POST';
  /** Relative to the route's base URL, e.g. `v1/envelopes`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
}

/**
 * Opens the route's stream to the center: tunnel, then TLS for https (the route's SNI, pinned
 * address and trust anchors). Shared by one-shot requests and keep-alive sessions (session.ts).
 * @throws RouteError classified by the phase that failed (connect, tls); the stream is destroyed
 */
export async function openRouteStream(route: Route, signal: AbortSignal, timeouts: Partial<PhaseTimeouts> = {}, onHeard?: () => void): Promise<Duplex> {
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  let step = 'connect';
  let p = phase(signal, step, t.connect);
  let stream: Duplex | undefined;
  try {
    stream = await openTunnel(route, p.signal);
    p.done();
    // A proxy that answered its handshake has reached the center for us (a SOCKS5 success or a
    // CONNECT 2xx comes only once it connected onward): the route is alive. A bare TCP accept is
    // not a sign of life; a censor fakes it cheaply (issue 6, finding 3).
    if (route.proxy) onHeard?.();
    if (route.url.protocol === 'https:') {
      step = 'tls';
      p = phase(signal, step, t.tls);
      const name = route.servername ?? bareHost(route.url.hostname);
      // The race entry's TLS strategy (issue 12): the ClientHello re-framed or split on its way.
      if (route.strategy?.tls.steps.length) stream = fragmentStream(stream, route.strategy.tls, name);
      stream = await upgradeTls(stream, { servername: name, identity: name, ...(route.ca ? { ca: route.ca } : {}) }, p.signal);
      p.done();
      onHeard?.();
    }
    return stream;
  } catch (err) {
    stream?.destroy();
    // The phase signal's reason says whether the phase ran out or the caller cancelled.
    throw classify(p.signal.aborted ? p.signal.reason : err, step);
  } finally {
    p.done();
  }
}

export async function requestOverRoute(
  route: Route,
  req: RouteRequest,
  signal: AbortSignal,
  timeouts: Partial<PhaseTimeouts> = {},
  onHeard?: () => void,
): Promise<HttpAnswer> {
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const stream = await openRouteStream(route, signal, t, onHeard);
  const p = phase(signal, 'request', t.receipt);
  try {
    return await exchange(stream, new URL(req.path, route.url), req, p.signal);
  } catch (err) {
    stream.destroy();
    throw classify(p.signal.aborted ? p.signal.reason : err, 'request');
  } finally {
    p.done();
  }
}
