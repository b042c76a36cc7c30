/**
 * Route sessions (issue 8, bench/relay): many deliveries over one keep-alive stream, each receipt
 * verified by deliver(); a 4xx keeps the stream; a stream the center closed while idle is retried
 * once on a new one (the keep-alive race); an abort closes the socket at once; close() leaves none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer as createHttp, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { deliver } from '../../src/transport/deliver.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { RouteSession } from '../../src/transport/session.js';
import { Cancelled } from '../../src/transport/outcome.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { countingRelay } from '../harness/relay.js';


async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

let c: TestCenter;
beforeAll(async () => {
  c = await startCenter();
});
afterAll(async () => {
  await c.close();
});

const center = () => ({ name: c.center.name, logKey: c.center.logKey });
const seal = () => sealEnvelope(new TextEncoder().encode(`{"n":${Math.random()}}`), c.center.boxKey);

describe('RouteSession', () => {
  it('delivers 30 envelopes over one connection, each receipt verified, and leaves no socket after close', async () => {
    const relay = await countingRelay(c.url);
    const route = parseRoute({ id: 'r', kind: 'direct', url: relay.url });
    const session = new RouteSession(route);
    try {
      const receipts = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const d = await deliver(seal(), randomBytes(16), route, { center: center(), signal: AbortSignal.timeout(5000), session });
        receipts.add(d.receipt);
        expect(d.fields.center).toBe(c.center.name);
      }
      expect(receipts.size).toBe(30);
      expect(relay.accepted()).toBe(1);
      expect(session.opened).toBe(1);
    } finally {
      session.close();
    }
    await relay.idle();
    await relay.close();
  });

  it('a receipt signed by another key is a failed attempt over a session too (deliver verifies it)', async () => {
    const other = await startCenter();
    try {
      const route = parseRoute({ id: 'o', kind: 'direct', url: other.url.href });
      const session = new RouteSession(route);
      const env = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
      await expect(deliver(env, randomBytes(16), route, { center: center(), signal: AbortSignal.timeout(5000), session })).rejects.toMatchObject({ name: 'RouteError' });
      session.close();
    } finally {
      await other.close();
    }
  });

  it('a 4xx answer keeps the stream; a stream closed by the server before the next answer is retried once on a new one', async () => {
    const perSocket = new Map<Socket, number>();
    let connections = 0;
    const server = createHttp((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      // The keep-alive race: the third request on a stream finds it closed by the server.
      if (n === 3) return void req.socket.destroy();
      req.resume().on('end', () => res.writeHead(n === 1 ? 404 : 200, { 'content-type': 'text/plain' }).end(`n=${n}`));
    });
    server.on('connection', () => connections++);
    const url = await listen(server);
    const session = new RouteSession(parseRoute({ id: 'h', kind: 'direct', url }));
    try {
      const get = () => session.request({ method: 'GET', path: 'healthz' }, AbortSignal.timeout(5000));
      expect((await get()).status).toBe(404);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect([third.status, third.body.toString()]).toEqual([404, 'n=1']);
      expect(session.opened).toBe(2);
      expect(connections).toBe(2);
    } finally {
      session.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('an abort mid-request rejects at once as cancelled and closes the socket; the next request opens a new stream', async () => {
    let hang = true;
    const server = createHttp((req, res) => {
      if (hang) return void req.resume(); // never answers
      req.resume().on('end', () => res.end('ok'));
    });
    const closed: Promise<void>[] = [];
    server.on('connection', (s: Socket) => closed.push(new Promise((r) => s.on('close', () => r()))));
    const url = await listen(server);
    const session = new RouteSession(parseRoute({ id: 'h', kind: 'direct', url }));
    try {
      const ctl = new AbortController();
      const p = session.request({ method: 'GET', path: 'healthz' }, ctl.signal);
      server.once('request', () => ctl.abort(new Cancelled()));
      await expect(p).rejects.toMatchObject({ outcome: 'cancelled' });
      await closed[0];
      hang = false;
      expect((await session.request({ method: 'GET', path: 'healthz' }, AbortSignal.timeout(5000))).body.toString()).toBe('ok');
      expect(session.opened).toBe(2);
    } finally {
      session.close();
      await Promise.all(closed);
      server.close();
    }
  });
});
