/**
 * The intake's HTTP server (spec 7): `POST /v1/envelopes` stores an envelope durably and only
 * then answers with a receipt signed by the log key (spec 4); `GET /healthz`.
 *
 * It never logs a body or a client address (spec 5, 7), and never crashes on input: malformed
 * HTTP, slow clients, aborted and oversized bodies each end in a 4xx or a closed connection.
 */
import { hash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { t } from '../i18n/index.js';
import { receiptBody } from '../crypto/receipt.js';
import { envelopeShapeError, MAX_ENVELOPE } from '../crypto/sizes.js';
import { parseToken, readBody } from './http-body.js';
import type { ReceiptSigner } from './signer.js';
import { OverloadedError, type IntakeStore } from './store.js';

export interface IntakeLimits {
  /** Whole request head, from the first byte (Node `headersTimeout`). Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Whole request, head and body (Node `requestTimeout`). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Longest pause between two body chunks. Default 10 s. */
  readonly bodyIdleTimeoutMs?: number;
  /** How often Node checks the two timeouts above (`connectionsCheckingInterval`). Default 1 s. */
  readonly checkIntervalMs?: number;
  /** Idle keep-alive connections are closed after this. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Largest request head in bytes (`maxHeaderSize`). Default 8 KiB. */
  readonly maxHeaderSize?: number;
  /** Open connections at most; more are closed at once (`server.maxConnections`). Default 1024. */
  readonly maxConnections?: number;
  /** On close(), how long in-flight requests may finish before their connections are cut. Default 5 s. */
  readonly closeGraceMs?: number;
  /**
   * The listen backlog (capped by the kernel's somaxconn). Default 2048: Node's 511 drops the SYNs
   * of a burst of new connections, which then wait seconds for their retransmission.
   */
  readonly backlog?: number;
}

export interface IntakeServerOptions {
  readonly store: IntakeStore;
  /**
   * The log key's signer (a `NoteSigner`, or a `ThreadpoolNoteSigner` to sign off the event
   * loop); its name must be `<center>/log`.
   */
  readonly signer: ReceiptSigner;
  readonly center: string;
  readonly limits?: IntakeLimits;
  /** PEM certificate chain and key: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Operational log lines (default: stderr). Never given a body or a client address. */
  readonly log?: (line: string) => void;
  /** The signed route list published at `GET /v1/routes` (spec 6, 7), or none (404). */
  readonly routeList?: string;
}

export interface IntakeServer {
  /** Starts listening; resolves with the base URL (the real port, a trailing slash). */
  listen(host: string, port: number): Promise<URL>;
  /** Stops accepting, lets in-flight requests finish (up to `closeGraceMs`), then resolves. */
  close(): Promise<void>;
  /** The underlying Node server (tests count its connections). */
  readonly server: http.Server;
}

const DEFAULTS: Required<IntakeLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderSize: 8 * 1024,
  maxConnections: 1024,
  closeGraceMs: 5_000,
  backlog: 2048,
};

