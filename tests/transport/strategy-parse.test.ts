import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCenterFile } from '../../src/crypto/center-file.js';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { InputError } from '../../src/errors.js';
import { describeError } from '../../src/cli/i18n/index.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { dnsLabel, MAX_ENTRIES, parseCenterStrategies, parseDnsStrategy, parseStrategies, parseTlsStrategy, PLAIN_TLS, SYSTEM_DNS } from '../../src/transport/strategy/parse.js';
import { TEST_CA } from '../harness/censor.js';

/** The InputError a call throws (fails the test when it throws none or another). */
function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('did not throw');
}

describe('tls entries', () => {
  it('reads the plain entry, each op with a count or sni, and steps joined with |', () => {
    expect(parseTlsStrategy('')).toBe(PLAIN_TLS);
    expect(parseTlsStrategy('split:2')).toEqual({ text: 'split:2', steps: [{ op: 'split', at: 2 }] });
    expect(parseTlsStrategy('tlsfrag:1')).toEqual({ text: 'tlsfrag:1', steps: [{ op: 'tlsfrag', at: 1 }] });
    expect(parseTlsStrategy('split:sni').steps).toEqual([{ op: 'split', at: 'sni' }]);
    expect(parseTlsStrategy('tlsfrag:sni').steps).toEqual([{ op: 'tlsfrag', at: 'sni' }]);
    expect(parseTlsStrategy('tlsfrag:sni|split:sni')).toEqual({ text: 'tlsfrag:sni|split:sni', steps: [{ op: 'tlsfrag', at: 'sni' }, { op: 'split', at: 'sni' }] });
  });

  it('applies tlsfrag before split whatever the written order, keeping the text as written', () => {
    const s = parseTlsStrategy('split:7|tlsfrag:40');
    expect(s.text).toBe('split:7|tlsfrag:40');
    expect(s.steps).toEqual([{ op: 'tlsfrag', at: 40 }, { op: 'split', at: 7 }]);
  });

  it('bounds the cut: 1 up to below 16384 (a record carries at most 2^14 bytes)', () => {
    expect(parseTlsStrategy('split:16383').steps[0]!.at).toBe(16383);
    for (const bad of ['split:0', 'split:16384', 'tlsfrag:99999', 'split:-1', 'split:01', 'split:100000']) {
      expect(thrown(() => parseTlsStrategy(bad)).code, bad).toBe('bad-strategy');
    }
    expect(thrown(() => parseTlsStrategy('split:16384')).message).toContain('below 16384');
  });

  it('refuses unknown ops, bad joins, an op given twice and non-strings', () => {
    for (const bad of ['split', 'split:', 'split:sni2', 'disorder:1', 'SPLIT:1', 'split:1|', '|split:1', 'split:1||tlsfrag:1', ' split:1', 'split:1,tlsfrag:2', 'split:1|split:2', 'tlsfrag:sni|tlsfrag:3']) {
      expect(thrown(() => parseTlsStrategy(bad)).code, bad).toBe('bad-strategy');
    }
    expect(thrown(() => parseTlsStrategy('split:1|split:2')).message).toContain('split given twice');
    for (const bad of [1, null, undefined, {}, ['split:1']]) expect(thrown(() => parseTlsStrategy(bad)).code).toBe('bad-strategy');
  });
});

