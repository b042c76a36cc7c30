/**
 * Issue 12 through the built command (`npx tsc -p tsconfig.json && npx rolldown -c
 * rolldown.config.mjs` first): `sealpost routes test --strategies` says per route which DNS and TLS
 * strategies get through on this network, in both languages and as JSON; `submit --json` names the
 * combination of each attempt. The censor is a per-packet SNI filter on 127.0.0.1
 * (tests/harness/sni-filter.mjs) in front of a real TLS center; nothing else is a target.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerFileWith, startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';
import { startSniFilter, type SniFilter } from '../harness/sni-filter.mjs';

let c: TestCenter;
let censor: SniFilter;
let tmp: string;
let centerFile: string;
const statement = ['--name', 'strategies', '--orgs', 'CYL', '--country', 'CN', '--province', '110000'];

beforeAll(async () => {
  c = await startCenter({ tls: true });
  censor = await startSniFilter({ mode: 'packet', target: { host: '127.0.0.1', port: Number(c.url.port) }, blocked: 'center.test' });
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-cli-strategies-'));
  centerFile = await centerFileWith(c, join(tmp, 'center.json'), {
    routes: [{ id: 'direct-1', kind: 'direct', url: `https://center.test:${c.url.port}/`, connect: `127.0.0.1:${censor.port}`, ca: TEST_CA }],
    strategies: { tls: ['', 'tlsfrag:sni'] },
  });
});
afterAll(async () => {
  await censor.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

interface Combo {
  route: string;
  dns: string;
  tls: string;
  outcome: string;
  ms: number;
}

describe('sealpost routes test --strategies', () => {
  it('--json: per route, the plain ClientHello is reset and tlsfrag:sni gets through', async () => {
    const r = await sealpost(['routes', 'test', '--strategies', '--json', '--home', join(tmp, 'h1'), '--center', centerFile]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { route: string; dns: { ok: string[]; failed: string[] }; tls: { ok: string[]; failed: string[] }; combinations: Combo[] }[];
    expect(doc).toHaveLength(1);
    expect(doc[0]!.route).toBe('direct-1');
    expect(doc[0]!.combinations.map((x) => [x.route, x.dns, x.tls, x.outcome])).toEqual([
      ['direct-1', 'system', '', 'reset'],
      ['direct-1+tlsfrag:sni', 'system', 'tlsfrag:sni', 'ok'],
    ]);
    expect(doc[0]!.tls).toEqual({ ok: ['tlsfrag:sni'], failed: [''] });
    expect(doc[0]!.dns).toEqual({ ok: ['system'], failed: [] });
  });

  it('in zh-CN and English: a table and one verdict line per route', async () => {
    const zh = await sealpost(['routes', 'test', '--strategies', '--lang', 'zh-CN', '--home', join(tmp, 'h2'), '--center', centerFile]);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toMatch(/direct-1\+tlsfrag:sni/);
    expect(zh.stdout).toContain('不分片');
    expect(zh.stderr).toContain('direct-1：使用 DNS 系统解析器 和 TLS tlsfrag:sni 可以通过');
    expect(zh.stderr).toContain('2 种组合中有 1 种可以通过');
    const en = await sealpost(['routes', 'test', '--strategies', '--lang', 'en', '--home', join(tmp, 'h2'), '--center', centerFile]);
    expect(en.stderr).toContain('direct-1: gets through with DNS system resolver and TLS tlsfrag:sni');
    expect(en.stderr).toContain('direct-1: never got through with DNS -; TLS plain');
  });

  it('exit 3 when no combination gets through; --strategy adds one for this run', async () => {
    const only = join(tmp, 'center-plain.json');
    const doc = JSON.parse(await readFile(centerFile, 'utf8')) as Record<string, unknown>;
    await writeFile(only, JSON.stringify({ ...doc, strategies: undefined }));
    const none = await sealpost(['routes', 'test', '--strategies', '--lang', 'en', '--home', join(tmp, 'h3'), '--center', only]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('direct-1: no combination gets through on this network');
    const flag = await sealpost(['routes', 'test', '--strategies', '--json', '--strategy', 'tlsfrag:sni', '--home', join(tmp, 'h3'), '--center', only]);
    expect(flag.code).toBe(0);
    expect((JSON.parse(flag.stdout) as { tls: { ok: string[] } }[])[0]!.tls.ok).toEqual(['tlsfrag:sni']);
  });
});

describe('submit --json names the combination of each attempt', () => {
  it('the plain attempt is reset, the tlsfrag one delivers; the next submit starts with it', async () => {
    const home = join(tmp, 'h-submit');
    const r = await sealpost(['submit', '--json', '--home', home, '--center', centerFile, ...statement]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { delivered: boolean; route: string; attempts: { route: string; outcome: string; strategy?: { dns: string; tls: string } }[] };
    expect(doc.delivered).toBe(true);
    expect(doc.route).toBe('direct-1+tlsfrag:sni');
    expect(doc.attempts.find((a) => a.route === 'direct-1')).toEqual(expect.objectContaining({ outcome: 'reset' }));
    expect(doc.attempts.find((a) => a.route === 'direct-1')).not.toHaveProperty('strategy');
    expect(doc.attempts.find((a) => a.route === 'direct-1+tlsfrag:sni')).toEqual(expect.objectContaining({ outcome: 'delivered', strategy: { dns: 'system', tls: 'tlsfrag:sni' } }));
    const again = await sealpost(['submit', '--json', '--home', home, '--center', centerFile, ...statement]);
    const doc2 = JSON.parse(again.stdout) as typeof doc;
    expect(doc2.attempts).toEqual([expect.objectContaining({ route: 'direct-1+tlsfrag:sni', outcome: 'delivered' })]);
  });
});
