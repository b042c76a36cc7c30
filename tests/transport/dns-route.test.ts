/**
 * A route whose `dns` strategy is an encrypted resolver (issue 12, wire spec 6), delivering to a
 * real center over real TLS: the center's name (`center.test`, which no system resolver knows)
 * resolves only through the DoH server on loopback; a wrong answer fails the certificate check; a
 * failing resolver is outcome `dns`; and with a proxy or a pinned `connect`, no DoH query is made.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { parseDnsStrategy, PLAIN_TLS, type DnsStrategy } from '../../src/transport/strategy/parse.js';
import { defaultCache } from '../../src/transport/strategy/resolve.js';
import { tryDeliver } from '../harness/attempt.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA, tlsPair } from '../harness/censor.js';
import { a, answer, dohServer, RESOLVER_NAME, rr, type ParsedQuery, type Reply, type TestResolver } from '../harness/dns.js';
import { installDnsSpy, type DnsSpy } from '../harness/dns-spy.js';
import { socksProxy } from '../harness/socks.js';
import { TYPE_A } from '../../src/transport/strategy/dns-wire.js';

let center: TestCenter;
let doh: TestResolver;
let dns: DnsStrategy;
let spy: DnsSpy | undefined;
let reply: (q: ParsedQuery) => Reply;
const poisoned = (ip: string) => (q: ParsedQuery) => answer(q, q.type === TYPE_A ? [rr(q.name, TYPE_A, 300, a(ip))] : []);

beforeAll(async () => {
  center = await startCenter({ tls: true });
  doh = await dohServer((q) => reply(q));
  dns = parseDnsStrategy({ https: { name: RESOLVER_NAME, address: doh.address, ca: TEST_CA } });
});
afterEach(() => {
  spy?.restore();
  spy = undefined;
  defaultCache.clear();
});
afterAll(async () => {
  await doh.close();
  await center.close();
});

/** The center's route by name: `https://center.test:<port>/`, the test CA, the given strategy. */
function byName(extra: Partial<Parameters<typeof parseRoute>[0]> = {}, strategyDns = dns): Route {
  const r = parseRoute({ id: 'direct-1', kind: 'direct', url: `https://center.test:${center.url.port}/`, ca: TEST_CA, ...extra });
  return { ...r, strategy: { dns: strategyDns, tls: PLAIN_TLS } };
}

describe('a route with a DoH strategy', () => {
  it('delivers to center.test by the DoH answer, with a verified receipt, and no local lookup', async () => {
    reply = poisoned('127.0.0.1');
    spy = installDnsSpy(['center.test']);
    const before = doh.queries();
    const { ok, err } = await tryDeliver(center, byName());
    expect(err).toBeUndefined();
    expect(ok?.receipt).toBeTruthy();
    expect(doh.queries() - before).toBe(2);
    expect(spy.saw('center.test')).toBe(false);
  });

  it('fails the certificate check when the answer points elsewhere (a poisoned resolver)', async () => {
    // 127.0.0.2 on the center's port: a server with another certificate. The TLS name stays center.test.
    // Linux routes all of 127.0.0.0/8 to lo; a machine that does not cannot run this test.
    const impostor = await listenOn('127.0.0.2', Number(center.url.port));
    try {
      reply = poisoned('127.0.0.2');
      const { err } = await tryDeliver(center, byName());
      expect(err?.outcome).toBe('tls');
      expect(impostor.accepted()).toBe(1);
    } finally {
      await impostor.close();
    }
  });

  it('is outcome dns, at the center, when the resolver fails', async () => {
    reply = () => ({ status: 503, body: Buffer.alloc(0) });
    const { err } = await tryDeliver(center, byName());
    expect(err?.outcome).toBe('dns');
    expect(err?.failureClass).toBe('blocked');
    expect(err?.hop).toBe('center');
    expect(err?.key).toBe('transport.center.resolver');
    expect(err?.params).toEqual({ resolver: `https:${RESOLVER_NAME}@${doh.address}` });
  });

  it('a resolver that never answers: timeout within the connect deadline + 50 ms, no socket left', async () => {
    reply = () => null;
    const { err, ms } = await tryDeliver(center, byName(), { connect: 300 });
    expect(err?.outcome).toBe('timeout');
    expect(ms).toBeLessThan(350);
    await expect.poll(() => doh.open(), { timeout: 1000 }).toBe(0);
  });

  it('asks nothing for a route with connect (a pinned address resolves nothing)', async () => {
    reply = poisoned('127.0.0.2');
    const before = doh.queries();
    const { ok } = await tryDeliver(center, byName({ connect: `127.0.0.1:${center.url.port}` }));
    expect(ok?.receipt).toBeTruthy();
    expect(doh.queries()).toBe(before);
  });

  it('asks nothing through a user proxy: the SOCKS proxy resolves the name', async () => {
    reply = poisoned('127.0.0.2');
    const seen: string[] = [];
    const proxy = await socksProxy(undefined, { seen, hosts: { 'center.test': '127.0.0.1' }, onlyHosts: true });
    spy = installDnsSpy(['center.test']);
    try {
      const before = doh.queries();
      const r = byName({ kind: 'socks', proxy: `socks5h://127.0.0.1:${proxy.port}` });
      const { ok, err } = await tryDeliver(center, { ...r, userProxy: true });
      expect(err).toBeUndefined();
      expect(ok?.receipt).toBeTruthy();
      expect(doh.queries()).toBe(before);
      expect(seen).toEqual(['center.test']);
      expect(spy.saw('center.test')).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});

/** A TLS server with another certificate on host:port (a second loopback address), counting connections. */
function listenOn(host: string, port: number): Promise<{ accepted(): number; close(): Promise<void> }> {
  let accepted = 0;
  const live = new Set<Socket>();
  const server = createTlsServer({ ...tlsPair('other') }, (s) => s.on('error', () => {}).end());
  server.on('connection', (s: Socket) => {
    accepted++;
    live.add(s);
    s.on('error', () => {}).on('close', () => live.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        accepted: () => accepted,
        close: () =>
          new Promise<void>((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}


