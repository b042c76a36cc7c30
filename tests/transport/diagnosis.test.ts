/**
 * Issue 7, build point 4: a failed attempt says which hop failed (the user's proxy, the route's own
 * proxy, the center) and whether only the user can fix it (`config`) or retrying may help. Real
 * peers on loopback: proxy-chain with Basic auth, the SOCKS5 harness, two centers with their own
 * keys, TLS servers with the wrong certificate; the off-loopback case is classify() alone (tests
 * reach nothing off loopback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Server as ProxyChain } from 'proxy-chain';
import { envelopeIdHex } from '../../src/crypto/envelope.js';
import { receiptBody } from '../../src/crypto/receipt.js';
import { RouteError } from '../../src/errors.js';
import { PhaseTimeout } from '../../src/transport/deadline.js';
import { atHop, Cancelled, classify } from '../../src/transport/outcome.js';
import { parseProxyUrl, parseRoute, throughProxy, type Route } from '../../src/transport/routes/route.js';
import { tryDeliver } from '../harness/attempt.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { answering, hangAfterAccept, TEST_CA, tlsAnswering, tlsPair, type Peer } from '../harness/censor.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';

let c: TestCenter;
let secure: TestCenter;
/** Other keys, same name: what a center file that is outdated (or another deployment's) meets. */
let rekeyed: TestCenter;
let rekeyedTls: TestCenter;
let otherName: TestCenter;
let chain: ProxyChain;
let userSocks: SocksProxy;