const ENVELOPES = '/v1/envelopes';
const HEALTHZ = '/healthz';
const ROUTES = '/v1/routes';

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function send(res: ServerResponse, status: number, body: string, type: string, headers: readonly string[] = []): void {
  if (res.headersSent || res.destroyed) return;
  // A flat [name, value, ...] list: the cheapest form for Node on the hot path.
  res.writeHead(status, ['content-type', type, 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store', ...headers]);
  res.end(body);
}

const CLOSE = ['connection', 'close'] as const;

/** `{"error": code, "message": English}` (spec 7). `close` ends the connection after the answer. */
function fail(res: ServerResponse, status: number, code: string, opts: { close?: boolean; headers?: readonly string[] } = {}): void {
  const body = JSON.stringify({ error: code, message: t(`center.error.${code}`, {}, 'en') });
  send(res, status, body, 'application/json', [...(opts.headers ?? []), ...(opts.close ? CLOSE : [])]);
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** The answer to a request Node could not parse (or a timed-out one), written on the raw socket. */
function clientErrorAnswer(err: NodeJS.ErrnoException, socket: Socket): void {
  // As Node's own default: answer unless a response has started on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent) {
    socket.destroy();
    return;
  }
  const [status, code] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout']
        : [400, 'bad-request'];
  const body = JSON.stringify({ error: code, message: t(`center.error.${code}`, {}, 'en') });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
  socket.destroySoon();
}

export function createIntakeServer(opts: IntakeServerOptions): IntakeServer {
  const lim = { ...DEFAULTS, ...opts.limits };
  const { store, signer, center } = opts;
  if (signer.name !== `${center}/log`) throw new RangeError(`the signer must be ${center}/log, not ${signer.name}`);
  const log = opts.log ?? ((line: string) => process.stderr.write(`sealpost: ${line}\n`));
  let closing = false;

  const nodeOpts: http.ServerOptions = {
    headersTimeout: lim.headersTimeoutMs,
    requestTimeout: Math.max(lim.requestTimeoutMs, lim.headersTimeoutMs),
    connectionsCheckingInterval: lim.checkIntervalMs,
    keepAliveTimeout: lim.keepAliveTimeoutMs,
    maxHeaderSize: lim.maxHeaderSize,
  };
  const server: http.Server = opts.tls
    ? https.createServer({ ...nodeOpts, cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: lim.headersTimeoutMs })
    : http.createServer(nodeOpts);
  server.maxConnections = lim.maxConnections;
  server.keepAliveTimeout = lim.keepAliveTimeoutMs;

  async function intake(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    // Spec 7: a declared length above the largest envelope is refused before any body byte is read.
    if (Number(req.headers['content-length'] ?? 0) > MAX_ENVELOPE) return fail(res, 413, 'too-large', { close: true });
    if (expectContinue) res.writeContinue();
    const read = await readBody(req, MAX_ENVELOPE, lim.bodyIdleTimeoutMs);
    if (read.kind === 'too-large') return fail(res, 413, 'too-large', { close: true });
    if (read.kind === 'idle') return fail(res, 408, 'timeout', { close: true });
    if (read.kind === 'aborted') return;
    const envelope = read.body;
    const shape = envelopeShapeError(envelope);
    if (shape) return fail(res, 400, shape);
    const token = parseToken(req.headers['sealpost-token']);
    if (!token) return fail(res, 400, 'bad-token');

    // One-shot hashing (crypto.hash) is markedly cheaper than createHash on this hot path.
    const eh = hash('sha256', envelope, 'buffer');
    const idem = hash('sha256', Buffer.concat([token, eh], 48), 'buffer');
    let entry;
    try {
      entry = await store.append({ idem, eh, envelope });
    } catch (err) {
      if (err instanceof OverloadedError) {
        return fail(res, 503, 'overloaded', { headers: ['retry-after', String(err.retryAfterSeconds)] });
      }
      log(t('center.log.store-failed', { message: err instanceof Error ? err.message : String(err) }, 'en'));
      return fail(res, 500, 'internal');
    }
    // Signed only now that the entry is durable (spec 4). Deterministic, so a retry with the same
    // token gets the byte-identical receipt, also after a restart.
    const receipt = entry.receipt ?? (await signer.sign(receiptBody({ center, eh, blind: entry.blind, index: entry.index, hour: entry.hour })));
    send(res, 200, JSON.stringify({ id: eh.toString('hex'), receipt }), 'application/json', closing ? CLOSE : []);
  }

  async function route(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    req.on('error', () => {});
    res.on('error', () => {});
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    // A body we do not read ends the connection: Node would otherwise drain it, unbounded.
    const close = hasBody(req) || closing;
    if (path === ENVELOPES) {
      if (req.method === 'POST') return intake(req, res, expectContinue);
      return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'POST'] });
    }
    if (path === ROUTES) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'GET, HEAD'] });
      if (opts.routeList === undefined) return fail(res, 404, 'no-route-list', { close });
      return send(res, 200, opts.routeList, 'text/plain; charset=utf-8', close ? CLOSE : []);
    }
    if (path === HEALTHZ) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        return send(res, 200, 'ok\n', 'text/plain; charset=utf-8', close ? CLOSE : []);
      }
      return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'GET, HEAD'] });
    }
    return fail(res, 404, 'not-found', { close });
  }

  const handle = (expectContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    route(req, res, expectContinue).catch((err: unknown) => {
      log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
      fail(res, 500, 'internal', { close: true });
    });
  };
  server.on('request', handle(false));
  // Answer `Expect: 100-continue` ourselves, so an oversized body is refused before it is sent.
  server.on('checkContinue', handle(true));
  server.on('clientError', clientErrorAnswer);
  server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());

  return {
    server,
    listen(host, port) {
      return new Promise<URL>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen({ host, port, backlog: lim.backlog }, () => {
          server.off('error', onError);
          // Errors after listening (e.g. EMFILE on accept) must not crash the process.
          server.on('error', (err) => log(`server error: ${err.message}`));
          const addr = server.address();
          if (addr === null || typeof addr === 'string') return reject(new Error('server has no TCP address'));
          const h = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
          resolve(new URL(`${opts.tls ? 'https' : 'http'}://${h}:${addr.port}/`));
        });
      });
    },
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const grace = setTimeout(() => server.closeAllConnections(), lim.closeGraceMs);
        grace.unref();
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}