describe('dns entries', () => {
  it('reads system, https and tls resolvers with an IP-literal address and a port', () => {
    expect(parseDnsStrategy({ system: {} })).toBe(SYSTEM_DNS);
    expect(parseDnsStrategy({ https: { name: 'DNS.Example', address: '198.51.100.1:443' } })).toEqual({ kind: 'https', name: 'dns.example', host: '198.51.100.1', port: 443 });
    expect(parseDnsStrategy({ tls: { name: 'dot.example', address: '[2001:db8::1]:853', ca: TEST_CA } })).toEqual({ kind: 'tls', name: 'dot.example', host: '2001:db8::1', port: 853, ca: TEST_CA });
    expect(dnsLabel(parseDnsStrategy({ tls: { name: 'dot.example', address: '[2001:db8::1]:853' } }))).toBe('tls:dot.example@[2001:db8::1]:853');
    expect(dnsLabel(parseDnsStrategy({ https: { name: 'dns.example', address: '198.51.100.1:443' } }))).toBe('https:dns.example@198.51.100.1:443');
    expect(dnsLabel(SYSTEM_DNS)).toBe('system');
  });

  it('refuses a resolver address that is a name, has no port or a bad one (a resolver is never looked up)', () => {
    for (const address of ['dns.example:443', '198.51.100.1', '198.51.100.1:0', '198.51.100.1:65536', '2001:db8::1:853', '[198.51.100.1]:443', '[dns.example]:443', '256.1.1.1:443', '', 443, undefined]) {
      const e = thrown(() => parseDnsStrategy({ https: { name: 'dns.example', address } }));
      expect(e.code, String(address)).toBe('bad-strategy');
      expect(e.params?.why).toMatch(/^address must be ip:port/);
    }
  });

  it('refuses other shapes', () => {
    const bad: unknown[] = [
      'system',
      null,
      [],
      {},
      { system: {}, https: {} },
      { system: { x: 1 } },
      { system: true },
      { udp: { name: 'dns.example', address: '198.51.100.1:53' } },
      { https: { address: '198.51.100.1:443' } },
      { https: { name: '198.51.100.1', address: '198.51.100.1:443' } },
      { https: { name: 'bad_name', address: '198.51.100.1:443' } },
      { https: { name: 'dns.example', address: '198.51.100.1:443', path: '/q' } },
      { https: { name: 'dns.example', address: '198.51.100.1:443', ca: 'not pem' } },
    ];
    for (const e of bad) expect(thrown(() => parseDnsStrategy(e)).code, JSON.stringify(e)).toBe('bad-strategy');
  });
});

