/**
 * One HTTP/1.1 exchange over a socket we opened ourselves: undici does HTTP on it, we keep
 * control of dialing, TLS, and cancellation (issue 3 design). Never the global fetch.
 */
import type { Duplex } from 'node:stream';
// undici's index loads fetch, WebSocket, caches and more (about 130 ms at start-up here); a
// one-shot CLI needs only its HTTP/1.1 Client and the `request` function that the index attaches
// to every dispatcher (about 50 ms).
import Client from 'undici/lib/dispatcher/client.js';
import apiRequest from 'undici/lib/api/api-request.js';
import { raceSignal } from './deadline.js';

/** Clients read at most 64 KiB of an answer (spec 7). */
export const MAX_ANSWER = 64 * 1024;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge' as const;
  readonly code = 'ERR_ANSWER_TOO_LARGE';
}

/**
 * Sends one request on `socket` (already connected, TLS done) for `url` and reads the answer,
 * at most MAX_ANSWER bytes. The socket is always destroyed at the end: one attempt, one socket.
 * Rejects with the signal's reason when it aborts.
 */
export async function exchange(
  socket: Duplex,
  url: URL,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array },
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const client = new Client(url.origin, {
    // undici expects the connector's callback asynchronously (as its own connector does after
    // 'connect'); a synchronous call leaves the request queued forever.
    connect: (_opts, cb) => setImmediate(() => cb(null, socket as never)),
    pipelining: 1,
    keepAliveTimeout: 1,
    headersTimeout: 0, // the caller's signal is the deadline
    bodyTimeout: 0,
  });
  const kill = () => {
    socket.destroy();
    void client.destroy().catch(() => {});
  };
  try {
    const work = (async () => {
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
    })();
    return await raceSignal(work, signal, kill);
  } finally {
    kill();
  }
}
