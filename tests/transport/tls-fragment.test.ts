/**
 * TLS strategies on real sockets (issue 12 point 3): node:tls's ClientHello re-framed and split by
 * fragment.ts is accepted by a Node TLS server on loopback, the HTTP exchange works, and what
 * reaches the server is framed as the strategy says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { RouteError } from '../../src/errors.js';
import { exchange } from '../../src/transport/http.js';
import { requestOverRoute } from '../../src/transport/request.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';
import { readFirstRecord, sniCut } from '../../src/transport/strategy/clienthello.js';
import { fragmentStream, planFirstFlight } from '../../src/transport/strategy/fragment.js';
import { parseTlsStrategy, SYSTEM_DNS } from '../../src/transport/strategy/parse.js';
import { dialTcp, upgradeTls } from '../../src/transport/tunnel/dial.js';
import { socksProxy } from '../harness/socks.js';
import { hangAfterAccept, resetAfterHello, slowConnectProxy, TEST_CA, tlsAnswering, tlsPair, type Peer } from '../harness/censor.js';
import { captureClientHello, firstFlight, recordingRelay, type Relay } from '../harness/tls-capture.js';

const NAME = 'center.test';
const signal = () => AbortSignal.timeout(10_000);
let center: Peer;
let relay: Relay;
/** Content length of the plain ClientHello's record, as node:tls sends it to this server. */
let plainLength: number;
let plainVersion: number;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  center = await tlsAnswering(tlsPair('center'), (req, res, body) => {
    res.setHeader('connection', 'close');
    res.end(req.method === 'POST' ? `${body.length} ${sha(body)}` : `ok ${req.url}`);
  });
  relay = await recordingRelay(center.port);
  const answer = await requestOverRoute(routeWith(''), { method: 'GET', path: 'healthz' }, signal());
  expect(answer.body.toString()).toBe('ok /healthz');
  const flight = firstFlight(relay.sent()[0]!);
  expect(flight).toHaveLength(1);
  plainLength = flight[0]!.content.length;
  plainVersion = flight[0]!.version;
});
afterAll(async () => {
  await relay.close();
  await center.close();
});

/** A direct route to the center through the recording relay, with one TLS strategy. */
function routeWith(tls: string): Route {
  const route = parseRoute({ id: 'd', kind: 'direct', url: `https://${NAME}:${center.port}/`, connect: `127.0.0.1:${relay.port}`, ca: TEST_CA });
  return tls === '' ? route : { ...route, strategy: { dns: SYSTEM_DNS, tls: parseTlsStrategy(tls) } };
}

/** One GET through the route; the first flight the server received. */
async function through(tls: string) {
  const before = relay.sent().length;
  const answer = await requestOverRoute(routeWith(tls), { method: 'GET', path: 'v1/checkpoint' }, signal());
  expect(answer.status).toBe(200);
  expect(answer.body.toString()).toBe('ok /v1/checkpoint');
  expect(relay.sent()).toHaveLength(before + 1);
  return firstFlight(relay.sent()[before]!);
}

