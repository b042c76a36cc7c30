/**
 * `--doh <name>@<ip>:<port>` and `--dot` (issue 12, wire spec 6), by running the built command: the
 * resolver joins every direct route's dns list for this run, so a center whose name only the DoH
 * server on loopback knows (`center.test`) gets the statement with a verified receipt; a bad value
 * is bad input (exit 2, `bad-strategy`) and nothing is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPE_A } from '../../src/transport/strategy/dns-wire.js';
import { centerFileWith, startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA } from '../harness/censor.js';
import { sealpost, type SubmitJson } from '../harness/cli.js';
import { socksProxy } from '../harness/socks.js';
import { a, answer, dohServer, RESOLVER_NAME, rr, type TestResolver } from '../harness/dns.js';

let c: TestCenter;
let doh: TestResolver;
let tmp: string;
let file: string;
// The resolver's certificate is from the test CA; from the command line a resolver has the system roots.
const env = { NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('../fixtures/tls/ca.pem', import.meta.url)) };
const statement = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];

beforeAll(async () => {
  c = await startCenter({ tls: true });
  doh = await dohServer((q) => answer(q, q.type === TYPE_A ? [rr(q.name, TYPE_A, 300, a('127.0.0.1'))] : []));
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-doh-'));
  file = await centerFileWith(c, join(tmp, 'center.json'), { routes: [{ id: 'direct-1', kind: 'direct', url: `https://center.test:${c.url.port}/`, ca: TEST_CA }] });
});
afterAll(async () => {
  await doh.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});


describe('submit --doh', () => {
  it('delivers to a name only the resolver knows, with a verified receipt', async () => {
    const before = doh.queries();
    const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home-1'), '--center', file, '--doh', `${RESOLVER_NAME}@${doh.address}`, ...statement], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SubmitJson;
    expect(out.delivered).toBe(true);
    expect(out.route).toBe(`direct-1+doh:${RESOLVER_NAME}`);
    expect(out.receipt).toContain(c.center.name);
    expect(doh.queries() - before).toBeGreaterThanOrEqual(2);
  });

  it('asks nothing while a proxy is set: the name goes to the proxy', async () => {
    const proxy = await socksProxy();
    try {
      const before = doh.queries();
      const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home-4'), '--center', file, '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '--doh', `${RESOLVER_NAME}@${doh.address}`, ...statement], { env });
      // The test proxy looks center.test up with the system, which does not know it: nothing delivers.
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout) as SubmitJson;
      expect(out.attempts.map((x) => x.route)).toEqual(['direct-1+proxy-1']);
      expect(doh.queries()).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it.each([
    ['no name', `@127.0.0.1:443`],
    ['no address', RESOLVER_NAME],
    ['a name for an address', `${RESOLVER_NAME}@dns.example:443`],
    ['a bad port', `${RESOLVER_NAME}@127.0.0.1:70000`],
    ['no port', `${RESOLVER_NAME}@127.0.0.1`],
  ])('refuses %s: bad input, exit 2', async (_what, value) => {
    const before = doh.queries();
    const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home-2'), '--center', file, '--doh', value, ...statement], { env });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout) as { error: { code: string } }).toMatchObject({ error: { code: 'bad-strategy' } });
    expect(doh.queries()).toBe(before);
  });

  it('says how to give a resolver without its address, in both languages', async () => {
    for (const [lang, want] of [['en', '<name>@<ip>:<port>'], ['zh-CN', '请写成 <域名>@<IP>:<端口>']] as const) {
      for (const flag of ['--doh', '--dot']) {
        const r = await sealpost(['submit', '--lang', lang, '--home', join(tmp, 'home-4'), '--center', file, flag, RESOLVER_NAME, ...statement], { env });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(flag);
        expect(r.stderr).toContain(want);
      }
    }
  });

  it('names the flag in the user\'s language', async () => {
    const r = await sealpost(['submit', '--lang', 'zh-CN', '--home', join(tmp, 'home-3'), '--center', file, '--dot', 'x@y', ...statement], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dot');
    expect(r.stderr).toMatch(/策略/);
  });

  it('is on outbox flush and routes test, in both languages\' help', async () => {
    for (const args of [['submit'], ['outbox', 'flush'], ['routes', 'test']]) {
      const en = await sealpost([...args, '--help', '--lang', 'en']);
      expect(en.stdout).toContain('--doh <resolver>');
      expect(en.stdout).toContain('--dot <resolver>');
      expect(en.stdout).toContain('<name>@<ip>:<port>');
      const zh = await sealpost([...args, '--help', '--lang', 'zh-CN']);
      expect(zh.stdout).toContain('--doh <解析服务器>');
    }
  });
});
