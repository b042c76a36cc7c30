/**
 * Which connections the intake serves when there are too many (issue 6, finding 6).
 *
 * Node's `server.maxConnections` destroys a connection beyond the cap, and a client reads that
 * reset as censorship (it cools the route down for 180 s). Instead the intake counts connections
 * itself: at the cap (or at one client's share of it) it first sheds a connection that has been
 * idle for `idleGraceMs` — open with no request in flight: silent, kept alive, or with half a
 * request head — oldest first, then a request whose body has been arriving for longer than
 * `sheddableBodyMs`; a request being stored and signed is never shed. When nothing can be shed,
 * the new connection is refused: its first request is answered `503 overloaded` with
 * `Retry-After` (spec 7), then it is closed. A shed idle connection gets the same 503 written as it
 * is closed, so a request that crossed it on the wire gets an answer too.
 *
 * The grace keeps a burst first come, first served: connections that arrived a moment ago are
 * about to send their request, and shedding them for the next arrivals would only churn.
 * Refused and shed connections get `overloadGraceMs` to read their answer and go, up to
 * `CLOSING_FACTOR` times `maxConnections` of them; beyond that a new connection is dropped.
 *
 * Client addresses are held only as map keys while connected, never logged (spec 7).
 */
import type { ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { clientKey } from './client-key.js';

/** The intake's connection caps (issue 6, finding 6): beyond them, idle connections are shed, then new ones get 503. */
export interface AdmissionLimits {
  /** Connections served at most. */
  readonly maxConnections: number;
  /** Connections served at most per client address (an IPv6 /64); 0 = no such cap. */
  readonly maxConnectionsPerClient: number;
  /** A connection idle for this long may be shed (ms). */
  readonly idleGraceMs: number;
  /** A request body that has been arriving for this long may be shed (ms). */
  readonly sheddableBodyMs: number;
  /** How long a refused or shed connection may take to get its 503 and close (ms). */
  readonly overloadGraceMs: number;
}

/** How the server treats a connection's requests. */
export type Fate = 'served' | 'refused' | 'shed';

export interface Conn {
  /** The TCP socket. */
  readonly socket: Socket;
  readonly key: string;
  /** The socket HTTP runs on: the TCP socket, or for HTTPS its TLS socket once secure. */
  http: Socket | undefined;
  fate: Fate;
  /** When it last became idle (performance.now()). */
  idleSince: number;
  /** Requests in flight (HTTP/1.1 pipelining allows several). */
  active: number;
  /** The response of the request whose body is being read, and since when. */
  reading: ServerResponse | undefined;
  readingSince: number;
}

export interface AdmissionCounts {
  /** Connections being served. */
  readonly served: number;
  /** Refused and shed connections on their way out. */
  readonly closing: number;
}

/**
 * Refused and shed connections on their way out, at most, per connection served: each costs a
 * socket and a parser until its 503 is out. With 4, a burst of three times the cap (3,000 POSTs
 * for 1,024 places in issue 6) is all answered.
 */
const CLOSING_FACTOR = 4;

export class Admission {
  readonly #lim: AdmissionLimits;
  readonly #tls: boolean;
  /** The raw HTTP/1.1 `503 overloaded` answer written on a shed idle connection. */
  readonly #answer: string;
  /** Answers `503 overloaded` on a response in progress (a shed slow body). */
  readonly #answerResponse: (res: ServerResponse) => void;
  readonly #conns = new WeakMap<Socket, Conn>();
  /** Served connections with no request in flight, in the order they became idle. */
  readonly #idle = new Set<Conn>();
  /** Served connections reading a request body, in the order the reads began. */
  readonly #reading = new Set<Conn>();
  readonly #perClient = new Map<string, number>();
  readonly #closing = new Set<Socket>();
  /** HTTPS only: TCP connections by peer address and port, to find a TLS socket's connection. */
  readonly #byPeer = new Map<string, Conn>();
  #served = 0;

  constructor(lim: AdmissionLimits, opts: { tls: boolean; answer: string; answerResponse: (res: ServerResponse) => void }) {
    this.#lim = lim;
    this.#tls = opts.tls;
    this.#answer = opts.answer;
    this.#answerResponse = opts.answerResponse;
  }

  /**
   * Puts admission in front of the server's own connection handling: Node's listeners of
   * `connection` (and for HTTPS `secureConnection`) run only through it.
   */
  install(server: Server): void {
    const wrap = (event: 'connection' | 'secureConnection', fn: (s: Socket, next: (s: Socket) => void) => void) => {
      const inner = server.listeners(event) as ((s: Socket) => void)[];
      server.removeAllListeners(event);
      const next = (s: Socket) => {
        for (const l of inner) l.call(server, s);
      };
      server.on(event, (s: Socket) => fn(s, next));
    };
    wrap('connection', (s, next) => this.#connection(s, next));
    if (this.#tls) wrap('secureConnection', (s, next) => this.#secure(s, next));
  }

  counts(): AdmissionCounts {
    return { served: this.#served, closing: this.#closing.size };
  }

  /** A request began on `socket` (its HTTP socket). Undefined for a socket admission never saw. */
  requestStarted(socket: Socket): Conn | undefined {
    const c = this.#conns.get(socket);
    if (c && c.active++ === 0) this.#idle.delete(c);
    return c;
  }

  /** Its response is done (or the connection is gone). */
  requestEnded(c: Conn): void {
    if (--c.active === 0 && c.fate === 'served' && !c.socket.destroyed) {
      c.idleSince = performance.now();
      this.#idle.add(c);
    }
  }

  bodyStarted(c: Conn, res: ServerResponse): void {
    if (c.fate !== 'served') return;
    c.reading = res;
    c.readingSince = performance.now();
    this.#reading.add(c);
  }

  bodyEnded(c: Conn): void {
    c.reading = undefined;
    this.#reading.delete(c);
  }

  /** On server close: the refused and shed connections need not be waited for. */
  closeAll(): void {
    for (const s of this.#closing) s.destroy();
  }

  #connection(socket: Socket, next: (s: Socket) => void): void {
    const perClient = this.#lim.maxConnectionsPerClient;
    const key = perClient > 0 ? clientKey(socket.remoteAddress) : '';
    const full =
      (perClient > 0 && (this.#perClient.get(key) ?? 0) >= perClient && !this.#shedOne(key)) ||
      (this.#served >= this.#lim.maxConnections && !this.#shedOne(undefined));
    if (full && this.#closing.size >= CLOSING_FACTOR * this.#lim.maxConnections) {
      socket.destroy(); // the last resort: CLOSING_FACTOR times the cap already on their way out
      return;
    }
    const c: Conn = {
      socket,
      key,
      http: this.#tls ? undefined : socket,
      fate: full ? 'refused' : 'served',
      idleSince: performance.now(),
      active: 0,
      reading: undefined,
      readingSince: 0,
    };
    this.#conns.set(socket, c);
    const peer = this.#tls ? `${socket.remoteAddress}|${socket.remotePort}` : '';
    if (this.#tls) this.#byPeer.set(peer, c);
    socket.once('close', () => this.#gone(c, peer));
    if (full) this.#linger(c);
    else {
      this.#served++;
      if (perClient > 0) this.#perClient.set(key, (this.#perClient.get(key) ?? 0) + 1);
      this.#idle.add(c);
    }
    next(socket);
  }

  #secure(tlsSocket: Socket, next: (s: Socket) => void): void {
    const c = this.#byPeer.get(`${tlsSocket.remoteAddress}|${tlsSocket.remotePort}`);
    if (c) {
      c.http = tlsSocket;
      this.#conns.set(tlsSocket, c);
    }
    next(tlsSocket);
  }

  /** Sheds the oldest idle connection, else the oldest slow body, of `key` (any when undefined). */
  #shedOne(key: string | undefined): boolean {
    const now = performance.now();
    for (const c of this.#idle) {
      if (c.idleSince > now - this.#lim.idleGraceMs) break; // in idle order: the rest are younger
      if (key !== undefined && c.key !== key) continue;
      this.#release(c);
      const s = c.http;
      if (s && s.writable) s.end(this.#answer);
      else c.socket.destroy(); // a TLS handshake not finished: no way to answer
      this.#linger(c);
      return true;
    }
    const before = now - this.#lim.sheddableBodyMs;
    for (const c of this.#reading) {
      if (c.readingSince > before) break; // in start order: the rest are younger still
      if (key !== undefined && c.key !== key) continue;
      const res = c.reading!;
      this.#release(c);
      this.#answerResponse(res);
      this.#linger(c);
      return true;
    }
    return false;
  }

  /** No longer served: out of the counts and the idle and reading lists. */
  #release(c: Conn): void {
    c.fate = 'shed';
    this.#served--;
    if (this.#lim.maxConnectionsPerClient > 0) {
      const n = (this.#perClient.get(c.key) ?? 1) - 1;
      if (n > 0) this.#perClient.set(c.key, n);
      else this.#perClient.delete(c.key);
    }
    this.#idle.delete(c);
    this.#reading.delete(c);
    c.reading = undefined;
  }

  #linger(c: Conn): void {
    this.#closing.add(c.socket);
    const timer = setTimeout(() => c.socket.destroy(), this.#lim.overloadGraceMs);
    timer.unref();
    c.socket.once('close', () => clearTimeout(timer));
  }

  #gone(c: Conn, peer: string): void {
    if (c.fate === 'served') this.#release(c);
    this.#closing.delete(c.socket);
    if (this.#tls) this.#byPeer.delete(peer);
  }
}