describe('a fragmented ClientHello through a route (Node TLS server on loopback)', () => {
  it('tlsfrag:N: two handshake records, the first carrying N bytes, same type and version', async () => {
    for (const n of [1, 40, plainLength - 1]) {
      const flight = await through(`tlsfrag:${n}`);
      expect(flight.map((r) => r.content.length)).toEqual([n, plainLength - n]);
      expect(flight.map((r) => [r.type, r.version])).toEqual([
        [22, plainVersion],
        [22, plainVersion],
      ]);
      expect(flight[0]!.content[0]).toBe(1); // a ClientHello, cut
    }
  });

  it('tlsfrag at or past the end of the handshake message leaves it in one record', async () => {
    expect((await through(`tlsfrag:${plainLength}`)).map((r) => r.content.length)).toEqual([plainLength]);
  });

  it('tlsfrag:sni: two records, the server name whole in neither', async () => {
    const flight = await through('tlsfrag:sni');
    expect(flight).toHaveLength(2);
    expect(flight[0]!.content.length + flight[1]!.content.length).toBe(plainLength);
    for (const r of flight) expect(r.content.includes(NAME)).toBe(false);
    expect(Buffer.concat(flight.map((r) => r.content)).includes(NAME)).toBe(true);
  });

  it('split:N, split:sni and tlsfrag:sni|split:sni are accepted; split alone keeps one record', async () => {
    expect((await through('split:3')).map((r) => r.content.length)).toEqual([plainLength]);
    expect((await through('split:sni')).map((r) => r.content.length)).toEqual([plainLength]);
    const both = await through('tlsfrag:sni|split:sni');
    expect(both).toHaveLength(2);
    for (const r of both) expect(r.content.includes(NAME)).toBe(false);
  });

  it('passes large bodies through untouched after the first flight (backpressure both ways)', async () => {
    const body = Buffer.alloc(4 << 20);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE(i * 2654435761 >>> 0, i);
    const answer = await requestOverRoute(routeWith('tlsfrag:sni|split:sni'), { method: 'POST', path: 'v1/envelopes', body }, signal());
    expect(answer.body.toString()).toBe(`${body.length} ${sha(body)}`);
  });

  it('works alike through a SOCKS and an HTTP CONNECT proxy (the fragments go inside the tunnel)', async () => {
    const socks = await socksProxy();
    const connect = await slowConnectProxy(0);
    try {
      for (const proxy of [`socks5h://127.0.0.1:${socks.port}`, `http://127.0.0.1:${connect.port}`]) {
        const route = parseRoute({ id: 'p', kind: proxy.startsWith('socks') ? 'socks' : 'http-proxy', url: `https://localhost:${relay.port}/`, proxy, servername: NAME, ca: TEST_CA });
        const before = relay.sent().length;
        const answer = await requestOverRoute({ ...route, strategy: { dns: SYSTEM_DNS, tls: parseTlsStrategy('tlsfrag:sni|split:sni') } }, { method: 'GET', path: 'healthz' }, signal());
        expect(answer.body.toString()).toBe('ok /healthz');
        const flight = firstFlight(relay.sent()[before]!);
        expect(flight).toHaveLength(2);
        for (const r of flight) expect(r.content.includes(NAME)).toBe(false);
      }
    } finally {
      await socks.close();
      await connect.close();
    }
  });

  it('a reset after the ClientHello is classified as for the plain ClientHello', async () => {
    const censor = await resetAfterHello();
    try {
      const route = (tls: string) => {
        const r = parseRoute({ id: 'r', kind: 'direct', url: `https://${NAME}:${censor.port}/`, connect: `127.0.0.1:${censor.port}`, ca: TEST_CA });
        return tls ? { ...r, strategy: { dns: SYSTEM_DNS, tls: parseTlsStrategy(tls) } } : r;
      };
      const outcome = async (tls: string) => {
        const err = await requestOverRoute(route(tls), { method: 'GET', path: 'healthz' }, signal()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RouteError);
        return (err as RouteError).outcome;
      };
      const plain = await outcome('');
      expect(plain).toBe('reset');
      expect(await outcome('tlsfrag:sni|split:sni')).toBe(plain);
      expect(await outcome('split:1')).toBe(plain);
      await censor.idle();
    } finally {
      await censor.close();
    }
  });
});

/** A socket to the relay whose write calls are recorded, with when each reached the socket. */
async function spiedSocket(port: number) {
  const sock = await dialTcp('127.0.0.1', port, signal());
  const events: string[] = [];
  const writes: Buffer[] = [];
  const write = sock.write.bind(sock) as (c: Buffer, cb?: (e?: Error | null) => void) => boolean;
  (sock as { write: unknown }).write = (chunk: Buffer, ...rest: unknown[]) => {
    const i = writes.push(Buffer.from(chunk)) - 1;
    events.push(`write ${i}`);
    const cb = rest.find((r) => typeof r === 'function') as ((e?: Error | null) => void) | undefined;
    return write(chunk, (e) => {
      events.push(`done ${i}`);
      cb?.(e);
    });
  };
  return { sock, events, writes };
}

