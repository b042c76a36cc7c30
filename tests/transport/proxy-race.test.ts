/**
 * Issue 3 acceptance, proxy cases: a proxy answering 407, a SOCKS server refusing the connect, a
 * slow proxy and a stalled one. The race moves on at once for fast failures, after the stagger
 * delay otherwise; the right failure class is recorded; the winner cancels the losers and no
 * socket of theirs stays open (checked at the proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Server as ProxyChain } from 'proxy-chain';
// @ts-expect-error: the package ships no types
import socks from '@mongodb-js/socksv5';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { deliver } from '../../src/transport/deliver.js';
import { race } from '../../src/transport/race/race.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterRequest, slowConnectProxy, type Peer } from '../harness/censor.js';

let c: TestCenter;
let chain: ProxyChain;
let goodSocks: number;
let denySocks: number;
const socksServers: { close(cb: () => void): void }[] = [];

async function socksServer(decide: (info: { dstPort: number }, accept: (i?: boolean) => import('node:net').Socket | undefined, deny: () => void) => void) {
  const server = socks.createServer(decide);
  server.useAuth(socks.auth.None());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  socksServers.push(server);
  return (server.address() as { port: number }).port as number;
}

beforeAll(async () => {
  c = await startCenter();
  chain = new ProxyChain({ port: 0, host: '127.0.0.1', prepareRequestFunction: ({ username }) => ({ requestAuthentication: username !== 'ok' }) });
  await chain.listen();
  goodSocks = await socksServer((info, accept) => {
    const client = accept(true);
    if (!client) return;
    const up = connect({ host: '127.0.0.1', port: info.dstPort });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.pipe(up).pipe(client);
  });
  denySocks = await socksServer((_i, _a, deny) => deny());
});
afterAll(async () => {
  await chain.close(true);
  for (const s of socksServers) await new Promise<void>((r) => s.close(() => r()));
  await c.close();
});

const url = () => c.url.toString();
const viaConnect = (id: string, proxy: string) => parseRoute({ id, kind: 'http-proxy', url: url(), proxy });
const viaSocks = (id: string, port: number) => parseRoute({ id, kind: 'socks', url: url(), proxy: `socks5h://127.0.0.1:${port}` });

function run(routes: Route[]) {
  const envelope = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
  const token = randomBytes(16);
  const byId = new Map(routes.map((r) => [r.id, r]));
  return race(routes, (id, signal) => deliver(envelope, token, byId.get(id)!, { center: { name: c.center.name, logKey: c.center.logKey }, signal }));
}

const idle = (p: Peer) => Promise.race([p.idle(), new Promise((_, rej) => setTimeout(() => rej(new Error(`${p.open()} sockets open`)), 1000))]);

describe('racing proxy routes', () => {
  it('a 407 moves on at once and is recorded as a configuration error', async () => {
    const t0 = performance.now();
    const r = await run([viaConnect('auth', `http://nope:x@127.0.0.1:${chain.port}`), viaSocks('good', goodSocks)]);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.winner?.route).toBe('good');
    expect(r.attempts[0]).toMatchObject({ route: 'auth', outcome: 'proxy-auth', error: { failureClass: 'config' } });
  });

  it('a SOCKS server refusing the connect moves on at once (proxy-refused, blocked)', async () => {
    const t0 = performance.now();
    const r = await run([viaSocks('deny', denySocks), viaConnect('good', `http://ok:x@127.0.0.1:${chain.port}`)]);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.winner?.route).toBe('good');
    expect(r.attempts[0]).toMatchObject({ route: 'deny', outcome: 'proxy-refused', error: { failureClass: 'blocked' } });
  });

  it('a slow proxy and a stalled one: the next starts after the stagger delay, the winner cancels them, no socket left', { timeout: 5000 }, async () => {
    const slow = await slowConnectProxy(5000);
    const stalled = await hangAfterRequest();
    const t0 = performance.now();
    const r = await run([
      viaConnect('slow', `http://127.0.0.1:${slow.port}`),
      viaSocks('stalled', stalled.port),
      viaSocks('good', goodSocks),
    ]);
    const ms = performance.now() - t0;
    expect(r.winner?.route).toBe('good');
    // 250 ms, then a delay shortened to 62 ms since neither has been heard from (issue 6, finding 3).
    expect(ms).toBeGreaterThanOrEqual(311);
    expect(ms).toBeLessThan(600);
    expect(r.attempts.map((a) => [a.route, a.outcome])).toEqual([
      ['slow', 'cancelled'],
      ['stalled', 'cancelled'],
      ['good', 'delivered'],
    ]);
    await idle(slow);
    await idle(stalled);
    expect([slow.accepted(), stalled.accepted()]).toEqual([1, 1]);
    await slow.close();
    await stalled.close();
  });
});
