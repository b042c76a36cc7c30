/**
 * The bench baseline (issue 7, point 7): bench/race-agents-client.ts is what a user would write with
 * undici and the card's proxy agents. On loopback these tests keep it honest (it delivers over a
 * SOCKS route and a pinned mirror, with a receipt that verifies),
 * and pin the README's claim with today's versions (https-proxy-agent 9.1.0, socks-proxy-agent
 * 10.1.0, undici 7.30.2): against a proxy that never answers, the caller's deadline does not end
 * the attempt and the socket stays open at the proxy, where sealpost's own tunnel rejects within
 * the deadline + 50 ms and leaves none. If an upgrade fixes the agents, the claim tests fail: then
 * the README's "why sealpost tunnels for itself" needs rewriting (bench/race-agents-stall.ts).
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { envelopeId, sealEnvelope } from '../../src/crypto/envelope.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { post, type RouteSpec } from '../../bench/race-agents-client.js';
import { settled, tryDeliver } from '../harness/attempt.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { hangAfterRequest, TEST_CA } from '../harness/censor.js';
import { installDnsSpy, type DnsSpy } from '../harness/dns-spy.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';

const DEADLINE = 300;
let c: TestCenter;
let socks: SocksProxy;
let spy: DnsSpy | undefined;

beforeAll(async () => {
  c = await startCenter({ tls: true });
  socks = await socksProxy();
});
afterEach(() => {
  spy?.restore();
  spy = undefined;
});
afterAll(async () => {
  await socks.close();
  await c.close();
});

const envelope = () => Buffer.from(sealEnvelope(new TextEncoder().encode('{"test":true}'), c.center.boxKey));
const verify = (receipt: string, env: Buffer) => verifyReceipt(receipt, { center: c.center.name, logKey: c.center.logKey, eh: envelopeId(env) });
const port = () => Number(c.url.port);

it('delivers over a socks route, the name resolved at the proxy, with a receipt that verifies', async () => {
  spy = installDnsSpy(['localhost']);
  const env = envelope();
  const route: RouteSpec = { id: 's', kind: 'socks', url: `https://localhost:${port()}/`, proxy: `socks5h://127.0.0.1:${socks.port}`, ca: TEST_CA };
  expect(verify(await post(route, env), env).center).toBe('center.test');
  expect(spy.saw('localhost')).toBe(false);
});

it('delivers over a mirror pinned to an address its name does not resolve to', async () => {
  // Node asks the lookup with `all: true` when it races address families: the pin must answer both forms.
  spy = installDnsSpy(['center.test']);
  const env = envelope();
  const route: RouteSpec = { id: 'm', kind: 'mirror', url: `https://center.test:${port()}/`, connect: `127.0.0.1:${port()}`, ca: TEST_CA };
  expect(verify(await post(route, env), env).center).toBe('center.test');
  expect(spy.saw('center.test')).toBe(false);
});

/** Starts `attempt` against a proxy that never answers; where things stand at the deadline + 50 ms. */
async function atDeadline(attempt: (proxyPort: number, signal: AbortSignal) => Promise<unknown>) {
  const proxy = await hangAfterRequest();
  const t0 = performance.now();
  let doneMs: number | null = null;
  const done = attempt(proxy.port, AbortSignal.timeout(DEADLINE)).then(
    () => (doneMs = performance.now() - t0),
    () => (doneMs = performance.now() - t0),
  );
  await proxy.firstData;
  // The quantity measured is what has happened by this time, so a timer it is.
  await new Promise((r) => setTimeout(r, DEADLINE + 50 - (performance.now() - t0)));
  return { proxy, done, doneMs: () => doneMs, open: proxy.open() };
}

const agentCases: [string, RouteSpec['kind'], (p: number) => string][] = [
  ['https-proxy-agent', 'http-proxy', (p) => `http://127.0.0.1:${p}`],
  ['socks-proxy-agent', 'socks', (p) => `socks5h://127.0.0.1:${p}`],
];
for (const [name, kind, proxyUrl] of agentCases) {
  it(`${name} under undici: a proxy that never answers outlives the caller's deadline, its socket open`, async () => {
    const r = await atDeadline((p, signal) => post({ id: 'a', kind, url: `https://localhost:${port()}/`, proxy: proxyUrl(p), ca: TEST_CA }, envelope(), signal));
    expect(r.doneMs()).toBeNull();
    expect(r.open).toBe(1);
    await r.proxy.close(); // the agent's socket closes from the far end, and only then does the call end
    await r.done;
  });
}

it("sealpost's own tunnel, against the same proxy: rejected within the deadline + 50 ms, no socket left", async () => {
  const r = await atDeadline((p, signal) =>
    tryDeliver(c, parseRoute({ id: 'h', kind: 'http-proxy', url: `https://localhost:${port()}/`, proxy: `http://127.0.0.1:${p}`, ca: TEST_CA }), {}, signal),
  );
  await r.done;
  expect(r.doneMs()).toBeLessThanOrEqual(DEADLINE + 50);
  await settled(r.proxy);
  await r.proxy.close();
});
