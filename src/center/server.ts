/**
 * The intake's HTTP server (spec 7): `POST /v1/envelopes` stores an envelope durably and only
 * then answers with a receipt signed by the log key (spec 4); the received log's checkpoint, proofs
 * and tiles (src/center/log/http.ts); `GET /healthz`.
 *
 * It never logs a body or a client address (spec 5, 7), and never crashes on input: malformed
 * HTTP, slow clients, aborted and oversized bodies each end in a 4xx or a closed connection.
 */
import { hash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { englishText } from './messages.js';
import { receiptBody } from '../crypto/receipt.js';
import { envelopeShapeError, MAX_ENVELOPE } from '../crypto/sizes.js';
import { parseToken, readBody } from './http-body.js';
import type { ReceiptSigner } from './signer.js';
import { OverloadedError, type IntakeStore } from './store.js';
import { Admission, type AdmissionCounts, type Conn } from './admission.js';
import { clientErrorAnswer, CLOSE, fail, hasBody, rawAnswer, send } from './answers.js';
import { answerLog, isLogPath, type LogHttp } from './log/http.js';

/** The intake's timeouts and caps (`serve` flags, spec 7); every field has a default. */
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
  /**
   * Connections served at most. Beyond, an idle or slow one is shed, else the new one is answered
   * `503 overloaded` (issue 6, finding 6; see `admission.ts`). Default 1024.
   */
  readonly maxConnections?: number;
  /**
   * Connections served at most per client address (an IPv6 /64), within `maxConnections`.
   * 0 turns it off: behind a reverse proxy every connection comes from the proxy. Default 64.
   */
  readonly maxConnectionsPerClient?: number;
  /**
   * Under overload, a connection idle (silent, kept alive, or with half a request head) for this
   * long may be shed. Default 1 s: a burst of new connections stays first come, first served.
   */
  readonly idleGraceMs?: number;
  /** Under overload, a request body that has been arriving for this long may be shed. Default 2 s. */
  readonly sheddableBodyMs?: number;
  /** How long a refused or shed connection may take to get its 503 and close. Default 3 s. */
  readonly overloadGraceMs?: number;
  /** `Retry-After` of a 503 for a refused or shed connection, seconds. Default 2. */
  readonly retryAfterSeconds?: number;
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
  /** The received log's checkpoint, proofs and tiles (spec 5, 7), or none (404). */
  readonly receivedLog?: LogHttp;
}

export interface IntakeServer {
  /** Starts listening; resolves with the base URL (the real port, a trailing slash). */
  listen(host: string, port: number): Promise<URL>;
  /** Stops accepting, lets in-flight requests finish (up to `closeGraceMs`), then resolves. */
  close(): Promise<void>;
  /** The underlying Node server (tests count its connections). */
  readonly server: http.Server;
  /** Connections served, and refused or shed ones on their way out. */
  connections(): AdmissionCounts;
}

const DEFAULTS: Required<IntakeLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 10_000,
  checkIntervalMs: 1_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderSize: 8 * 1024,
  maxConnections: 1024,
  maxConnectionsPerClient: 64,
  idleGraceMs: 1_000,
  sheddableBodyMs: 2_000,
  overloadGraceMs: 3_000,
  retryAfterSeconds: 2,
  closeGraceMs: 5_000,
  backlog: 2048,
};

