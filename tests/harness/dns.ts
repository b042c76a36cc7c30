/**
 * Encrypted DNS resolvers on loopback for tests (issue 12): a DoH server (node:https, RFC 8484 POST
 * /dns-query) and a DoT server (node:tls, 2-byte length prefix, RFC 7858), both with the `other.test`
 * certificate of the test CA, answering with bytes the test crafts by hand. Each counts the
 * queries it got, so a test can prove that none was made.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Server, Socket } from 'node:net';
import { tlsPair } from './censor.js';

export const RESOLVER_NAME = 'other.test';

/** A name in uncompressed wire form. */
export function nameBytes(name: string): Buffer {
  const parts: Buffer[] = [];
  if (name !== '') for (const l of name.split('.')) parts.push(Buffer.from([l.length]), Buffer.from(l, 'latin1'));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** One resource record; `name` is a name in dotted form or raw owner bytes (e.g. a pointer `c0 0c`). */
export function rr(name: string | Buffer, type: number, ttl: number, rdata: Buffer, cls = 1): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(cls, 2);
  head.writeUInt32BE(ttl, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([typeof name === 'string' ? nameBytes(name) : name, head, rdata]);
}

export const a = (ip: string) => Buffer.from(ip.split('.').map(Number));
export const aaaa = (hex: string) => Buffer.from(hex, 'hex');

export interface ParsedQuery {
  readonly id: number;
  /** As sent (not lowercased). */
  readonly name: string;
  readonly type: number;
  /** The question section's bytes, to echo. */
  readonly question: Buffer;
  readonly raw: Buffer;
}

/** Reads a client's query (uncompressed, one question). */
export function parseQuery(raw: Buffer): ParsedQuery {
  let p = 12;
  const labels: string[] = [];
  while (raw[p]! !== 0) {
    labels.push(raw.toString('latin1', p + 1, p + 1 + raw[p]!));
    p += 1 + raw[p]!;
  }
  const end = p + 1 + 4;
  return { id: raw.readUInt16BE(0), name: labels.join('.'), type: raw.readUInt16BE(p + 1), question: raw.subarray(12, end), raw };
}

export interface AnswerOptions {
  readonly id?: number;
  /** Flags word (default 0x8180: QR, RD, RA) with `rcode` or'd in. */
  readonly flags?: number;
  readonly rcode?: number;
  /** Another question section (default: the query's). */
  readonly question?: Buffer;
  readonly authority?: Buffer[];
  readonly additional?: Buffer[];
}

/** An answer to `q` carrying `answers` in its answer section. */
export function answer(q: ParsedQuery, answers: Buffer[], o: AnswerOptions = {}): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(o.id ?? q.id, 0);
  h.writeUInt16BE((o.flags ?? 0x8180) | (o.rcode ?? 0), 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers.length, 6);
  h.writeUInt16BE(o.authority?.length ?? 0, 8);
  h.writeUInt16BE(o.additional?.length ?? 0, 10);
  return Buffer.concat([h, o.question ?? q.question, ...answers, ...(o.authority ?? []), ...(o.additional ?? [])]);
}

/** What a server answers to one query: bytes (DoH: 200 application/dns-message), or an HTTP answer, or null (never answers). */
export type Reply = Buffer | { status?: number; type?: string; body: Buffer } | null;
export type DnsHandler = (q: ParsedQuery) => Reply;

export interface TestResolver {
  readonly port: number;
  readonly address: string;
  /** Queries received so far. */
  queries(): number;
  /** Names asked so far (as sent). */
  readonly asked: string[];
  /** Sockets open now. */
  open(): number;
  close(): Promise<void>;
}

function serve(server: Server, asked: string[], count: () => number): Promise<TestResolver> {
  const live = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    live.add(s);
    s.on('error', () => {});
    s.on('close', () => live.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        address: `127.0.0.1:${port}`,
        queries: count,
        asked,
        open: () => live.size,
        close: () =>
          new Promise<void>((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** A DoH server: POST /dns-query with an application/dns-message body, answered by `handler`. */
export function dohServer(handler: DnsHandler): Promise<TestResolver> {
  let n = 0;
  const asked: string[] = [];
  const server = createHttpsServer({ ...tlsPair('other') }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/dns-query' || req.headers['content-type'] !== 'application/dns-message') {
        res.writeHead(400).end();
        return;
      }
      n++;
      const q = parseQuery(Buffer.concat(chunks));
      asked.push(q.name);
      const reply = handler(q);
      if (reply === null) return; // never answers (a stalled resolver)
      const r = Buffer.isBuffer(reply) ? { body: reply } : reply;
      res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'application/dns-message', 'content-length': r.body.length }).end(r.body);
    });
  });
  return serve(server, asked, () => n);
}

/**
 * A DoT server: length-prefixed queries on TLS, each answered by `handler` (its bytes framed with
 * their length; `raw` in a reply object is written as it is, to send a lying frame, then the
 * connection ends with `end`; null never answers).
 */
export function dotServer(handler: (q: ParsedQuery) => Buffer | { raw: Buffer; end?: boolean } | null): Promise<TestResolver> {
  let n = 0;
  const asked: string[] = [];
  const server = createTlsServer({ ...tlsPair('other') }, (s: TLSSocket) => {
    let buf = Buffer.alloc(0);
    s.on('error', () => {});
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const q = parseQuery(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        n++;
        asked.push(q.name);
        const reply = handler(q);
        if (reply === null) continue;
        if (!Buffer.isBuffer(reply)) {
          s.write(reply.raw);
          if (reply.end) s.end();
          continue;
        }
        const len = Buffer.alloc(2);
        len.writeUInt16BE(reply.length);
        s.write(Buffer.concat([len, reply]));
      }
    });
  });
  return serve(server, asked, () => n);
}
