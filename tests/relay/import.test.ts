/**
 * relay import as a library (issue 8, build point 2): good rows sealed into a real outbox with
 * their origin (file, line) and ref, bad rows in the rejects file as `line,reason,<original
 * columns>` with a stable code, a re-import that queues nothing, JSON Lines, the worker-thread
 * sealing giving envelopes the center opens, and the relay secret (created once, sealed under a
 * passphrase, refused without it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boxKeyPair, openEnvelopeText } from '../../src/crypto/envelope.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { importRelayFile, type ImportOptions } from '../../src/relay/import.js';
import { loadRelaySecret, SECRET_FILE } from '../../src/relay/secret.js';
import { readCsv } from '../../src/relay/csv.js';

const TODAY = '2025-01-01';
const FAST_KDF = { N: 1024, r: 8, p: 1 };
const center = boxKeyPair();
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(file: string, extra: Partial<ImportOptions> = {}) {
  const home = join(dir, 'home');
  const secret = await loadRelaySecret(home);
  const outbox = new Outbox(home);
  const r = await importRelayFile({ file, outbox, boxKey: center.publicKey, secret, today: TODAY, threads: 0, ...extra });
  return { r, outbox, home };
}

async function records(file: string) {
  const out = [];
  for await (const rec of readCsv([readFileSync(file)])) out.push(rec);
  return out;
}

const CSV = [
  'name,orgs,country,province,date,group,text',
  '小李,CCP|CYL,cn,110000,2024-01-02,,"hello, ""world""',
  'second line"',
  'bad,XYZ,CN,110000,2024-01-02,,',
  'A,CYL,CN,110000,2024-01-02,g1,t',
  'B,CYL,CN,120000,2024-01-02,g1,t',
  'C,cyp,cn,110000,2024-01-02,g1,x',
  ',CYL,CN,110000,2024-01-02,,',
  'too,many,fields,here,2024-01-02,,,extra',
  '小李,CCP|CYL,cn,110000,2024-01-02,,"hello, ""world""\nsecond line"',
].join('\r\n');

describe('relay import', () => {
  it('queues the good rows with file and line, writes each bad row with its line and reason, and a re-import queues nothing', async () => {
    const file = join(dir, 'in.csv');
    writeFileSync(file, CSV);
    const { r, outbox } = await run(file);
    expect(r).toEqual({ rows: 8, good: 4, rejected: 4, statements: 3, queued: 3, skipped: 0, rejectsFile: `${file}.rejects.csv` });
    const rej = await records(`${file}.rejects.csv`);
    expect(rej[0]!.fields).toEqual(['line', 'reason', 'name', 'orgs', 'country', 'province', 'date', 'group', 'text']);
    expect(rej.slice(1).map((x) => [x.fields[0], x.fields[1]!.split(' ')[0]])).toEqual([
      ['4', 'bad-value:orgs'],
      ['6', 'group-mismatch'],
      ['8', 'missing-field:name'],
      ['9', 'bad-columns'],
    ]);
    expect(rej[1]!.fields.slice(2)).toEqual(['bad', 'XYZ', 'CN', '110000', '2024-01-02', '', '']);
    expect(rej[1]!.fields[1]).toBe('bad-value:orgs orgs must be one of: CCP, CYL, CYP');
    const items = await outbox.list();
    expect(items.map((i) => i.origin?.line).sort()).toEqual([10, 2, 5]);
    const opened = items.map((i) => JSON.parse(openEnvelopeText(i.envelope, [center.secretKey])));
    const byLine = new Map(items.map((i, k) => [i.origin!.line, opened[k]]));
    expect(byLine.get(5).people.map((p: { name: string }) => p.name)).toEqual(['A', 'C']);
    expect(byLine.get(2).text).toBe('hello, "world"\nsecond line');
    expect(byLine.get(2).channel).toBe('relay');
    // Two identical rows (lines 2 and 10) are two statements, with two ids.
    expect(byLine.get(2).id).not.toBe(byLine.get(10).id);
    for (const i of items) expect(i.origin!.file).toBe(file);

    const again = await run(file);
    expect(again.r).toMatchObject({ good: 4, queued: 0, skipped: 3 });
    expect((await outbox.list()).length).toBe(3);
  });

  it('removes a stale rejects file when no row is rejected', async () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(`${file}.rejects.csv`, 'old');
    writeFileSync(file, 'name,orgs,country,date\nx,CYP,US,2024-01-02\n');
    const { r } = await run(file);
    expect(r).toMatchObject({ good: 1, rejected: 0, rejectsFile: null });
    expect(existsSync(`${file}.rejects.csv`)).toBe(false);
  });

  it('refuses a header it cannot use, naming the column', async () => {
    const file = join(dir, 'h.csv');
    writeFileSync(file, 'name,orgs,country\nx,CYP,US\n');
    await expect(run(file)).rejects.toMatchObject({ code: 'bad-header', params: { column: 'date' } });
    writeFileSync(file, '');
    await expect(run(file)).rejects.toMatchObject({ code: 'bad-header', key: 'relay.header.empty' });
  });

  it('reads JSON Lines with the CSV column names; a bad line is rejected with its line and the line as it was', async () => {
    const file = join(dir, 'in.jsonl');
    const lines = [
      JSON.stringify({ name: 'x', orgs: ['CCP', 'CYP'], country: 'us', date: '2024-01-02', publish: true }),
      '',
      '{not json',
      JSON.stringify({ name: 'y', orgs: 'CYL', country: 'US', date: '2024-01-02', nickname: 'z' }),
      JSON.stringify({ name: 'y', orgs: 'CYL', country: 'US', date: '2024-01-02', province: 5 }),
    ];
    writeFileSync(file, lines.join('\n'));
    const { r, outbox } = await run(file);
    expect(r).toMatchObject({ rows: 4, good: 1, rejected: 3, queued: 1 });
    const rej = await records(`${file}.rejects.csv`);
    expect(rej[0]!.fields).toEqual(['line', 'reason', 'json']);
    expect(rej.slice(1).map((x) => [x.fields[0], x.fields[1]!.split(' ')[0], x.fields[2]])).toEqual([
      ['3', 'bad-json', '{not json'],
      ['4', 'unknown-field:nickname', lines[3]],
      ['5', 'bad-value:province', lines[4]],
    ]);
    const [item] = await outbox.list();
    expect(JSON.parse(openEnvelopeText(item!.envelope, [center.secretKey]))).toMatchObject({ people: [{ name: 'x', orgs: ['CCP', 'CYP'] }], publish: true, region: { country: 'US' } });
  });

  it('seals in worker threads behind a bounded queue, and the center opens every envelope', async () => {
    const file = join(dir, 'many.csv');
    writeFileSync(file, ['name,orgs,country,date', ...Array.from({ length: 60 }, (_, i) => `p${i},CYL,US,2024-01-02`)].join('\n'));
    const workerScript = new URL('../../dist/src/relay/seal-worker.js', import.meta.url);
    const { r, outbox } = await run(file, { threads: 2, poolAfter: 5, workerScript });
    expect(r).toMatchObject({ good: 60, queued: 60 });
    const names = (await outbox.list()).map((i) => JSON.parse(openEnvelopeText(i.envelope, [center.secretKey])).people[0].name);
    expect(names.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `p${i}`).sort());
  });
});

describe('relay secret', () => {
  it('is created once, 32 bytes, mode 0600, and the same on every load', async () => {
    const home = join(dir, 'h');
    const a = await loadRelaySecret(home);
    expect(a.length).toBe(32);
    expect(await loadRelaySecret(home)).toEqual(a);
    const { statSync } = await import('node:fs');
    expect(statSync(join(home, SECRET_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is sealed under the passphrase, refused without it or with another, and a clear one is sealed when a passphrase comes', async () => {
    const home = join(dir, 'h');
    const clear = await loadRelaySecret(home);
    const sealed = await loadRelaySecret(home, { passphrase: 'pw', kdf: FAST_KDF });
    expect(sealed).toEqual(clear);
    const text = readFileSync(join(home, SECRET_FILE), 'utf8');
    expect(text).toContain('sealpost/at-rest/v1');
    expect(text).not.toContain(Buffer.from(clear).toString('base64'));
    await expect(loadRelaySecret(home)).rejects.toMatchObject({ code: 'relay-secret-locked', key: 'relay.secret.locked' });
    await expect(loadRelaySecret(home, { passphrase: 'other', kdf: FAST_KDF })).rejects.toMatchObject({ key: 'relay.secret.wrong-passphrase' });
    expect(await loadRelaySecret(home, { passphrase: 'pw', kdf: FAST_KDF })).toEqual(clear);
  });
});