describe('the writes fragment.ts makes on the socket', () => {
  // A loopback peer sees the two writes of a split as one `data` chunk or two, depending on when
  // its event loop reads (in this process: always after both writes, which happen in one tick).
  // What the strategy controls is that they are separate writes on a socket with Nagle off, the
  // second only after the first reached the kernel: that is what these tests check.
  async function run(tls: string) {
    const { sock, events, writes } = await spiedSocket(relay.port);
    expect(sock.setNoDelay).toBeTypeOf('function');
    const tlsSock = await upgradeTls(fragmentStream(sock, parseTlsStrategy(tls), NAME), { servername: NAME, identity: NAME, ca: TEST_CA }, signal());
    const answer = await exchange(tlsSock, new URL(`https://${NAME}/healthz`), { method: 'GET' }, signal());
    expect(answer.body.toString()).toBe('ok /healthz');
    tlsSock.destroy();
    return { events, writes, flight: firstFlight(relay.sent().at(-1)!) };
  }

  it('split:N: the first write is N bytes, the rest of the record is the next write, made after the first completed', async () => {
    for (const n of [1, 5, 100]) {
      const { events, writes } = await run(`split:${n}`);
      expect(writes[0]!.length).toBe(n);
      expect(writes[0]!.length + writes[1]!.length).toBe(5 + plainLength);
      expect(events.slice(0, 3)).toEqual(['write 0', 'done 0', 'write 1']);
    }
  });

  it('split:sni: the cut falls inside the server name', async () => {
    const { writes } = await run('split:sni');
    expect(writes[0]!.length + writes[1]!.length).toBe(5 + plainLength);
    expect(writes[0]!.includes(NAME)).toBe(false);
    expect(writes[1]!.includes(NAME)).toBe(false);
    expect(Buffer.concat([writes[0]!, writes[1]!]).includes(NAME)).toBe(true);
  });

  it('tlsfrag:sni|split:sni: one record per write, cut inside the name', async () => {
    const { writes, flight } = await run('tlsfrag:sni|split:sni');
    expect(flight).toHaveLength(2);
    expect(writes[0]!.length).toBe(5 + flight[0]!.content.length);
    expect(writes[1]!.length).toBe(5 + flight[1]!.content.length);
    expect(writes[1]![0]).toBe(22);
  });

  it('tlsfrag:N alone writes the re-framed flight at once', async () => {
    const { writes, flight } = await run('tlsfrag:10');
    expect(flight.map((r) => r.content.length)).toEqual([10, plainLength - 10]);
    expect(writes[0]!.length).toBe(2 * 5 + plainLength);
    expect(writes[1]?.[0]).not.toBe(22); // the next write is the client's second flight
  });
});

