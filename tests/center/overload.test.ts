/**
 * An intake that stays up under connection floods (issue 6, finding 6): idle and slow
 * connections are shed before busy ones, a connection beyond capacity gets `503 overloaded` with
 * `Retry-After` instead of a reset, and one client address holds at most its share.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { createIntakeServer, type IntakeLimits, type IntakeServer } from '../../src/center/server.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/center/sqlite-store.js';
import { CENTER, envelope, makeCenter, post, token, trackSockets, type TestCenter } from '../fixtures/center-helpers.js';
import { bodyOf, headerOf, hold, rawPost, seen, statusOf, type Held } from '../fixtures/center-flood.js';

const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);
const CA = readFileSync(new URL('ca.pem', TLS_DIR), 'utf8');

let center: TestCenter;
beforeAll(async () => {
  center = await makeCenter();
});
afterAll(async () => {
  await center.cleanup();
});

interface Running {
  readonly server: IntakeServer;
  readonly store: SqliteStore;
  readonly url: URL;
  readonly sockets: ReturnType<typeof trackSockets>;
}

let running: Running[] = [];
let held: Held[] = [];
let agents: Agent[] = [];
let n = 0;

async function start(limits: IntakeLimits, store: Partial<SqliteStoreOptions> = {}, tls = false): Promise<Running> {
  const s = await openSqliteStore({ path: join(center.dir, `overload-${n++}.sqlite`), ...store });
  const server = createIntakeServer({
    store: s,
    signer: center.signer,
    center: CENTER,
    limits,
    log: (line) => expect.fail(`unexpected log line: ${line}`),
    ...(tls ? { tls: { cert: readFileSync(new URL('center.pem', TLS_DIR)), key: readFileSync(new URL('center-key.pem', TLS_DIR)) } } : {}),
  });
  const sockets = trackSockets(server);
  const r = { server, store: s, url: await server.listen('127.0.0.1', 0), sockets };
  running.push(r);
  return r;
}

function agent(from: string, tls = false): Agent {
  const a = new Agent({ localAddress: from, ...(tls ? { connect: { ca: CA, servername: 'localhost' } } : {}) });
  agents.push(a);
  return a;
}

/**
 * Holds `count` connections, each sending `send`, and waits until the server has seen them all
 * (with `busy`, until it has read each one's request head).
 */
async function flood(r: Running, count: number, opts: Parameters<typeof hold>[1] = {}, busy = false): Promise<Held[]> {
  const arrived = seen(r.server, count, busy ? 'request' : opts.tls ? 'secureConnection' : 'connection');
  const hs = await Promise.all(Array.from({ length: count }, () => hold(r.url, opts)));
  held.push(...hs);
  await arrived;
  return hs;
}

function eh(env: Uint8Array): Buffer {
  return createHash('sha256').update(env).digest();
}

/** An honest POST over `via`: must get 200 and a receipt that verifies. */
async function honest(r: Running, via?: Agent): Promise<void> {
  const env = envelope();
  const a = await post(r.url, env, token(), via);
  expect(a.status).toBe(200);
  verifyReceipt(a.json<{ receipt: string }>().receipt, { center: CENTER, logKey: center.logKey, eh: eh(env) });
}

function expectOverloaded(h: Held): void {
  expect(statusOf(h.data())).toBe(503);
  expect(Number(headerOf(h.data(), 'retry-after'))).toBeGreaterThanOrEqual(1);
  expect(headerOf(h.data(), 'connection')).toBe('close');
  expect(bodyOf(h.data())).toEqual({ error: 'overloaded', message: expect.any(String) });
}

afterEach(async () => {
  for (const h of held) h.socket.destroy();
  await Promise.all(agents.map((a) => a.destroy()));
  for (const r of running) {
    await r.server.close();
    await r.sockets.allClosed();
    await r.store.close();
  }
  running = [];
  held = [];
  agents = [];
});

const HEAD_ONLY = 'POST /v1/envelopes HTTP/1.1\r\nHost: intake\r\n';

describe('more idle connections than the cap (issue 6, finding 6)', () => {
  it.each<[string, Parameters<typeof hold>[1]]>([
    ['silent', {}],
    ['with half a request head (slowloris)', { send: HEAD_ONLY }],
    ['kept alive after a request', { send: 'GET /healthz HTTP/1.1\r\nHost: intake\r\n\r\n' }],
  ])('%s: an honest POST still gets its receipt, and the shed ones a 503, not a reset', async (_name, send) => {
    const r = await start({ maxConnections: 20, maxConnectionsPerClient: 0, idleGraceMs: 0 });
    const idle = await flood(r, 25, { ...send, from: '127.0.0.5' });
    await honest(r);
    // 25 + 1 connections for 20 places: the 6 oldest idle ones were shed, each with an answer.
    const shed = idle.slice(0, 6);
    await Promise.all(shed.map((h) => h.closed));
    for (const h of shed) {
      const answers = h.data().split(/(?=HTTP\/1\.1 )/);
      expectOverloaded({ ...h, data: () => answers.at(-1)! });
      expect(await h.closed).toBe('end');
    }
    expect(r.server.connections().served).toBeLessThanOrEqual(20);
  });

  it('connections idle for less than idleGraceMs are not shed: a burst is first come, first served', async () => {
    const r = await start({ maxConnections: 3, maxConnectionsPerClient: 0, idleGraceMs: 60_000 });
    const idle = await flood(r, 3);
    const a = await post(r.url, envelope(), token());
    expect(a.status).toBe(503);
    expect(a.json()).toEqual({ error: 'overloaded', message: expect.any(String) });
    expect(idle.every((h) => h.data() === '')).toBe(true);
  });

  it('over TLS as well', async () => {
    const r = await start({ maxConnections: 4, maxConnectionsPerClient: 0, idleGraceMs: 0 }, {}, true);
    const idle = await flood(r, 4, { from: '127.0.0.5', tls: { ca: CA, servername: 'localhost' } });
    await honest(r, agent('127.0.0.1', true));
    expect(await idle[0]!.closed).toBe('end');
    expectOverloaded(idle[0]!);
  });
});

