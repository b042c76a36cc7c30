/**
 * Issue 6 finding 1: a route with its own proxy, while the user gives one, is chained: user proxy
 * → route proxy → center. The route proxy's name goes to the user's proxy (no local lookup, checked
 * by the DNS spy), an https:// route proxy gets its TLS inside the first tunnel, and a hang at the
 * second hop ends at the deadline with no socket left at either proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { deliver } from '../../src/transport/deliver.js';
import { parseProxyUrl, parseRoute, throughProxy } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterRequest, slowConnectProxy, TEST_CA, tlsConnectProxy, tlsPair, type Peer } from '../harness/censor.js';
import { installDnsSpy } from '../harness/dns-spy.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';

let c: TestCenter;
let userSocks: SocksProxy;
const userSocksPeers: number[] = [];
let routeTls: Peer;

beforeAll(async () => {
  c = await startCenter();
  userSocks = await socksProxy((p) => userSocksPeers.push(p));
  routeTls = await tlsConnectProxy(tlsPair('center'));
});
afterAll(async () => {
  await userSocks.close();
  await routeTls.close();
  await c.close();
});

function send(route: ReturnType<typeof parseRoute>, signal: AbortSignal) {
  const envelope = sealEnvelope(new TextEncoder().encode('{}'), c.center.boxKey);
  return deliver(envelope, randomBytes(16), route, { center: { name: c.center.name, logKey: c.center.logKey }, signal });
}

describe('chained routes (user proxy → route proxy → center)', () => {
  it('socks5h user proxy → https:// route proxy named by host name → center: delivered, no local lookup', async () => {
    const spy = installDnsSpy(['localhost']);
    try {
      const own = parseRoute({ id: 'hp', kind: 'http-proxy', url: c.url.toString(), proxy: `https://localhost:${routeTls.port}`, ca: TEST_CA });
      const route = throughProxy(own, parseProxyUrl(`socks5h://127.0.0.1:${userSocks.port}`), 1);
      expect(route).toMatchObject({ id: 'hp+proxy-1' });
      const before = userSocksPeers.length;
      const receipt = await send(route, AbortSignal.timeout(5000));
      expect(receipt.fields.index).toBeGreaterThanOrEqual(0);
      expect(spy.names).toEqual([]);
      expect(userSocksPeers.length).toBe(before + 1);
      expect(routeTls.accepted()).toBeGreaterThanOrEqual(1);
    } finally {
      spy.restore();
    }
  });

  it('a route proxy that stalls behind the user proxy: rejected at the deadline, no socket left at either', async () => {
    const user = await slowConnectProxy(0);
    const stalled = await hangAfterRequest();
    try {
      const own = parseRoute({ id: 's', kind: 'socks', url: c.url.toString(), proxy: `socks5h://127.0.0.1:${stalled.port}` });
      const route = throughProxy(own, parseProxyUrl(`http://127.0.0.1:${user.port}`), 1);
      const t0 = performance.now();
      const err = await send(route, AbortSignal.timeout(300)).catch((e: unknown) => e);
      const ms = performance.now() - t0;
      expect(err).toMatchObject({ outcome: 'timeout' });
      expect(ms).toBeLessThan(350);
      await stalled.firstData; // the SOCKS greeting reached it through the user's proxy
      await Promise.all([user.idle(), stalled.idle()]);
      expect([user.open(), stalled.open()]).toEqual([0, 0]);
    } finally {
      await user.close();
      await stalled.close();
    }
  });
});
