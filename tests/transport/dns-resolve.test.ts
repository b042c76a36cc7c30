/**
 * Encrypted resolvers (issue 12, wire spec 6) against real DoH and DoT servers on loopback with the
 * test CA: right answers resolve; answers that are not for the name asked, malformed, cut, too
 * large or from the wrong server are refused; TTLs are honoured per network (an injected clock).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DnsCache, MAX_CACHE_TTL } from '../../src/transport/strategy/dns-cache.js';
import { ResolverError, TYPE_A, TYPE_AAAA } from '../../src/transport/strategy/dns-wire.js';
import { parseDnsStrategy, SYSTEM_DNS, type DnsStrategy } from '../../src/transport/strategy/parse.js';
import { resolveWith } from '../../src/transport/strategy/resolve.js';
import { TEST_CA } from '../harness/censor.js';
import { a, aaaa, answer, dohServer, dotServer, nameBytes, RESOLVER_NAME, rr, type ParsedQuery, type Reply, type TestResolver } from '../harness/dns.js';

const V6 = '20010db8000000000000000000000001';

/** The honest answer: center.test has 127.0.0.1 and 2001:db8::1, TTL 300 (A) and 60 (AAAA). */
function honest(q: ParsedQuery): Buffer {
  if (q.type === TYPE_A) return answer(q, [rr(q.name, TYPE_A, 300, a('127.0.0.1'))]);
  return answer(q, [rr(q.name, TYPE_AAAA, 60, aaaa(V6))]);
}

let reply: (q: ParsedQuery) => Reply = honest;
let doh: TestResolver;
let dot: TestResolver;
let dohDns: DnsStrategy;
let dotDns: DnsStrategy;
const net = (n = 'net-1') => ({ signal: new AbortController().signal, network: n, cache: new DnsCache() });

beforeAll(async () => {
  doh = await dohServer((q) => reply(q));
  dot = await dotServer((q) => {
    const r = reply(q);
    return r === null || Buffer.isBuffer(r) ? r : { raw: r.body };
  });
  dohDns = parseDnsStrategy({ https: { name: RESOLVER_NAME, address: doh.address, ca: TEST_CA } });
  dotDns = parseDnsStrategy({ tls: { name: RESOLVER_NAME, address: dot.address, ca: TEST_CA } });
});
afterEach(() => {
  reply = honest;
});
afterAll(async () => {
  await doh.close();
  await dot.close();
});

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ResolverError);
    return (err as ResolverError).reason;
  }
  return 'resolved';
}

describe.each([
  ['DoH', () => dohDns, () => doh],
  ['DoT', () => dotDns, () => dot],
] as const)('%s', (_kind, dns, server) => {
  it('resolves A and AAAA, IPv4 first, asking the name', async () => {
    const before = server().queries();
    expect(await resolveWith(dns(), 'Center.Test', net())).toEqual(['127.0.0.1', '2001:db8::1']);
    expect(server().queries() - before).toBe(2);
    expect(server().asked.slice(-2).map((n) => n.toLowerCase())).toEqual(['center.test', 'center.test']);
  });

  it('accepts a question echoed in another case and a CNAME chain from the name', async () => {
    reply = (q) => {
      const echoed = answer(q, [], { question: Buffer.concat([nameBytes('CENTER.test'), q.question.subarray(-4)]) }).subarray(12, 12 + q.question.length);
      if (q.type === TYPE_AAAA) return answer(q, [], { question: echoed });
      return answer(q, [rr('center.test', 5, 600, nameBytes('edge.cdn.test')), rr('edge.cdn.test', TYPE_A, 30, a('127.0.0.3'))], { question: echoed });
    };
    expect(await resolveWith(dns(), 'center.test', net())).toEqual(['127.0.0.3']);
  });

  it.each<[string, (q: ParsedQuery) => Reply, string]>([
    ['an answer for another name', (q) => answer(q, [rr('evil.test', TYPE_A, 60, a('203.0.113.9'))]), 'no-address'],
    ['a question for another name', (q) => answer(q, [rr('other.test', q.type, 60, q.type === TYPE_A ? a('203.0.113.9') : aaaa(V6))], { question: Buffer.concat([nameBytes('other.test'), q.question.subarray(-4)]) }), 'question'],
    ['a CNAME to elsewhere', (q) => answer(q, [rr('center.test', 5, 60, nameBytes('evil.test')), rr('other.test', TYPE_A, 60, a('203.0.113.9'))]), 'no-address'],
    ['TXT records only', (q) => answer(q, [rr('center.test', 16, 60, Buffer.from('\x0bv=spf1 -all', 'latin1'))]), 'no-address'],
    ['NXDOMAIN', (q) => answer(q, [], { rcode: 3 }), 'no-address'],
    ['SERVFAIL', (q) => answer(q, [], { rcode: 2 }), 'rcode'],
    ['a cut answer', (q) => honest(q).subarray(0, 40), 'malformed'],
    ['the TC bit', (q) => answer(q, [], { flags: 0x8380 }), 'truncated'],
    ['a wrong id', (q) => answer(q, [rr('center.test', TYPE_A, 60, a('127.0.0.1'))], { id: q.id ^ 0x5555 }), 'not-answer'],
    ['a query sent back', (q) => q.raw, 'not-answer'],
  ])('refuses %s', async (_what, r, why) => {
    reply = r;
    expect(await failure(resolveWith(dns(), 'center.test', net()))).toBe(why);
  });

  it('keeps the addresses of one type when the other query fails', async () => {
    reply = (q) => (q.type === TYPE_A ? honest(q) : answer(q, [], { rcode: 2 }));
    expect(await resolveWith(dns(), 'center.test', net())).toEqual(['127.0.0.1']);
  });

  it('checks the resolver\'s certificate against its name and its own ca', async () => {
    const wrongName = { ...dns(), name: 'center.test' } as DnsStrategy;
    expect(await failure(resolveWith(wrongName, 'center.test', net()))).toBe('transport');
    const { ca: _ca, ...systemRoots } = dns() as DnsStrategy & { ca?: string };
    expect(await failure(resolveWith(systemRoots as DnsStrategy, 'center.test', net()))).toBe('transport');
  });

  it('keeps answers for their TTL, per network, at most an hour', async () => {
    let now = 1_000_000;
    const cache = new DnsCache(() => now);
    const o = (network: string) => ({ signal: new AbortController().signal, network, cache });
    const count = () => server().queries();
    let before = count();
    await resolveWith(dns(), 'center.test', o('home'));
    expect(count() - before).toBe(2);
    before = count();
    now += 59_000; // the least TTL of the two answers is 60 s
    expect(await resolveWith(dns(), 'CENTER.test.', o('home'))).toEqual(['127.0.0.1', '2001:db8::1']);
    expect(count() - before).toBe(0);
    await resolveWith(dns(), 'center.test', o('work')); // another network: asked again
    expect(count() - before).toBe(2);
    before = count();
    now += 1_000;
    await resolveWith(dns(), 'center.test', o('home'));
    expect(count() - before).toBe(2);

    reply = (q) => answer(q, [rr('center.test', q.type, 0x7fffffff, q.type === TYPE_A ? a('127.0.0.1') : aaaa(V6))]);
    cache.clear();
    await resolveWith(dns(), 'center.test', o('home'));
    before = count();
    now += (MAX_CACHE_TTL - 1) * 1000;
    await resolveWith(dns(), 'center.test', o('home'));
    expect(count() - before).toBe(0);
    now += 1000;
    await resolveWith(dns(), 'center.test', o('home'));
    expect(count() - before).toBe(2);

    reply = (q) => answer(q, [rr('center.test', q.type, 0, q.type === TYPE_A ? a('127.0.0.1') : aaaa(V6))]);
    cache.clear();
    await resolveWith(dns(), 'center.test', o('home'));
    before = count();
    await resolveWith(dns(), 'center.test', o('home')); // TTL 0: never kept
    expect(count() - before).toBe(2);
  });

  it('gives up at the signal\'s deadline and leaves no socket open', async () => {
    reply = () => null;
    const reason = new Error('deadline');
    const ctl = new AbortController();
    const p = resolveWith(dns(), 'center.test', { signal: ctl.signal, network: 'n', cache: new DnsCache() });
    // Measured from the abort itself: on a loaded machine the timer may fire late, the answer must
    // not. The bound leaves room for a busy event loop (CI saw 70 ms), far below any retry or
    // timeout of the resolver, which a resolver deaf to the signal would wait for (it never answers here).
    let abortedAt = Infinity;
    setTimeout(() => {
      abortedAt = performance.now();
      ctl.abort(reason);
    }, 200);
    await expect(p).rejects.toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(500);
    await expect.poll(() => server().open(), { timeout: 1000 }).toBe(0);
  });
});

