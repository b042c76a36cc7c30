/**
 * Issue 8 acceptance: a 20,000-row CSV with 1% bad rows (generated here): every bad row is in the
 * rejects file with its line; the good rows are all in the outbox; a second import of the same file
 * before a flush adds nothing. Some texts span two lines, so line numbers are not row numbers.
 * Runs the built command (sealing in worker threads).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealpost } from '../harness/cli.js';
import { readCsv } from '../../src/relay/csv.js';

const ROWS = 20_000;
const BAD = ['XYZ', '', 'CCP'] as const; // bad orgs, missing orgs, and (with a bad date) a bad date
let dir: string;
let file: string;
const badLines = new Map<number, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-slow-'));
  expect((await sealpost(['keygen', '--name', 'slow.example', '--out', join(dir, 'keys')])).code).toBe(0);
  const lines = ['name,orgs,country,province,date,text'];
  let line = 2;
  for (let i = 0; i < ROWS; i++) {
    const multi = i % 7 === 0;
    if (i % 100 === 50) {
      const kind = (i / 100) % 3 | 0;
      const date = kind === 2 ? '2024-02-30' : '2024-02-01';
      lines.push(`bad${i},${BAD[kind]},CN,310000,${date},`);
      badLines.set(line, kind === 0 ? 'bad-value:orgs' : kind === 1 ? 'missing-field:orgs' : 'bad-value:date');
    } else {
      lines.push(`person ${i},CYL|CYP,cn,310000,2024-02-01,${multi ? `"first line ${i}\nsecond, line"` : `text ${i}`}`);
    }
    line += multi && i % 100 !== 50 ? 2 : 1;
  }
  file = join(dir, 'big.csv');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => sealpost(['--home', join(dir, 'home'), '--center', join(dir, 'keys', 'center.json'), '--json', ...args]);

describe('relay import of 20,000 rows', () => {
  it('rejects each bad row with its line, queues every good one, and a second import adds nothing', async () => {
    const first = await run(['relay', 'import', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: ROWS, good: ROWS - badLines.size, rejected: badLines.size, queued: ROWS - badLines.size });
    expect(badLines.size).toBe(ROWS / 100);

    const got = new Map<number, string>();
    let header = true;
    for await (const rec of readCsv([readFileSync(`${file}.rejects.csv`)])) {
      if (header) {
        expect(rec.fields).toEqual(['line', 'reason', 'name', 'orgs', 'country', 'province', 'date', 'text']);
        header = false;
        continue;
      }
      got.set(Number(rec.fields[0]), rec.fields[1]!.split(' ')[0]!);
      expect(rec.fields[2]).toMatch(/^bad\d+$/);
    }
    expect(got).toEqual(badLines);
    const outbox = join(dir, 'home', 'outbox');
    expect(readdirSync(outbox).filter((n) => n.endsWith('.json')).length).toBe(ROWS - badLines.size);

    const second = await run(['relay', 'import', file]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ queued: 0, skipped: ROWS - badLines.size });
    expect(readdirSync(outbox).filter((n) => n.endsWith('.json')).length).toBe(ROWS - badLines.size);
  });
});
