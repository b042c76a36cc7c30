/**
 * Bad input never crashes the intake: each case gets its 4xx or a closed connection, nothing is
 * stored, no socket is left open, and the server then still gives a valid POST its receipt.
 * The server runs with short timeouts (hundreds of ms) so that the slow-client cases are quick.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { createIntakeServer, type IntakeServer } from '../../src/center/server.js';
import { openSqliteStore, type SqliteStore } from '../../src/center/sqlite-store.js';
import { CENTER, envelope, makeCenter, post, raw, token, trackSockets, type TestCenter } from '../fixtures/center-helpers.js';

const LIMITS = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  bodyIdleTimeoutMs: 200,
  checkIntervalMs: 25,
  keepAliveTimeoutMs: 2_000,
  maxHeaderSize: 4096,
  maxConnections: 50,
  idleGraceMs: 0,
};

let center: TestCenter;
let store: SqliteStore;
let server: IntakeServer;
let sockets: ReturnType<typeof trackSockets>;
let url: URL;
const logged: string[] = [];

beforeAll(async () => {
  center = await makeCenter();
  store = await openSqliteStore({ path: join(center.dir, 'intake.sqlite') });
  server = createIntakeServer({ store, signer: center.signer, center: CENTER, limits: LIMITS, log: (l) => logged.push(l) });
  sockets = trackSockets(server);
  url = await server.listen('127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await store.close();
  await center.cleanup();
});

let countBefore = 0;
/** How many entries the current case legitimately stores (only the valid chunked one does). */
let storedByCase = 0;
beforeEach(async () => {
  countBefore = await store.count();
  storedByCase = 0;
});

/** After each case: nothing stored by bad input, a valid POST gets its receipt, and no socket is left. */
afterEach(async () => {
  expect(await store.count()).toBe(countBefore + storedByCase);
  const env = envelope();
  const r = await post(url, env, token());
  expect(r.status).toBe(200);
  const f = verifyReceipt(r.json<{ receipt: string }>().receipt, {
    center: CENTER,
    logKey: center.logKey,
    eh: createHash('sha256').update(env).digest(),
  });
  expect(f.index).toBe(countBefore + storedByCase);
  // undici keeps its connection alive: close it from the server, then wait (on close events).
  server.server.closeIdleConnections();
  await sockets.allClosed();
  expect(logged).toEqual([]);
});

const HEAD = (extra: string) => `POST /v1/envelopes HTTP/1.1\r\nHost: intake\r\nSealpost-Token: ${token()}\r\n${extra}\r\n`;

function status(data: string): number {
  return Number(/^HTTP\/1\.1 (\d{3}) /.exec(data)?.[1] ?? 0);
}

describe('envelope checks (spec 7 order: version, length, token)', () => {
  it.each<[string, number, number, string]>([
    ['empty body', 0, 0x01, 'bad-version'],
    ['a wrong version byte', 1073, 0x02, 'bad-version'],
    ['version 0x00 and a wrong length', 1074, 0x00, 'bad-version'],
    ['text', 300, 0x61, 'bad-version'],
    ...[1, 1072, 1074, 4144, 4146, 16432].map((n): [string, number, number, string] => [`${n} bytes`, n, 0x01, 'bad-length']),
  ])('%s (%i bytes, version %i) → 400 %s', async (_name, size, version, code) => {
    const r = await post(url, envelope(size, version), 'not a token');
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({ error: code, message: expect.any(String) });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not base64', 'not a token at all!!!!!'],
    ['15 bytes', Buffer.alloc(15, 7).toString('base64')],
    ['17 bytes', Buffer.alloc(17, 7).toString('base64')],
    ['32 bytes', Buffer.alloc(32, 7).toString('base64')],
    ['no padding', Buffer.alloc(16, 7).toString('base64').replace(/=+$/, '')],
    ['non-canonical trailing bits', `${Buffer.alloc(16, 7).toString('base64').slice(0, 21)}B==`],
    ['URL-safe alphabet', Buffer.alloc(16, 0xfb).toString('base64url') + '=='],
    ['space inside', `${Buffer.alloc(16, 7).toString('base64').slice(0, 10)} ${Buffer.alloc(16, 7).toString('base64').slice(11)}`],
  ])('a %s token → 400 bad-token', async (_name, tok) => {
    const r = await post(url, envelope(), tok);
    expect(r.status).toBe(400);
    expect(r.json().error).toBe('bad-token');
  });

  it('a repeated token header → 400 bad-token', async () => {
    const body = envelope();
    const r = await raw(url, (s) => {
      s.write(`POST /v1/envelopes HTTP/1.1\r\nHost: intake\r\nConnection: close\r\nSealpost-Token: ${token()}\r\nSealpost-Token: ${token()}\r\nContent-Length: ${body.length}\r\n\r\n`);
      s.write(body);
    });
    expect(status(r.data)).toBe(400);
    expect(r.data).toContain('"bad-token"');
  });
});

