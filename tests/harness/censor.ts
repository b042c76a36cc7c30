/**
 * A censorship harness on loopback, one behaviour per helper (issue 3): each is a real server on
 * 127.0.0.1 that misbehaves the way a censor or a lying route does. Every helper counts its live
 * sockets so tests can assert that a cancelled attempt left nothing open (checked at the server).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
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