describe('DoH over HTTP', () => {
  it.each<[string, (q: ParsedQuery) => Reply]>([
    ['an HTTP error', () => ({ status: 500, body: Buffer.alloc(0) })],
    ['another content type', (q) => ({ type: 'text/html', body: honest(q) })],
    ['an answer larger than a DNS message', (q) => Buffer.concat([honest(q), Buffer.alloc(70_000)])],
  ])('refuses %s', async (_what, r) => {
    reply = r;
    expect(await failure(resolveWith(dohDns, 'center.test', net()))).toBe('transport');
  });

  it('sends id 0 (RFC 8484 section 4.1) and padded queries (RFC 8467)', async () => {
    const seen: ParsedQuery[] = [];
    reply = (q) => (seen.push(q), honest(q));
    await resolveWith(dohDns, 'center.test', net());
    expect(seen.map((q) => q.id)).toEqual([0, 0]);
    expect(seen.every((q) => q.raw.length % 128 === 0)).toBe(true);
  });
});

describe('DoT framing', () => {
  it('refuses a frame cut short by the resolver\'s close', async () => {
    const server = await dotServer((q) => {
      const body = honest(q);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length + 100); // says more than it sends, then ends
      return { raw: Buffer.concat([len, body]), end: true };
    });
    const cut = parseDnsStrategy({ tls: { name: RESOLVER_NAME, address: server.address, ca: TEST_CA } });
    try {
      expect(await failure(resolveWith(cut, 'center.test', net()))).toBe('transport');
      expect(server.queries()).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('uses distinct random ids on one connection', async () => {
    const seen: ParsedQuery[] = [];
    reply = (q) => (seen.push(q), honest(q));
    await resolveWith(dotDns, 'center.test', net());
    expect(seen).toHaveLength(2);
    expect(seen[0]!.id).not.toBe(seen[1]!.id);
  });
});

describe('system and literals', () => {
  it('returns an IP literal as it is and asks nobody', async () => {
    const before = doh.queries();
    expect(await resolveWith(dohDns, '127.0.0.1', net())).toEqual(['127.0.0.1']);
    expect(await resolveWith(dohDns, '[::1]', net())).toEqual(['::1']);
    expect(doh.queries()).toBe(before);
  });

  it('uses the operating system for system', async () => {
    expect((await resolveWith(SYSTEM_DNS, 'localhost', net())).length).toBeGreaterThan(0);
    expect(await failure(resolveWith(SYSTEM_DNS, 'nothing.invalid', net()))).toBe('lookup');
  });
});
