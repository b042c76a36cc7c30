/**
 * One HTTP/1.1 exchange over a socket we opened ourselves: undici does HTTP on it, we keep
 * control of dialing, TLS, and cancellation (issue 3 design). Never the global fetch.
 */
import type { Duplex } from 'node:stream';
// undici's index loads fetch, WebSocket, caches and more (about 130 ms at start-up here); a
// one-shot CLI needs only its HTTP/1.1 Client and the `request` function that the index attaches
// to every dispatcher (about 50 ms).
import Client from 'undici/lib/dispatcher/client.js';
import type { Client as UndiciClient } from 'undici';
import apiRequest from 'undici/lib/api/api-request.js';
import { raceSignal } from './deadline.js';

/** Clients read at most 64 KiB of an answer (spec 7). */
export const MAX_ANSWER = 64 * 1024;

/** An HTTP answer from the center over a route: its status, headers and at most 64 KiB of body. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge' as const;
  readonly code = 'ERR_ANSWER_TOO_LARGE';
}

type Init = { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array };

/** One request on `client` for `url`; reads at most MAX_ANSWER bytes of the answer. */
async function send(client: UndiciClient, url: URL, init: Init, signal: AbortSignal): Promise<HttpAnswer> {
  const res = await apiRequest.call(client, {
    path: url.pathname + url.search,
    method: init.method,
    headers: { host: url.host, ...init.headers },
    ...(init.body ? { body: init.body } : {}),
    signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER) {
      res.body.destroy();
      throw new AnswerTooLarge(`answer larger than ${MAX_ANSWER} bytes`);
    }
    chunks.push(chunk);
  }
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
}

/** An undici Client that runs on `socket` only: a second connect (the socket gone) fails. */
function clientOn(socket: Duplex, origin: string, keepAliveMs: number): UndiciClient {
  let given = false;
  return new Client(origin, {
    // undici expects the connector's callback asynchronously (as its own connector does after
    // 'connect'); a synchronous call leaves the request queued forever.
    connect: (_opts, cb) =>
      setImmediate(() => {
        if (given) return cb(new StreamGone('the route stream is closed'), null);
        given = true;
        cb(null, socket as never);
      }),
    pipelining: 1,
    keepAliveTimeout: keepAliveMs,
    keepAliveMaxTimeout: keepAliveMs,
    headersTimeout: 0, // the caller's signal is the deadline
    bodyTimeout: 0,
  });
}

/** The stream of a keep-alive connection closed before this request could use it (safe to retry on a new one). */
export class StreamGone extends Error {
  override name = 'StreamGone' as const;
  readonly code = 'ERR_STREAM_GONE';
}

/**
 * Sends one request on `socket` (already connected, TLS done) for `url` and reads the answer,
 * at most MAX_ANSWER bytes. The socket is always destroyed at the end: one attempt, one socket.
 * Rejects with the signal's reason when it aborts.
 */
export async function exchange(socket: Duplex, url: URL, init: Init, signal: AbortSignal): Promise<HttpAnswer> {
  const client = clientOn(socket, url.origin, 1);
  const kill = () => {
    socket.destroy();
    void client.destroy().catch(() => {});
  };
  try {
    return await raceSignal(send(client, url, init, signal), signal, kill);
  } finally {
    kill();
  }
}

/**
 * HTTP/1.1 keep-alive on one stream we opened (issue 8: a flush sends thousands of envelopes over
 * one route): requests run one after another on it (pipelining 1). Any error or abort destroys
 * the stream; so does an answer with `Connection: close`. Idle longer than `keepAliveMs` (below
 * the center's 5 s keep-alive) it closes itself rather than race the server's close.
 */
export class KeepAlive {
  readonly #socket: Duplex;
  readonly #client: UndiciClient;
  readonly #origin: string;
  #closed = false;

  constructor(socket: Duplex, origin: string, keepAliveMs = 4_000) {
    this.#socket = socket;
    this.#origin = origin;
    this.#client = clientOn(socket, origin, keepAliveMs);
    socket.once('close', () => this.close());
  }

  /** False once the stream is closed (by either end, an error or an abort). */
  get open(): boolean {
    return !this.#closed && !this.#socket.destroyed;
  }

  /** One request; rejects with the signal's reason when it aborts (the stream is then closed). */
  async request(url: URL, init: Init, signal: AbortSignal): Promise<HttpAnswer> {
    if (!this.open) throw new StreamGone('the route stream is closed');
    if (url.origin !== this.#origin) throw new RangeError('another origin than the stream\'s');
    try {
      const answer = await raceSignal(send(this.#client, url, init, signal), signal, () => this.close());
      const conn = answer.headers.connection;
      if (typeof conn === 'string' && /\bclose\b/i.test(conn)) this.close();
      return answer;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Destroys the stream (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    void this.#client.destroy().catch(() => {});
  }
}