describe('the stream', () => {
  let sink: { port: number; got: () => Buffer; waitFor: (n: number) => Promise<Buffer>; close: () => Promise<void> };
  beforeAll(async () => {
    let bytes = Buffer.alloc(0);
    let waiters: (() => void)[] = [];
    const socks = new Set<Socket>();
    const server = createServer((s) => {
      socks.add(s);
      bytes = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        bytes = Buffer.concat([bytes, d]);
        for (const w of waiters) w();
      });
      s.on('close', () => socks.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    sink = {
      port: (server.address() as { port: number }).port,
      got: () => bytes,
      waitFor: (n) =>
        new Promise((resolve) => {
          const check = () => {
            if (bytes.length >= n) resolve(bytes);
            else waiters.push(check);
          };
          waiters = [];
          check();
        }),
      close: () => new Promise((r) => {
        for (const s of socks) s.destroy();
        server.close(() => r());
      }),
    };
  });
  afterAll(() => sink.close());

  it('collects a ClientHello written in pieces (byte by byte) before cutting it', async () => {
    const hello = await captureClientHello({ servername: NAME });
    const strategy = parseTlsStrategy('tlsfrag:sni|split:7');
    const expected = Buffer.concat(planFirstFlight(readFirstRecord(hello)!, strategy.steps, NAME));
    expect(expected.length).toBe(hello.length + 5);
    const { sock, writes } = await spiedSocket(sink.port);
    const frag = fragmentStream(sock, strategy, NAME);
    for (let i = 0; i < hello.length; i++) frag.write(hello.subarray(i, i + 1));
    frag.write(Buffer.from('after'));
    expect((await sink.waitFor(expected.length + 5)).equals(Buffer.concat([expected, Buffer.from('after')]))).toBe(true);
    expect(writes[0]!.length).toBe(7);
    expect(writes[1]!.length).toBe(expected.length - 7);
    expect(writes[1]!.subarray(5 + sniCut(readFirstRecord(hello)!.content, NAME)! - 7)[0]).toBe(22); // record 2 starts
    expect(writes[2]!.toString()).toBe('after');
    frag.destroy();
    await once(sock, 'close');
  });

  it('passes bytes that are not a TLS record through as they are, at once', async () => {
    const { sock, writes } = await spiedSocket(sink.port);
    const frag = fragmentStream(sock, parseTlsStrategy('tlsfrag:1|split:1'), NAME);
    frag.write(Buffer.from('GET / HTTP/1.1\r\n'));
    expect((await sink.waitFor(16)).toString()).toBe('GET / HTTP/1.1\r\n');
    expect(writes.map((w) => w.length)).toEqual([16]);
    frag.end();
    await once(sock, 'close');
  });

  it('an end before the record is whole sends what there is', async () => {
    const { sock } = await spiedSocket(sink.port);
    const frag = fragmentStream(sock, parseTlsStrategy('split:1'), NAME);
    frag.end(Buffer.from([22, 3, 1, 0, 50, 1, 2]));
    expect((await sink.waitFor(7)).equals(Buffer.from([22, 3, 1, 0, 50, 1, 2]))).toBe(true);
    await once(sock, 'close');
  });

  it('aborting the TLS handshake destroys the fragment stream and the socket (upgradeTls semantics)', async () => {
    const peer = await hangAfterAccept();
    try {
      const sock = await dialTcp('127.0.0.1', peer.port, signal());
      const frag = fragmentStream(sock, parseTlsStrategy('tlsfrag:sni|split:sni'), NAME);
      const ac = new AbortController();
      const up = upgradeTls(frag, { servername: NAME, identity: NAME, ca: TEST_CA }, ac.signal);
      while (peer.accepted() === 0) await new Promise((r) => setImmediate(r));
      ac.abort(new Error('cancelled'));
      await expect(up).rejects.toThrow('cancelled');
      expect(frag.destroyed).toBe(true);
      expect(sock.destroyed).toBe(true);
      await peer.idle();
    } finally {
      await peer.close();
    }
  });

  it('destroying the TLS socket after the handshake destroys the socket; a server close reaches TLS', async () => {
    const sock = await dialTcp('127.0.0.1', relay.port, signal());
    const tlsSock = await upgradeTls(fragmentStream(sock, parseTlsStrategy('split:sni'), NAME), { servername: NAME, identity: NAME, ca: TEST_CA }, signal());
    expect(tlsSock.authorized).toBe(true);
    tlsSock.destroy();
    await once(sock, 'close');

    // A server that ends the connection right after the handshake.
    const server = createTlsServer(tlsPair('center'), (s) => s.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const s2 = await dialTcp('127.0.0.1', (server.address() as { port: number }).port, signal());
      const t2 = await upgradeTls(fragmentStream(s2, parseTlsStrategy('tlsfrag:2'), NAME), { servername: NAME, identity: NAME, ca: TEST_CA }, signal());
      t2.resume();
      await once(t2, 'close');
      await new Promise((r) => (s2.closed ? r(null) : s2.once('close', r)));
      expect(s2.destroyed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('certificate checks are unchanged: a wrong certificate is refused through the fragment stream', async () => {
    const other = await tlsAnswering(tlsPair('other'), (_q, res) => res.end('no'));
    try {
      const sock = await dialTcp('127.0.0.1', other.port, signal());
      const up = upgradeTls(fragmentStream(sock, parseTlsStrategy('tlsfrag:sni'), NAME), { servername: NAME, identity: NAME, ca: TEST_CA }, signal());
      await expect(up).rejects.toThrow(/altnames|Hostname|certificate/i);
      sock.destroy();
    } finally {
      await other.close();
    }
  });
});
