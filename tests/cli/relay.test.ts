/**
 * `sealpost relay import` and `relay report` run as the built command (issue 8, build point 2):
 * good rows queued in the outbox, the rejects file with each bad row's line and a reason in the
 * user's language (zh-CN and English) after its stable code, a second import queuing nothing,
 * exit 2 when no row is good, and no name or text of the rows anywhere under the home folder.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealpost } from '../harness/cli.js';

let dir: string;
let home: string;
let centerFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-cli-'));
  home = join(dir, 'home');
  const kg = await sealpost(['keygen', '--name', 'relay.example', '--out', join(dir, 'keys')]);
  expect(kg.code).toBe(0);
  centerFile = join(dir, 'keys', 'center.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['王秀英', 'Zhang Wei', '李四', 'Hidden Alias'];
const TEXT = 'I quit the Youth League today';
const CSV = [
  'name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group',
  `${NAMES[0]},yes,CCP|CYL,cn,440000,Shenzhen,education,phone,2024-03-01,"${TEXT}",no,`,
  `${NAMES[1]},0,CYL,CN,440000,,,,2024-03-01,,,family`,
  `${NAMES[2]},FALSE,CYP,CN,440000,,,,2024-03-01,,,family`,
  'bad one,maybe,CYL,CN,440000,,,,2024-03-01,,,',
  `${NAMES[3]},no,CYL,CN,110000,,,,2024-03-01,,,family`,
  'no orgs,no,,CN,440000,,,,2024-03-01,,,',
].join('\n');

const env = (lang: string) => ({ LANG: lang });
const run = (args: string[], lang = 'C') => sealpost(['--home', home, '--center', centerFile, ...args], { env: env(lang) });

function reasons(file: string): string[][] {
  return readFileSync(file, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 2));
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

describe('relay import (CLI)', () => {
  it('queues the good rows, writes the bad ones with line and zh-CN reason, and a second run in English queues nothing', async () => {
    const file = join(dir, 'calls.csv');
    writeFileSync(file, CSV);
    const first = await run(['--lang', 'zh-CN', 'relay', 'import', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('3 行无效');
    const zh = reasons(`${file}.rejects.csv`);
    expect(zh.map(([line, r]) => [line, r!.split(' ')[0]])).toEqual([
      ['5', 'bad-value:real_name'],
      ['6', 'group-mismatch'],
      ['7', 'missing-field:orgs'],
    ]);
    expect(zh[0]![1]).toBe('bad-value:real_name real_name 只能是 true、false、1、0、yes 或 no');
    expect(zh[1]![1]).toBe('group-mismatch 这一行的 province 与同组第一个有效行不同');
    expect(readdirSync(join(home, 'outbox')).length).toBe(2);

    const second = await run(['--json', 'relay', 'import', file]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ rows: 6, good: 3, rejected: 3, statements: 2, queued: 0, skipped: 2 });
    const en = reasons(`${file}.rejects.csv`);
    expect(en[1]![1]).toBe('group-mismatch the province of this row differs from the first good row of its group');
    expect(en[2]![1]).toBe('missing-field:orgs the orgs column is empty');
    expect(readdirSync(join(home, 'outbox')).length).toBe(2);

    // Spec 9: the home folder holds no name or text of the rows (only the rejects file beside the input does).
    for (const f of filesUnder(home)) {
      const content = readFileSync(f, 'utf8');
      for (const s of [...NAMES, TEXT, 'Shenzhen']) expect(content, f).not.toContain(s);
    }
  });

  it('exits 2 with a JSON error when no row is good, and refuses a file without the required columns', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'name,orgs,country,date\nx,XYZ,CN,2024-01-01\n');
    const r = await run(['--json', 'relay', 'import', file]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('no-good-rows');
    expect(r.stderr).toContain('1 rows rejected');
    writeFileSync(file, 'name,orgs\nx,CYL\n');
    const h = await run(['relay', 'import', file]);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/has no country column/);
    const missing = await run(['relay', 'import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
  });

  it('relay report prints the CSV header and says receipts are kept only with --keep-receipts', async () => {
    const r = await run(['relay', 'report']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('file,line,envelope,index,hour\r\n');
    expect(r.stderr).toContain('--keep-receipts');
    const j = await run(['--json', 'relay', 'report']);
    expect(JSON.parse(j.stdout)).toEqual({ rows: [], waiting: 2 });
  });
});
