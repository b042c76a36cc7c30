import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { request } from 'undici';
import { sealEnvelope, envelopeIdHex } from '../../src/crypto/envelope.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { signReceipt } from '../../src/crypto/receipt.js';
import { deliver, retryAfterMs } from '../../src/transport/deliver.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { MS, settled, tryDeliver } from '../harness/attempt.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { answering, hangAfterAccept, resetAfterHello, TEST_CA, tlsAnswering, tlsPair } from '../harness/censor.js';

let plain: TestCenter;
let secure: TestCenter;

beforeAll(async () => {
  plain = await startCenter();
  secure = await startCenter({ tls: true });
});
afterAll(async () => {
  await plain.close();
  await secure.close();
});

function envelopeFor(c: TestCenter): Uint8Array {
  return sealEnvelope(new TextEncoder().encode('{"test":true}'), c.center.boxKey);
}

function attempt(c: TestCenter, url: string, extra: Record<string, string> = {}, ms = MS) {
  return tryDeliver(c, parseRoute({ id: 'r', kind: 'direct', url, ...extra }), ms);
}


describe('deliver over a direct route', () => {
  it('delivers over plain HTTP and verifies the receipt', async () => {
    const r = await attempt(plain, plain.url.toString());
    expect(r.ok?.receipt).toMatch(/^sealpost\/receipt\/v1\ncenter\.test\n/);
  });

  it('delivers over TLS with the route CA, to 127.0.0.1 and to a name pinned with connect', async () => {
    const r = await attempt(secure, secure.url.toString(), { ca: TEST_CA });
    expect(r.ok?.fields.center).toBe('center.test');
    const pinned = await attempt(secure, 'https://center.test/', { ca: TEST_CA, connect: `127.0.0.1:${secure.url.port}` });
    expect(pinned.ok?.fields.center).toBe('center.test');
  });

  it('fails with tls when the certificate is not trusted (no route CA: system roots only)', async () => {
    const r = await attempt(secure, secure.url.toString());
    expect(r.err?.outcome).toBe('tls');
    expect(r.err?.failureClass).toBe('blocked');
  });

  it('fails with tls on a wrong certificate and on an impostor for the right name', async () => {
    for (const pair of ['other', 'impostor'] as const) {
      const peer = await tlsAnswering(tlsPair(pair), (_q, res) => res.end('{}'));
      const r = await attempt(plain, `https://center.test:${peer.port}/`, { ca: TEST_CA, connect: `127.0.0.1:${peer.port}` });
      expect(r.err?.outcome, pair).toBe('tls');
      await settled(peer);
      await peer.close();
    }
  });

  it('a hang after accept times out within its deadline + 50 ms and leaves no socket open', async () => {
    const peer = await hangAfterAccept();
    const r = await attempt(plain, peer.url, {}, { connect: 2000, tls: 2000, receipt: 300 });
    expect(r.err?.outcome).toBe('timeout');
    expect(r.err?.failureClass).toBe('blocked');
    expect(r.ms).toBeGreaterThanOrEqual(299);
    expect(r.ms).toBeLessThan(350);
    await settled(peer);
    expect(peer.accepted()).toBe(1);
    await peer.close();
  });

  it('the caller signal cancels an attempt at once', async () => {
    const peer = await hangAfterAccept();
    const ctl = new AbortController();
    const route = parseRoute({ id: 'r', kind: 'direct', url: peer.url });
    const p = deliver(envelopeFor(plain), randomBytes(16), route, { center: { name: plain.center.name, logKey: plain.center.logKey }, signal: ctl.signal });
    await new Promise<void>((r) => {
      const check = () => (peer.accepted() > 0 ? r() : setImmediate(check));
      check();
    });
    const t0 = performance.now();
    ctl.abort();
    await expect(p).rejects.toMatchObject({ outcome: 'cancelled', failureClass: 'cancelled' });
    expect(performance.now() - t0).toBeLessThan(50);
    await settled(peer);
    await peer.close();
  });

  it('a reset after the ClientHello is reset, a closed port is refused', async () => {
    const peer = await resetAfterHello();
    const r = await attempt(secure, `https://center.test:${peer.port}/`, { ca: TEST_CA, connect: `127.0.0.1:${peer.port}` });
    expect(r.err?.outcome).toBe('reset');
    await peer.close();
    const closed = createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const port = (closed.address() as { port: number }).port;
    await new Promise((res) => closed.close(res));
    const r2 = await attempt(plain, `http://127.0.0.1:${port}/`);
    expect(r2.err?.outcome).toBe('refused');
  });

  it('a 200 without a valid receipt is a failed attempt (bad-receipt), never a delivery', async () => {
    const forger = new NoteSigner('center.test/log', randomBytes(32));
    const answers: Record<string, (eh: string) => unknown> = {
      forged: (eh) => ({ id: eh, receipt: signReceipt(forger, { center: 'center.test', eh: Buffer.from(eh, 'hex'), blind: randomBytes(16), index: 0, hour: 1 }) }),
      missing: (eh) => ({ id: eh }),
      'other envelope': () => ({ id: 'ab'.repeat(32), receipt: 'x' }),
      'not json': () => 'ok',
    };
    for (const [name, make] of Object.entries(answers)) {
      const peer = await answering((_q, res, body) => {
        const eh = envelopeIdHex(new Uint8Array(body));
        const a = make(eh);
        res.writeHead(200, { 'content-type': 'application/json' }).end(typeof a === 'string' ? a : JSON.stringify(a));
      });
      const r = await attempt(plain, peer.url);
      expect(r.err?.outcome, name).toBe('bad-receipt');
      expect(r.err?.failureClass).toBe('blocked');
      await peer.close();
    }
  });

  it('a genuine receipt from another center (same name, other key) relayed by a lying route is rejected', async () => {
    const impostor = await startCenter();
    const peer = await answering(async (q, res, body) => {
      const up = await request(new URL('v1/envelopes', impostor.url), { method: 'POST', body, headers: { 'sealpost-token': String(q.headers['sealpost-token']) } });
      res.writeHead(up.statusCode, { 'content-type': 'application/json' }).end(await up.body.text());
    });
    const r = await attempt(plain, peer.url);
    expect(r.err?.outcome).toBe('bad-receipt');
    await peer.close();
    await impostor.close();
  });

  it('503 with Retry-After is a server failure with the delay capped at 600 s; other 4xx are the route\'s failure', async () => {
    const peer = await answering((_q, res) => res.writeHead(503, { 'retry-after': '7' }).end('{"error":"overloaded"}'));
    const r = await attempt(plain, peer.url);
    expect(r.err).toMatchObject({ outcome: 'http-503', failureClass: 'server', retryAfterMs: 7000 });
    await peer.close();
    expect(retryAfterMs('99999')).toBe(600_000);
    const p400 = await answering((_q, res) => res.writeHead(400).end('{"error":"bad-length"}'));
    const r4 = await attempt(plain, p400.url);
    expect(r4.err).toMatchObject({ outcome: 'http-400', failureClass: 'route' });
    await p400.close();
  });

  it('reads at most 64 KiB of an answer', async () => {
    const peer = await answering((_q, res) => res.writeHead(200).end('x'.repeat(200_000)));
    const r = await attempt(plain, peer.url);
    expect(r.err?.outcome).toBe('error');
    await settled(peer);
    await peer.close();
  });
});