describe('oversized bodies', () => {
  it.each(['16434', '1000000000'])('Content-Length %s → 413 and the connection closed, no body read', async (len) => {
    // No body byte is ever sent: a server that waited for it would time out (408) instead.
    const r = await raw(url, (s) => s.write(HEAD(`Content-Length: ${len}\r\n`)));
    expect(status(r.data)).toBe(413);
    expect(r.data).toMatch(/connection: close/i);
    expect(r.data).toContain('"too-large"');
    expect(r.how).toBe('end');
  });

  it('Expect: 100-continue with an oversized length → 413 without 100 Continue', async () => {
    const r = await raw(url, (s) => s.write(HEAD('Content-Length: 20000\r\nExpect: 100-continue\r\n')));
    expect(r.data).not.toContain('100 Continue');
    expect(status(r.data)).toBe(413);
  });

  it('a chunked body growing past 16433 bytes → 413 and the connection closed', async () => {
    const r = await raw(url, (s) => {
      s.write(HEAD('Transfer-Encoding: chunked\r\n'));
      // 16434 bytes in small chunks, and no final chunk: the server must stop at the limit.
      const chunk = envelope(1000);
      for (let sent = 0; sent < 16434; sent += 1000) {
        const n = Math.min(1000, 16434 - sent);
        s.write(`${n.toString(16)}\r\n`);
        s.write(chunk.subarray(0, n));
        s.write('\r\n');
      }
    });
    expect(status(r.data)).toBe(413);
    expect(r.data).toContain('"too-large"');
  });

  it('a chunked body of exactly one envelope is accepted', async () => {
    const body = envelope(16433);
    const r = await raw(url, (s) => {
      s.write(HEAD('Transfer-Encoding: chunked\r\nConnection: close\r\n'));
      s.write(`${(8000).toString(16)}\r\n`);
      s.write(body.subarray(0, 8000));
      s.write(`\r\n${(16433 - 8000).toString(16)}\r\n`);
      s.write(body.subarray(8000));
      s.write('\r\n0\r\n\r\n');
    });
    expect(status(r.data)).toBe(200);
    storedByCase = 1;
  });
});