describe('more busy connections than the cap', () => {
  it('a flood of POSTs beyond capacity: each gets 200 or 503 with Retry-After, none a reset', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    // maxQueue below the connection cap, as serve sets it, so that a full queue answers 503.
    const r = await start({ maxConnections: 20, maxConnectionsPerClient: 0 }, { maxQueue: 10, beforeCommit: () => blocked });
    // Three times the cap, as the red team's 3,000 POSTs for 1,024 places.
    const envs = Array.from({ length: 60 }, () => envelope());
    const arrived = seen(r.server, 60);
    const clients = await Promise.all(envs.map((e) => hold(r.url, { send: rawPost(e, token()) })));
    held.push(...clients);
    await arrived;
    // Everything but the 10 queued ones is answered while the store is still blocked.
    let answered = 0;
    await new Promise<void>((resolve) => {
      for (const c of clients) {
        void c.closed.then(() => {
          if (++answered === 50) resolve();
        });
      }
    });
    release();
    const how = await Promise.all(clients.map((c) => c.closed));
    expect(how.every((h) => h === 'end')).toBe(true);
    const statuses = clients.map((c) => statusOf(c.data()));
    expect(statuses.filter((s) => s === 503)).toHaveLength(50);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    clients.forEach((c, i) => {
      if (statusOf(c.data()) === 503) return expectOverloaded(c);
      verifyReceipt((bodyOf(c.data()) as { receipt: string }).receipt, { center: CENTER, logKey: center.logKey, eh: eh(envs[i]!) });
    });
  });

  it('slow bodies are shed before a busy connection is refused', async () => {
    const r = await start({ maxConnections: 3, maxConnectionsPerClient: 0, sheddableBodyMs: 0 });
    const slow = await flood(r, 3, { from: '127.0.0.5', send: `${HEAD_ONLY}Sealpost-Token: ${token()}\r\nContent-Length: 1073\r\n\r\nxx` }, true);
    await honest(r);
    expect(await slow[0]!.closed).toBe('end');
    expectOverloaded(slow[0]!);
  });

  it('over TLS, a connection beyond capacity gets a 503 over TLS', async () => {
    const r = await start({ maxConnections: 2, maxConnectionsPerClient: 0 }, {}, true);
    const tls = { ca: CA, servername: 'localhost' };
    await flood(r, 2, { tls, send: `${HEAD_ONLY}Sealpost-Token: ${token()}\r\nContent-Length: 1073\r\n\r\nxx` }, true);
    const a = await post(r.url, envelope(), token(), agent('127.0.0.1', true));
    expect(a.status).toBe(503);
    expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(a.json()).toEqual({ error: 'overloaded', message: expect.any(String) });
  });
});

describe('connections per client address', () => {
  const SLOW_BODY = `${HEAD_ONLY}Sealpost-Token: ${token()}\r\nContent-Length: 1073\r\n\r\nxx`;

  it('the N+1-th busy connection of one address gets 503; another address is still served', async () => {
    const r = await start({ maxConnections: 50, maxConnectionsPerClient: 4 });
    await flood(r, 4, { send: SLOW_BODY }, true);
    const fifth = await flood(r, 1, { send: rawPost(envelope(), token()) });
    expect(await fifth[0]!.closed).toBe('end');
    expectOverloaded(fifth[0]!);
    await honest(r, agent('127.0.0.5'));
  });

  it('a refused request waiting for 100 Continue gets its 503 at once', async () => {
    const r = await start({ maxConnections: 50, maxConnectionsPerClient: 1 });
    await flood(r, 1, { send: SLOW_BODY }, true);
    const waiting = await flood(r, 1, { send: `${HEAD_ONLY}Sealpost-Token: ${token()}\r\nContent-Length: 1073\r\nExpect: 100-continue\r\n\r\n` });
    expect(await waiting[0]!.closed).toBe('end');
    expect(waiting[0]!.data()).not.toContain('100 Continue');
    expectOverloaded(waiting[0]!);
  });

  it('an address at its cap with idle connections: its oldest idle one makes room', async () => {
    const r = await start({ maxConnections: 50, maxConnectionsPerClient: 4, idleGraceMs: 0 });
    const idle = await flood(r, 4, { from: '127.0.0.5' });
    await honest(r, agent('127.0.0.5'));
    expect(await idle[0]!.closed).toBe('end');
    expectOverloaded(idle[0]!);
  });

  it('can be turned off (behind a reverse proxy): 0 means no cap per address', async () => {
    const r = await start({ maxConnections: 50, maxConnectionsPerClient: 0 });
    const busy = await flood(r, 8, { send: SLOW_BODY }, true);
    await honest(r);
    expect(busy.every((h) => h.data() === '')).toBe(true);
  });

  it('defaults to 64 per address', async () => {
    const r = await start({ maxConnections: 200 });
    await flood(r, 64, { send: SLOW_BODY }, true);
    const over = await flood(r, 1, { send: rawPost(envelope(), token()) });
    expect(await over[0]!.closed).toBe('end');
    expectOverloaded(over[0]!);
  });
});