describe('lists on routes and center files', () => {
  it('keeps only the lists given; refuses empty, over-long, non-array and duplicate lists', () => {
    expect(parseStrategies({}, 'route r')).toEqual({});
    expect(parseStrategies({ tls: ['', 'split:1'] }, 'route r')).toEqual({ tls: [PLAIN_TLS, { text: 'split:1', steps: [{ op: 'split', at: 1 }] }] });
    expect(thrown(() => parseStrategies({ tls: [] }, 'route r')).message).toBe('route r: strategy tls: tls must not be empty');
    expect(thrown(() => parseStrategies({ tls: 'split:1' }, 'route r')).code).toBe('bad-strategy');
    expect(thrown(() => parseStrategies({ tls: ['split:1', 'split:1'] }, 'route r')).params?.why).toBe('listed twice');
    expect(thrown(() => parseStrategies({ dns: [{ system: {} }, { system: {} }] }, 'route r')).params?.why).toBe('listed twice');
    const many = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `split:${i + 1}`);
    expect(thrown(() => parseStrategies({ tls: many }, 'route r')).params?.why).toBe(`tls has more than ${MAX_ENTRIES} entries`);
    expect(parseStrategies({ tls: many.slice(1) }, 'route r').tls).toHaveLength(MAX_ENTRIES);
  });

  it('a route: tls on any route; dns only on a direct or mirror route without connect', () => {
    const url = 'https://center.test/';
    const dns = [{ https: { name: 'dns.example', address: '198.51.100.1:443' } }];
    expect(parseRoute({ id: 'd', kind: 'direct', url, dns, tls: ['tlsfrag:sni'] })).toMatchObject({ dns: [{ kind: 'https' }], tls: [{ text: 'tlsfrag:sni' }] });
    expect(parseRoute({ id: 's', kind: 'socks', url, proxy: 'socks5h://127.0.0.1:9050', tls: ['split:sni'] }).tls).toHaveLength(1);
    expect(parseRoute({ id: 'm', kind: 'mirror', url })).not.toHaveProperty('tls');
    const proxied = thrown(() => parseRoute({ id: 's', kind: 'socks', url, proxy: 'socks5h://127.0.0.1:9050', dns }));
    expect([proxied.code, proxied.params?.why]).toEqual(['bad-route', 'dns strategies are for direct and mirror routes']);
    expect(thrown(() => parseRoute({ id: 'h', kind: 'http-proxy', url, proxy: 'http://127.0.0.1:3128', dns })).code).toBe('bad-route');
    const pinned = thrown(() => parseRoute({ id: 'p', kind: 'direct', url, connect: '203.0.113.7:443', dns }));
    expect(pinned.params?.why).toBe('a route with connect resolves nothing: no dns strategies');
    expect(parseRoute({ id: 'p', kind: 'direct', url, connect: '203.0.113.7:443', tls: ['split:1'] }).tls).toHaveLength(1);
    const e = thrown(() => parseRoute({ id: 'd', kind: 'direct', url, tls: ['split:x'] }));
    expect(e.code).toBe('bad-strategy');
    expect(e.params).toMatchObject({ where: 'route d', entry: '"split:x"' });
  });

  it('a center file: strategies with only dns and tls, checked on load', () => {
    expect(parseCenterStrategies({ dns: [{ system: {} }], tls: ['', 'split:sni'] })).toEqual({ dns: [SYSTEM_DNS], tls: [PLAIN_TLS, { text: 'split:sni', steps: [{ op: 'split', at: 'sni' }] }] });
    expect(parseCenterStrategies({})).toEqual({});
    for (const bad of [[], null, 'x', { dns: [{ system: {} }], udp: [] }, { tls: ['nope'] }]) {
      expect(thrown(() => parseCenterStrategies(bad)).code, JSON.stringify(bad)).toBe('bad-strategy');
    }
  });

  it('says what is wrong in both languages', () => {
    const e = thrown(() => parseTlsStrategy('split:1|split:2', 'route d'));
    expect(describeError(e, 'en')).toBe('route d: strategy "split:1|split:2": split given twice');
    expect(describeError(e, 'zh-CN')).toBe('route d：策略 "split:1|split:2"：split 出现了两次');
    const a = thrown(() => parseDnsStrategy({ https: { name: 'dns.example', address: 'dns.example:443' } }, 'strategies'));
    expect(describeError(a, 'zh-CN')).toMatch(/address 必须是 IP:端口/);
  });
});

describe('center files', () => {
  let dir: string;
  let file: Record<string, unknown>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-strategies-'));
    await generateCenterKeys('center.test', dir);
    file = JSON.parse(await readFile(join(dir, 'center.json'), 'utf8')) as Record<string, unknown>;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const load = (extra: Record<string, unknown>) => parseCenterFile(Buffer.from(JSON.stringify({ ...file, ...extra })));

  it('carries the default strategies; none when absent', () => {
    expect(load({}).strategies).toEqual({});
    const c = load({ strategies: { dns: [{ system: {} }, { tls: { name: 'dot.example', address: '198.51.100.2:853' } }], tls: ['', 'tlsfrag:sni|split:sni'] } });
    expect(c.strategies.dns?.map(dnsLabel)).toEqual(['system', 'tls:dot.example@198.51.100.2:853']);
    expect(c.strategies.tls?.map((t) => t.text)).toEqual(['', 'tlsfrag:sni|split:sni']);
  });

  it('a bad strategy makes the file bad on load', () => {
    for (const strategies of [{ tls: ['split:0'] }, { dns: [{ https: { name: 'dns.example', address: 'dns.example:443' } }] }, { routes: [] }, []]) {
      const e = thrown(() => load({ strategies }));
      expect(e.code).toBe('bad-center-file');
      expect(e.message).toContain('strateg');
    }
  });
});