describe('broken and slow clients', () => {
  it('a body that stops halfway (client half-closes) → nothing stored, connection closed', async () => {
    const r = await raw(url, (s) => {
      s.write(HEAD('Content-Length: 1073\r\n'));
      s.write(envelope(500));
      s.end();
    });
    expect([0, 400]).toContain(status(r.data));
  });

  it('a whole POST, then the client half-closes → still its receipt (a close without answer reads as a reset)', async () => {
    const body = envelope();
    const r = await raw(url, (s) => {
      s.write(HEAD(`Content-Length: ${body.length}\r\n`));
      s.end(body);
    });
    expect(status(r.data)).toBe(200);
    expect(r.data).toContain('"receipt"');
    storedByCase = 1;
  });

  it('a body that stops halfway (client resets) → the server lets go of the socket', async () => {
    await raw(url, (s) => {
      s.write(HEAD('Content-Length: 16433\r\n'));
      s.write(envelope(8000), () => s.resetAndDestroy());
    });
    await sockets.allClosed();
  });

  it('a body that pauses → 408 after the idle timeout', async () => {
    const t0 = performance.now();
    const r = await raw(url, (s) => {
      s.write(HEAD('Content-Length: 1073\r\n'));
      s.write(envelope(100));
    });
    expect(status(r.data)).toBe(408);
    expect(r.data).toContain('"timeout"');
    // The idle timer, not the (longer) whole-request timeout, ended it.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LIMITS.bodyIdleTimeoutMs - 5);
    expect(performance.now() - t0).toBeLessThan(LIMITS.requestTimeoutMs - 100);
  });

  /** Sends `head` at once, then `rest` one byte every `every` ms until the server closes. */
  function trickle(head: string, rest: Buffer, every: number) {
    return raw(url, (s) => {
      s.write(head);
      let i = 0;
      const timer = setInterval(() => {
        if (i < rest.length && !s.destroyed) s.write(rest.subarray(i, ++i));
      }, every);
      s.on('close', () => clearInterval(timer));
    });
  }

  it('headers sent one byte at a time → 408 from the headers timeout', async () => {
    const t0 = performance.now();
    const r = await trickle('', Buffer.from(HEAD('Content-Length: 1073\r\n')), 20);
    expect(status(r.data)).toBe(408);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 5);
    expect(performance.now() - t0).toBeLessThan(LIMITS.headersTimeoutMs + 1000);
  });

  it('a body sent one byte at a time → 408 from the request timeout', async () => {
    const t0 = performance.now();
    const r = await trickle(HEAD('Content-Length: 1073\r\n'), envelope(), 20);
    expect(status(r.data)).toBe(408);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 5);
    expect(performance.now() - t0).toBeLessThan(LIMITS.requestTimeoutMs + 1000);
  });

  it('random bytes instead of HTTP → 400 and closed', async () => {
    const r = await raw(url, (s) => s.write(Buffer.from(envelope(2000).map((b) => (b === 0x0a || b === 0x0d ? 0x41 : b)))));
    expect([0, 400]).toContain(status(r.data));
  });

  it('headers above maxHeaderSize → 431 and closed', async () => {
    const r = await raw(url, (s) => s.write(HEAD(`X-Pad: ${'a'.repeat(8000)}\r\nContent-Length: 1073\r\n`)));
    expect(status(r.data)).toBe(431);
  });

  it('keeps connections alive between requests', async () => {
    const r = await raw(url, (s) => {
      s.write('GET /healthz HTTP/1.1\r\nHost: intake\r\n\r\nGET /healthz HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n\r\n');
    });
    expect(r.data.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });

  it('above maxConnections, sheds the oldest idle connection with a 503 and serves the new one (issue 6, finding 6)', async () => {
    const { connect } = await import('node:net');
    const held = await Promise.all(
      Array.from({ length: LIMITS.maxConnections }, () => {
        return new Promise<{ s: import('node:net').Socket; data: string[]; closed: Promise<boolean> }>((resolve) => {
          const s = connect(Number(url.port), '127.0.0.1');
          const data: string[] = [];
          const closed = new Promise<boolean>((done) => s.on('close', (hadError) => done(hadError)));
          // A complete request answered keeps the connection open (keep-alive) and proves it was accepted.
          s.on('data', (d: Buffer) => {
            data.push(d.toString('latin1'));
            if (data.length === 1) resolve({ s, data, closed });
          });
          s.write('GET /healthz HTTP/1.1\r\nHost: intake\r\n\r\n');
        });
      }),
    );
    const extra = await raw(url, (s) => s.write('GET /healthz HTTP/1.1\r\nHost: intake\r\nConnection: close\r\n\r\n'));
    expect(status(extra.data)).toBe(200);
    // The first one kept alive was the oldest idle: answered 503 and closed, not reset.
    expect(await held[0]!.closed).toBe(false);
    const shed = held[0]!.data.join('');
    expect(shed).toMatch(/HTTP\/1\.1 503 .*\r\n[^]*retry-after: \d+\r\n[^]*"overloaded"/);
    for (const h of held) h.s.destroy();
    await sockets.allClosed();
  });

  it('an unknown Expect → 417 in JSON, like every other error (issue 6, finding 7)', async () => {
    const r = await raw(url, (s) => s.write(HEAD('Content-Length: 1073\r\nExpect: something-else\r\n')));
    expect(status(r.data)).toBe(417);
    expect(r.data).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(r.data.slice(r.data.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'expectation-failed', message: expect.any(String) });
  });
});