const ENVELOPES = '/v1/envelopes';
const HEALTHZ = '/healthz';
const ROUTES = '/v1/routes';

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
  server.keepAliveTimeout = lim.keepAliveTimeoutMs;
  // A client that half-closes after its request (`nc -q`, some HTTP/1.0 tools) still gets its
  // answer: by default Node aborts the request on the client's FIN, and the client sees a close
  // with no answer, which it reads as a reset (issue 6: a reset cools the route down).
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  const retryAfter = ['retry-after', String(lim.retryAfterSeconds)];
  const admission = new Admission(lim, {
    tls: opts.tls !== undefined,
    answer: rawAnswer(503, 'overloaded', `retry-after: ${lim.retryAfterSeconds}\r\n`),
    answerResponse: (res) => fail(res, 503, 'overloaded', { close: true, headers: retryAfter }),
  });
  admission.install(server);

  async function intake(req: IncomingMessage, res: ServerResponse, expectContinue: boolean, conn: Conn | undefined): Promise<void> {
    // Spec 7: a declared length above the largest envelope is refused before any body byte is read.
    if (Number(req.headers['content-length'] ?? 0) > MAX_ENVELOPE) return fail(res, 413, 'too-large', { close: true });
    if (expectContinue) res.writeContinue();
    if (conn) admission.bodyStarted(conn, res);
    const read = await readBody(req, MAX_ENVELOPE, lim.bodyIdleTimeoutMs);
    if (conn) {
      admission.bodyEnded(conn);
      if (conn.fate === 'shed') return; // answered 503 while its body was still arriving
    }
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
        // Closed too: a client told to come back later need not hold a place meanwhile.
        return fail(res, 503, 'overloaded', { close: true, headers: ['retry-after', String(err.retryAfterSeconds)] });
      }
      log(englishText('center.log.store-failed', { message: err instanceof Error ? err.message : String(err) }));
      return fail(res, 500, 'internal');
    }
    // Signed only now that the entry is durable (spec 4). Deterministic, so a retry with the same
    // token gets the byte-identical receipt, also after a restart.
    const receipt = entry.receipt ?? (await signer.sign(receiptBody({ center, eh, blind: entry.blind, index: entry.index, hour: entry.hour })));
    send(res, 200, JSON.stringify({ id: eh.toString('hex'), receipt }), 'application/json', closing ? CLOSE : []);
  }

  /**
   * A request on a connection refused under overload: `503 overloaded`, after its body is read
   * (up to the largest envelope), so that closing does not reset a client still sending. A client
   * waiting for `100 Continue` has sent no body: it is answered at once.
   */
  async function refuse(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    if (!expectContinue && Number(req.headers['content-length'] ?? 0) <= MAX_ENVELOPE && hasBody(req)) {
      if ((await readBody(req, MAX_ENVELOPE, lim.bodyIdleTimeoutMs)).kind === 'aborted') return;
    }
    fail(res, 503, 'overloaded', { close: true, headers: retryAfter });
  }

  async function route(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): Promise<void> {
    req.on('error', () => {});
    res.on('error', () => {});
    const conn = admission.requestStarted(req.socket);
    if (conn) {
      res.once('close', () => admission.requestEnded(conn));
      if (conn.fate === 'shed') {
        req.resume(); // already answered 503 as it was shed; read on so the close is no reset
        return;
      }
      if (conn.fate === 'refused') return refuse(req, res, expectContinue);
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    // A body we do not read ends the connection: Node would otherwise drain it, unbounded.
    const close = hasBody(req) || closing;
    if (path === ENVELOPES) {
      if (req.method === 'POST') return intake(req, res, expectContinue, conn);
      return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'POST'] });
    }
    if (path === ROUTES) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method-not-allowed', { close, headers: ['allow', 'GET, HEAD'] });
      if (opts.routeList === undefined) return fail(res, 404, 'no-route-list', { close });
      return send(res, 200, opts.routeList, 'text/plain; charset=utf-8', close ? CLOSE : []);
    }
    if (opts.receivedLog && isLogPath(path)) return answerLog(req, res, path, q < 0 ? '' : url.slice(q + 1), opts.receivedLog, close);
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
  // Any other expectation: 417 as every error, in JSON (issue 6, finding 7; RFC 9110 10.1.1).
  server.on('checkExpectation', expectationFailed);
  server.on('clientError', clientErrorAnswer);
  server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());

  function expectationFailed(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => {});
    res.on('error', () => {});
    const conn = admission.requestStarted(req.socket);
    if (conn) res.once('close', () => admission.requestEnded(conn));
    if (conn?.fate === 'shed') return void req.resume();
    fail(res, 417, 'expectation-failed', { close: hasBody(req) || closing });
  }

  return {
    server,
    connections: () => admission.counts(),
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
        admission.closeAll();
      });
    },
  };
}
