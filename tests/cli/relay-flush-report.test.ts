/**
 * A volunteer's whole batch, end to end (issue 8, build point 2): `relay import --keep-receipts`
 * of a CSV, `outbox flush` to a real `sealpost serve`, then `relay report` ties each delivered row
 * (file and line, never a name) to a receipt that verifies for its envelope; a re-import after the
 * flush queues nothing (its rows are delivered and their receipts kept), and the kept statement
 * ids and tag keys are there for `verify --counted` (spec 9).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/base64.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { sealpost } from '../harness/cli.js';

let c: TestCenter;
let dir: string;
let home: string;

beforeAll(async () => {
  c = await startCenter();
  dir = mkdtempSync(join(tmpdir(), 'relay-flush-report-'));
  home = join(dir, 'home');
});
afterAll(async () => {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
});

const NAMES = ['陈报告', 'Report Alias', '周报告'];
const CSV = [
  'name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group',
  `${NAMES[0]},yes,CCP,CN,440000,,,phone,2024-03-01,,,`,
  'broken,maybe,CYL,CN,440000,,,,2024-03-01,,,',
  `${NAMES[1]},no,CYL,CN,110000,,,,2024-03-01,,,`,
  `${NAMES[2]},no,CYP,TW,,,,,2024-03-02,,,`,
].join('\n');

const run = (args: string[]) => sealpost(['--home', home, '--center', join(c.keysDir, 'center.json'), ...args]);
const routes = () => ['--only-routes', '--route', c.url.href];

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

interface Row {
  file: string;
  line: number;
  envelope: string;
  index: number;
  hour: number;
  receipt: string;
}

describe('relay import → outbox flush → relay report', () => {
  it('ties every delivered row to a receipt that verifies for its envelope, by line, and a re-import adds nothing', async () => {
    const file = join(dir, 'calls.csv');
    writeFileSync(file, CSV);
    const imp = await run(['--keep-receipts', 'relay', 'import', file]);
    expect(imp.code, imp.stderr).toBe(0);
    const flush = await run(['--keep-receipts', 'outbox', 'flush', ...routes(), '--json']);
    expect(flush.code, flush.stderr).toBe(0);
    expect(JSON.parse(flush.stdout)).toMatchObject({ delivered: 3, pending: 0, failed: 0 });

    const report = await run(['--json', 'relay', 'report']);
    expect(report.code, report.stderr).toBe(0);
    const { rows, waiting } = JSON.parse(report.stdout) as { rows: Row[]; waiting: number };
    expect(waiting).toBe(0);
    expect(rows.map((r) => [r.file, r.line])).toEqual([[file, 2], [file, 4], [file, 5]]);
    const indexes = new Set<number>();
    for (const r of rows) {
      const f = verifyReceipt(r.receipt, { center: c.center.name, logKey: c.center.logKey, eh: fromHex(r.envelope, 32)! });
      expect([f.index, f.hour]).toEqual([r.index, r.hour]);
      indexes.add(r.index);
    }
    expect(indexes.size).toBe(3);

    // The CSV form prints the same rows, header first.
    const csv = await run(['relay', 'report']);
    expect(csv.stdout.split('\r\n').filter(Boolean)).toEqual(['file,line,envelope,index,hour', ...rows.map((r) => `${r.file},${r.line},${r.envelope},${r.index},${r.hour}`)]);

    // Kept for verify --counted: one statement id and tag key per row; never a name anywhere in the home.
    const items = await new Outbox(home).list();
    expect(items.map((i) => i.counted?.region).sort()).toEqual(['CN-110000', 'CN-440000', 'TW']);
    const text = filesUnder(home).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const name of NAMES) expect(text).not.toContain(name);

    const again = await run(['--keep-receipts', 'relay', 'import', file]);
    expect(again.code, again.stderr).toBe(0);
    const list = JSON.parse((await run(['outbox', 'list', '--json'])).stdout) as { state: string }[];
    expect(list.map((i) => i.state)).toEqual(['delivered', 'delivered', 'delivered']);
  });
});
