/**
 * `--strategy <tls>` (issue 12), by running the built command: the entry joins every route's tls
 * list for this run. Behind a record-level SNI censor on loopback (it reassembles TCP, then resets
 * a connection whose ClientHello shows the center's name whole in one TLS record), the plain route
 * fails and `--strategy tlsfrag:sni` delivers with a verified receipt; `split:sni` alone does not
 * get past a censor that reassembles. A malformed entry is bad input (exit 2) and nothing is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { centerFileWith, startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA } from '../harness/censor.js';
import { sealpost, type SubmitJson } from '../harness/cli.js';
import { sniCensor, type SniCensor } from '../harness/tls-capture.js';

let c: TestCenter;
let censor: SniCensor;
let tmp: string;
let file: string;
const statement = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];

beforeAll(async () => {
  c = await startCenter({ tls: true });
  censor = await sniCensor(Number(c.url.port), 'center.test');
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-strategy-'));
  const route = { id: 'direct-1', kind: 'direct', url: `https://center.test:${c.url.port}/`, connect: `127.0.0.1:${censor.port}`, ca: TEST_CA };
  file = await centerFileWith(c, join(tmp, 'center.json'), { routes: [route] });
});
afterAll(async () => {
  await censor.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});


const submit = (home: string, ...extra: string[]) => sealpost(['submit', '--json', '--home', join(tmp, home), '--center', file, ...extra, ...statement]);

describe('submit --strategy', () => {
  it('the plain ClientHello is reset by the censor', async () => {
    const before = censor.resets();
    const r = await submit('h-plain');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as SubmitJson;
    expect(out.delivered).toBe(false);
    expect(out.attempts.map((a) => a.route)).toEqual(['direct-1']);
    expect(censor.resets()).toBeGreaterThan(before);
  });

  it('tlsfrag:sni gets past it with a verified receipt', async () => {
    const r = await submit('h-frag', '--strategy', 'tlsfrag:sni');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as SubmitJson;
    expect(out.delivered).toBe(true);
    expect(out.route).toBe('direct-1+tlsfrag:sni');
    expect(out.receipt).toContain(c.center.name);
  });

  it('split:sni alone does not: this censor reassembles the TCP stream', async () => {
    const r = await submit('h-split', '--strategy', 'split:sni');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as SubmitJson;
    expect(out.attempts.map((a) => a.route).sort()).toEqual(['direct-1', 'direct-1+split:sni']);
    expect(out.attempts.every((a) => a.outcome !== 'delivered')).toBe(true);
  });

  it.each(['split:0', 'tlsfrag:sni|tlsfrag:2', 'disorder:1', ''.padEnd(3, '|')])('refuses %j: bad input, exit 2, nothing sent', async (value) => {
    const before = censor.accepted();
    const r = await submit('h-bad', '--strategy', value);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout) as unknown).toMatchObject({ error: { code: 'bad-strategy', hint: 'check --strategy' } });
    expect(censor.accepted()).toBe(before);
  });

  it('names the flag in the user\'s language', async () => {
    const r = await sealpost(['submit', '--lang', 'zh-CN', '--home', join(tmp, 'h-zh'), '--center', file, '--strategy', 'split:1|split:2', ...statement]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--strategy：策略 "split:1|split:2"：split 出现了两次');
  });

  it('is on submit, outbox flush and routes test, in both languages\' help', async () => {
    for (const args of [['submit'], ['outbox', 'flush'], ['routes', 'test']]) {
      const en = await sealpost([...args, '--help', '--lang', 'en']);
      expect(en.stdout).toContain('--strategy <tls>');
      expect(en.stdout).toContain('tlsfrag:sni|split:sni');
      const zh = await sealpost([...args, '--help', '--lang', 'zh-CN']);
      expect(zh.stdout).toContain('--strategy <TLS 策略>');
    }
  });
});
