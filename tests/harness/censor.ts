/**
 * A censorship harness on loopback, one behaviour per helper (issue 3): each is a real server on
 * 127.0.0.1 that misbehaves the way a censor or a lying route does. Every helper counts its live
 * sockets so tests can assert that a cancelled attempt left nothing open (checked at the server).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createConnection, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Peer {
  readonly port: number;
  readonly url: string;
  /** Sockets accepted so far. */
  accepted(): number;
  /** Sockets open now. */
  open(): number;
  /** Resolves when no socket is open (at once if none). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function track(server: Server, scheme: 'http' | 'https'): Promise<Peer> {
  const live = new Set<Socket>();
  let accepted = 0;
  let waiters: (() => void)[] = [];
  const onConn = (s: Socket) => {
    accepted++;
    live.add(s);
    s.on('error', () => {});
    s.on('close', () => {
      live.delete(s);
      if (live.size === 0) {
        for (const w of waiters) w();
        waiters = [];
      }
    });
  };
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', onConn);
  if (scheme === 'https') server.on('connection', (s: Socket) => s.on('error', () => {}));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        url: `${scheme}://127.0.0.1:${port}/`,
        accepted: () => accepted,
        open: () => live.size,
        idle: () => (live.size === 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
        close: () =>
          new Promise<void>((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Accepts TCP and never answers: a blackhole as the client sees it after a SYN-ACK. */
export function hangAfterAccept(): Promise<Peer> {
  // Reads and discards what comes (so it notices the client's close) but never answers.
  return track(createNetServer((s) => s.resume()), 'http');
}

/** Accepts, reads the first bytes (a TLS ClientHello or a request line), then resets (RST). */
export function resetAfterHello(): Promise<Peer> {
  const server = createNetServer((s) => {
    s.once('data', () => s.resetAndDestroy());
  });
  return track(server, 'http');
}

const here = (f: string) => fileURLToPath(new URL(`../fixtures/tls/${f}`, import.meta.url));
export const TEST_CA = readFileSync(here('ca.pem'), 'utf8');
export const tlsPair = (name: 'center' | 'other' | 'impostor') => ({
  cert: readFileSync(here(`${name}.pem`), 'utf8'),
  key: readFileSync(here(`${name}-key.pem`), 'utf8'),
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

function withBody(handler: Handler) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  };
}

/** An HTTP server answering every request with `handler` (e.g. 200 with a forged receipt, 503). */
export function answering(handler: Handler): Promise<Peer> {
  const server = createHttpServer({ keepAlive: false }, withBody(handler));
  return track(server, 'http');
}

/** An HTTPS server with the given certificate (the wrong-certificate helper uses `other`). */
export function tlsAnswering(pair: { cert: string; key: string }, handler: Handler): Promise<Peer> {
  const server = createHttpsServer({ ...pair }, withBody(handler));
  return track(server, 'https');
}

// ---- proxies that misbehave (issue 3: the proxy tunnels) ----

/**
 * Accepts TCP, reads, never answers (a proxy that takes the CONNECT or the SOCKS greeting and
 * stalls). `firstData` resolves with the first bytes the client sent: the test knows the client is
 * mid-handshake, and can check what it said.
 */
export function hangAfterRequest(): Promise<Peer & { firstData: Promise<Buffer> }> {
  let got!: (b: Buffer) => void;
  const firstData = new Promise<Buffer>((r) => (got = r));
  const server = createNetServer((s) => {
    s.once('data', (b: Buffer) => got(b));
    s.resume();
  });
  return track(server, 'http').then((peer) => ({ ...peer, firstData }));
}

/**
 * Answers an HTTP CONNECT on `s` after `delayMs`, then relays to the target, which must be on
 * loopback (tests never reach anything else): 403 otherwise, 502 if the target refuses.
 */
function serveConnect(s: Socket, delayMs: number): void {
  s.setNoDelay(true); // as real proxies do: no Nagle + delayed-ACK stall on the small answer
  let head = Buffer.alloc(0);
  const onData = (b: Buffer) => {
    head = Buffer.concat([head, b]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    s.off('data', onData);
    s.pause();
    const m = /^CONNECT (\[[^\]]+\]|[^\s:]+):(\d+) HTTP\/1\.1\r\n/.exec(head.toString('latin1'));
    const rest = head.subarray(end + 4);
    const timer = setTimeout(() => {
      if (s.destroyed) return;
      const host = m?.[1]?.replace(/^\[(.*)\]$/, '$1');
      if (!m || !host || !['127.0.0.1', '::1', 'localhost'].includes(host)) return void s.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      const up = createConnection({ host, port: Number(m[2]), noDelay: true });
      up.once('error', () => s.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      up.once('connect', () => {
        s.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (rest.length) up.write(rest);
        s.pipe(up).pipe(s);
        s.resume();
      });
      s.once('close', () => up.destroy());
    }, delayMs);
    s.once('close', () => clearTimeout(timer));
  };
  s.on('data', onData);
}

/** An HTTP CONNECT proxy that answers only after `delayMs` (then works). */
export function slowConnectProxy(delayMs: number): Promise<Peer> {
  return track(createNetServer((s) => serveConnect(s, delayMs)), 'http');
}

/** A working HTTP CONNECT proxy reached over TLS (an `https://` proxy) with the given certificate. */
export function tlsConnectProxy(pair: { cert: string; key: string }): Promise<Peer> {
  return track(createTlsServer({ ...pair }, (s) => serveConnect(s, 0)), 'https');
}

/** Completes a TLS handshake with the given certificate, then reads and never answers (a stalled https:// proxy). */
export function tlsHangAfterHandshake(pair: { cert: string; key: string }): Promise<Peer> {
  return track(createTlsServer({ ...pair }, (s) => s.resume()), 'https');
}
