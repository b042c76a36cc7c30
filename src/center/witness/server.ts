/**
 * The witness's HTTP server (c2sp.org/tlog-witness): `POST <prefix>add-checkpoint`, the prefix being
 * the path of the witness's URL (`/` here). Bad input never crashes it: a malformed, oversized or
 * slow request ends in a 4xx with a one-line reason (text/plain), or a closed connection.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { clientErrorAnswer } from '../answers.js';
import { readBody } from '../http-body.js';
import { englishText, type messages } from './messages.js';
import type { Witness } from './witness.js';

/** A request body holds at most 63 proof lines and a note of at most 100 signatures: 64 KiB is ample. */
export const MAX_BODY = 64 * 1024;
const BODY_IDLE_MS = 10_000;
const CLOSE_GRACE_MS = 5_000;
const MAX_CONNECTIONS = 512;

function answer(res: ServerResponse, status: number, type: string, body: string, extra: readonly string[] = []): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, ['content-type', type, 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store', ...extra]);
  res.end(body);
}

function refuse(res: ServerResponse, status: number, key: keyof typeof messages, params: Record<string, string | number> = {}, extra: readonly string[] = []): void {
  answer(res, status, 'text/plain; charset=utf-8', `${englishText(key, params)}\n`, extra);
}

async function handle(witness: Witness, req: IncomingMessage, res: ServerResponse, onError: (err: unknown) => void): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/add-checkpoint') return refuse(res, 404, 'center.witness.not-found');
  if (req.method !== 'POST') return refuse(res, 405, 'center.witness.method', {}, ['allow', 'POST']);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return refuse(res, 413, 'center.witness.too-large', { max: MAX_BODY }, ['connection', 'close']);
  const got = await readBody(req, MAX_BODY, BODY_IDLE_MS);
  if (got.kind === 'too-large') return refuse(res, 413, 'center.witness.too-large', { max: MAX_BODY }, ['connection', 'close']);
  if (got.kind === 'idle') return refuse(res, 408, 'center.witness.timeout', {}, ['connection', 'close']);
  if (got.kind === 'aborted') return;
  try {
    const a = await witness.add(got.body);
    answer(res, a.status, a.type, a.body);
  } catch (err) {
    onError(err);
    refuse(res, 500, 'center.witness.internal');
  }
}

/** A listening witness server. */
export interface WitnessServer {
  /** The witness's URL (its submission prefix), with the real port and a trailing slash. */
  readonly url: URL;
  /** Stops accepting, lets the requests in flight finish (their state is written), then closes. */
  close(): Promise<void>;
}

/**
 * Serves `witness` on `host:port` (port 0 picks one).
 * @param onError where a failure to store the state is reported (the client gets a 500)
 * @throws the listen error (EADDRINUSE, ...) as Node gives it
 */
export async function listenWitness(witness: Witness, host: string, port: number, onError: (err: unknown) => void): Promise<WitnessServer> {
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000, maxHeaderSize: 8192, keepAliveTimeout: 5_000 }, (req, res) => {
    void handle(witness, req, res, onError).catch((err: unknown) => {
      onError(err);
      refuse(res, 500, 'center.witness.internal');
    });
  });
  // Logs call rarely (a checkpoint every few seconds at most): a cap keeps a flood from taking every descriptor.
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => clientErrorAnswer(err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = new URL(`http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/`);
  let closed: Promise<void> | undefined;
  return {
    url,
    close() {
      closed ??= new Promise<void>((resolve) => {
        // A slow client must not hold the close forever: cut what is left after a grace period.
        const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => witness.idle());
      return closed;
    },
  };
}