beforeAll(async () => {
  [c, secure, rekeyed, rekeyedTls, otherName] = await Promise.all([
    startCenter(),
    startCenter({ tls: true }),
    startCenter(),
    startCenter({ tls: true }),
    startCenter({ tls: true, name: 'other.test' }),
  ]);
  chain = new ProxyChain({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ username, password }) => ({ requestAuthentication: username !== 'u' || password !== 'right' }),
  });
  await chain.listen();
  userSocks = await socksProxy();
});
afterAll(async () => {
  await chain.close(true);
  await userSocks.close();
  await Promise.all([c, secure, rekeyed, rekeyedTls, otherName].map((x) => x.close()));
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** `spec` sent through the user's proxy `proxy` (what `--proxy` makes). */
const viaUser = (spec: Record<string, string>, proxy: string): Route => throughProxy(parseRoute({ id: 'r', kind: 'direct', ...spec } as never), parseProxyUrl(proxy), 1);
const own = (spec: Record<string, string>): Route => parseRoute({ id: 'r', kind: 'direct', ...spec } as never);
/** The first center's identity, whatever route is used: a center file for `c`. */
const asC = (route: Route, ms = {}) => tryDeliver(c, route, ms);

describe('a proxy that is not running', () => {
  it('on this machine: refused at the proxy, a fix for the user (config), "not running" — socks5h and http, the user\'s or the route\'s own', async () => {
    const port = await closedPort();
    const cases: [Route, string][] = [
      [viaUser({ url: c.url.toString() }, `socks5h://127.0.0.1:${port}`), 'proxy'],
      [viaUser({ url: c.url.toString() }, `http://127.0.0.1:${port}`), 'proxy'],
      [own({ kind: 'socks', url: c.url.toString(), proxy: `socks5h://127.0.0.1:${port}` }), 'route-proxy'],
    ];
    for (const [route, hop] of cases) {
      const r = await asC(route);
      expect(r.err).toMatchObject({ outcome: 'refused', failureClass: 'config', hop, key: 'transport.proxy.not-running', params: { proxy: `127.0.0.1:${port}` } });
      expect(r.err?.message).toMatch(/not running/);
    }
  });

  it('off this machine a refusal can be the censor\'s: blocked, and the message does not claim "not running"', () => {
    const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const far = classify(atHop(refused(), { hop: 'proxy', proxy: parseProxyUrl('socks5h://198.51.100.7:1080') }), 'connect');
    expect(far).toMatchObject({ outcome: 'refused', failureClass: 'blocked', hop: 'proxy', key: 'transport.proxy.unreachable' });
    const near = classify(atHop(refused(), { hop: 'proxy', proxy: parseProxyUrl('socks5h://[::1]:9050') }), 'connect');
    expect(near).toMatchObject({ outcome: 'refused', failureClass: 'config', key: 'transport.proxy.not-running', params: { proxy: '[::1]:9050' } });
  });

  it('a direct route refused is the center\'s server, and retrying may help (blocked)', async () => {
    const r = await asC(own({ url: `http://127.0.0.1:${await closedPort()}/` }));
    expect(r.err).toMatchObject({ outcome: 'refused', failureClass: 'blocked', hop: 'center', key: 'transport.center.refused' });
  });

  it('a proxy that accepts and never answers times out at the proxy', async () => {
    const hang: Peer = await hangAfterAccept();
    const r = await asC(viaUser({ url: c.url.toString() }, `socks5h://127.0.0.1:${hang.port}`), { connect: 150 });
    expect(r.err).toMatchObject({ outcome: 'timeout', failureClass: 'blocked', hop: 'proxy', key: 'transport.proxy.timeout' });
    await hang.close();
  });

  it('a cancel or the race\'s deadline is shared by every attempt: never noted with one attempt\'s hop', () => {
    const place = { hop: 'proxy', proxy: parseProxyUrl('socks5h://127.0.0.1:9050') } as const;
    expect(classify(atHop(new Cancelled(), place), 'connect').hop).toBeUndefined();
    expect(classify(atHop(new PhaseTimeout('race', 1000), place), 'connect').hop).toBeUndefined();
    expect(classify(atHop(new PhaseTimeout('connect', 1000), place), 'connect').hop).toBe('proxy');
  });
});

describe('a proxy that wants other credentials', () => {
  it('proxy-auth, config: at the user\'s proxy, or at the route\'s own behind it', async () => {
    const at = `127.0.0.1:${chain.port}`;
    const mine = await asC(viaUser({ url: c.url.toString() }, `http://u:wrong@${at}`));
    expect(mine.err).toMatchObject({ outcome: 'proxy-auth', failureClass: 'config', hop: 'proxy', params: { proxy: at } });
    const behind = throughProxy(own({ kind: 'http-proxy', url: c.url.toString(), proxy: `http://u:wrong@${at}` }), parseProxyUrl(`socks5h://127.0.0.1:${userSocks.port}`), 1);
    const chained = await asC(behind);
    expect(chained.err).toMatchObject({ outcome: 'proxy-auth', failureClass: 'config', hop: 'route-proxy', params: { proxy: at } });
    expect((await asC(viaUser({ url: c.url.toString() }, `http://u:right@${at}`))).ok).toBeDefined();
  });
});

describe('a center whose key is not the center file\'s', () => {
  it('over checked TLS: "signed by another key than your center file\'s", a fix for the user (config), at the center', async () => {
    const r = await asC(own({ url: rekeyedTls.url.toString(), ca: TEST_CA }));
    expect(r.err).toMatchObject({ outcome: 'bad-receipt', failureClass: 'config', hop: 'center', key: 'transport.receipt.other-key' });
    expect(r.err?.message).toMatch(/signed by another key than your center file's/);
    const o = await asC(own({ url: otherName.url.toString(), ca: TEST_CA }));
    expect(o.err).toMatchObject({ outcome: 'bad-receipt', failureClass: 'config', key: 'transport.receipt.other-center', params: { name: 'other.test', center: 'center.test' } });
  });

  it('over plain HTTP anyone on the way could have signed it: blocked, and said so', async () => {
    const r = await asC(own({ url: rekeyed.url.toString() }));
    expect(r.err).toMatchObject({ outcome: 'bad-receipt', failureClass: 'blocked', hop: 'center', key: 'transport.receipt.other-key-unverified' });
  });

  it('a forged or garbage answer stays a plain bad receipt (blocked), even over TLS', async () => {
    const garbage = await tlsAnswering(tlsPair('center'), (_q, res) => res.writeHead(200).end('{"id":"00","receipt":"x"}'));
    const r = await asC(own({ url: `https://127.0.0.1:${garbage.port}/`, ca: TEST_CA }));
    expect(r.err).toMatchObject({ outcome: 'bad-receipt', failureClass: 'blocked', hop: 'center', key: 'transport.receipt.bad' });
    await garbage.close();
    // Our own key's name and hash on a signature that fails: a forgery, not another key.
    const liar = await answering((_q, res, body) => {
      const eh = envelopeIdHex(new Uint8Array(body));
      const text = receiptBody({ center: 'center.test', eh: Buffer.from(eh, 'hex'), blind: randomBytes(16), index: 0, hour: 1 });
      const sig = Buffer.concat([c.center.logKey.keyHash, randomBytes(64)]).toString('base64');
      res.writeHead(200).end(JSON.stringify({ id: eh, receipt: `${text}\n\u2014 center.test/log ${sig}\n` }));
    });
    expect((await asC(own({ url: liar.url }))).err).toMatchObject({ outcome: 'bad-receipt', failureClass: 'blocked', key: 'transport.receipt.bad' });
    await liar.close();
  });
});

describe('TLS to the center', () => {
  it('a certificate for another name, or one nobody vouches for, is "not the center\'s": tls at the center', async () => {
    for (const pair of ['other', 'impostor'] as const) {
      const peer = await tlsAnswering(tlsPair(pair), (_q, res) => res.end('{}'));
      const r = await asC(own({ url: `https://center.test:${peer.port}/`, connect: `127.0.0.1:${peer.port}`, ca: TEST_CA }));
      expect(r.err, pair).toMatchObject({ outcome: 'tls', failureClass: 'blocked', hop: 'center', key: 'transport.center.bad-certificate' });
      expect(r.err?.message).toMatch(/not the center's/);
      await peer.close();
    }
    expect((await tryDeliver(secure, own({ url: secure.url.toString(), ca: TEST_CA }))).ok).toBeDefined(); // the right certificate passes
  });

  it('errors from the center\'s answer name the center: an HTTP status', async () => {
    const busy = await answering((_q, res) => res.writeHead(503).end());
    const r = await asC(own({ url: busy.url }));
    expect(r.err).toBeInstanceOf(RouteError);
    expect(r.err).toMatchObject({ outcome: 'http-503', failureClass: 'server', hop: 'center', key: 'transport.center.http', params: { status: 503 } });
    await busy.close();
  });
});
