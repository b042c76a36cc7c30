/**
 * The offline tally against a real intake data folder (issue 10): every kind of bad envelope is
 * counted under its reason and never in the totals, the note's numbers are exact, a second run
 * appends one consistent batch, and the private report lists likely duplicates.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTally, type TallyResult } from '../../src/center/tally/run.js';
import { SECTOR_CELL_MIN } from '../../src/center/tally/batch.js';
import { parseCheckpointText, checkpointText } from '../../src/log/checkpoint.js';
import { byteOrder, parseCountedEntries, parseTallyNote } from '../../src/log/counted.js';
import { MemoryHashes, consistencyPlan, leafHash, runSync, treeHashPlan, verifyConsistency } from '../../src/log/merkle.js';
import { recount } from '../../src/log/recount.js';
import { parseNote } from '../../src/crypto/note.js';
import { countedKeep, isoWeek } from '../../src/statement/counted.js';
import { statementTag } from '../../src/statement/tag.js';
import type { Statement } from '../../src/statement/types.js';
import { seeded } from '../harness/prng.js';
import { expectedTotals, fill, makeDataFolder, makeStatement, newLedger, seal, type DataFolder, type Ledger } from './fixture.js';

const TODAY = '2026-11-30';
let f: DataFolder;
const ledger: Ledger = newLedger();
let out: string;
let priv: string;
let first: TallyResult;
let twins: Statement[];

const read = (p: string) => readFile(p, 'utf8');
const files = async (dir: string) => ({
  entries: await read(join(dir, 'counted', 'entries')),
  checkpoint: await read(join(dir, 'counted', 'checkpoint')),
  note: await read(join(dir, 'tally.note')),
});

beforeAll(async () => {
  f = await makeDataFolder();
  await fill(f, 1, 300, ledger);
  // Likely duplicates (private list): the same people, region and day in two different statements.
  const rand = seeded(99);
  const a = makeStatement(rand, { region: { country: 'CN', province: '230000' }, date: '2026-01-05' });
  twins = [a, { ...makeStatement(rand), people: a.people, region: a.region, date: a.date }];
  for (const t of twins) {
    await f.append(seal(t, f.boxKey));
    ledger.counted.push(t);
  }
  out = join(f.dir, 'out');
  priv = join(f.dir, 'private');
  first = await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: out, privateDir: priv, threads: 0, today: TODAY, milestoneStep: 100 });
});

afterAll(async () => {
  await f.store.close();
  await rm(f.dir, { recursive: true, force: true });
});

describe('tally: first run', () => {
  it('counts each rejected envelope under its reason and every received one exactly once', async () => {
    const size = await f.store.count();
    const note = parseTallyNote(parseNote(await read(join(out, 'tally.note'))).text);
    expect(note.rejected).toEqual(ledger.rejected);
    expect(ledger.rejected.duplicate).toBeGreaterThan(5);
    expect(ledger.rejected.invalid).toBeGreaterThan(3);
    expect(ledger.rejected.undecryptable).toBeGreaterThan(3);
    expect(note.received.size).toBe(size);
    expect(note.statements + note.rejected.duplicate + note.rejected.invalid + note.rejected.undecryptable).toBe(size);
  });

  it('writes the note of spec 8 with exact totals, regions and milestones', async () => {
    const exp = expectedTotals(ledger.counted);
    const text = parseNote(await read(join(out, 'tally.note'))).text;
    const note = parseTallyNote(text);
    expect(note.center).toBe('center.test');
    expect([note.statements, note.people, note.orgs.CCP, note.orgs.CYL, note.orgs.CYP]).toEqual([exp.statements, exp.people, exp.CCP, exp.CYL, exp.CYP]);
    const regions = new Map<string, number>();
    for (const k of ledger.counted.map(countedKeep)) regions.set(k.region, (regions.get(k.region) ?? 0) + k.people);
    expect(note.regions).toEqual([...regions].sort((a, b) => byteOrder(a[0], b[0])));
    // Milestones: the first week whose running total reaches k x 100.
    const weeks = new Map<string, number>();
    for (const k of ledger.counted.map(countedKeep)) weeks.set(k.week, (weeks.get(k.week) ?? 0) + k.people);
    let run = 0;
    const want: Array<readonly [number, string]> = [];
    for (const [w, n] of [...weeks].sort((a, b) => byteOrder(a[0], b[0]))) {
      run += n;
      while ((want.length + 1) * 100 <= run) want.push([(want.length + 1) * 100, w]);
    }
    expect(note.milestoneStep).toBe(100);
    expect(note.milestones).toEqual(want);
    expect(text.split('\n').slice(0, 9).map((l) => l.split(' ')[0])).toEqual(['sealpost/tally/v1', 'center.test', 'counted', 'received', 'total', 'total', 'org', 'org', 'org']);
  });

  it('appends one batch sorted by (week, tag), sectors published only for cells of 10 or more', async () => {
    const entries = parseCountedEntries(await read(join(out, 'counted', 'entries')));
    expect(new Set(entries.map((e) => e.tag))).toEqual(expectedTotals(ledger.counted).tags);
    const sorted = [...entries].sort((a, b) => byteOrder(a.week, b.week) || byteOrder(a.tag, b.tag));
    expect(entries).toEqual(sorted);
    const cells = new Map<string, number>();
    const cell = (k: { region: string; sector: string; week: string }) => `${k.region} ${k.sector} ${k.week}`;
    for (const k of ledger.counted.map(countedKeep)) if (k.sector !== '-') cells.set(cell(k), (cells.get(cell(k)) ?? 0) + 1);
    const byTag = new Map(ledger.counted.map((s) => [statementTag(s), countedKeep(s)]));
    for (const e of entries) {
      const k = byTag.get(e.tag)!;
      expect([e.week, e.people, e.ccp, e.cyl, e.cyp, e.region]).toEqual([k.week, k.people, k.ccp, k.cyl, k.cyp, k.region]);
      expect(e.sector).toBe(k.sector !== '-' && cells.get(cell(k))! >= SECTOR_CELL_MIN ? k.sector : '-');
    }
    expect(entries.filter((e) => e.sector === 'court').length).toBe(12);
    expect(isoWeek('2026-02-11')).toBe(entries.find((e) => e.sector === 'court')!.week);
  });

  it('signs a checkpoint of the counted log that recount accepts', async () => {
    const r = recount(await files(out), f.center.tallyKey);
    expect(r.entries.length).toBe(first.report.counted.size);
    const cp = parseCheckpointText(checkpointText(await read(join(out, 'counted', 'checkpoint'))));
    expect(cp.origin).toBe('center.test/counted');
  });

  it('writes tally.json and CSV tables whose areas add up to the total', async () => {
    const report = JSON.parse(await read(join(out, 'tally.json')));
    const exp = expectedTotals(ledger.counted);
    expect(report.totals).toEqual({ statements: exp.statements, people: exp.people });
    const { mainland, HK, MO, TW, abroad } = report.areas;
    expect(mainland + HK + MO + TW + abroad).toBe(exp.people);
    expect(report.regions.find((r: { code: string }) => r.code === 'CN-110000')).toMatchObject({ zh: '北京市', en: 'Beijing' });
    const regions = await read(join(out, 'regions.csv'));
    expect(regions.split('\r\n')[0]).toBe('code,area,name_zh,name_en,people,statements');
    const weekly = report.weekly as Array<{ cumulativePeople: number }>;
    expect(weekly.at(-1)!.cumulativePeople).toBe(exp.people);
  });

  it('lists likely duplicates, unsuppressed sectors and rejection details only in --private', async () => {
    const dupes = await read(join(priv, 'likely-duplicates.csv'));
    const lines = dupes.trim().split('\r\n');
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain(twins[0]!.people[0]!.name);
    expect(lines[1]).toContain(statementTag(twins[0]!));
    const p = JSON.parse(await read(join(priv, 'private.json')));
    expect(p.names.real + p.names.alias).toBe(expectedTotals(ledger.counted).people);
    expect(Object.keys(p.rejectedDetails).some((k) => k.startsWith('undecryptable:box'))).toBe(true);
    expect(Object.keys(p.rejectedDetails).some((k) => k.startsWith('invalid:'))).toBe(true);
    // Nothing that names a person in --out.
    for (const name of ['tally.json', 'counted/entries', 'tally.note', 'regions.csv']) expect(await read(join(out, name))).not.toContain('person-');
  });
});

describe('tally: a second run', () => {
  it('appends only the new statements as one batch, consistent with the first checkpoint', async () => {
    const cp1 = parseCheckpointText(checkpointText(await read(join(out, 'counted', 'checkpoint'))));
    const more = newLedger();
    await fill(f, 2, 80, more);
    // A statement counted in the first run, sent again: a duplicate now.
    await f.append(seal(ledger.counted[5]!, f.boxKey));
    more.rejected.duplicate++;
    const second = await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: out, privateDir: priv, threads: 0, today: TODAY, milestoneStep: 100 });
    expect(second.appended).toBe(more.counted.length);
    expect(second.resumed).toBe(false);
    const text = await read(join(out, 'counted', 'entries'));
    const lines = text.slice(0, -1).split('\n');
    expect(lines.length).toBe(cp1.size + more.counted.length);
    // The first batch is unchanged and the second is sorted on its own.
    const batch2 = parseCountedEntries(lines.slice(cp1.size).join('\n') + '\n');
    expect(batch2).toEqual([...batch2].sort((a, b) => byteOrder(a.week, b.week) || byteOrder(a.tag, b.tag)));
    const cp2 = parseCheckpointText(checkpointText(await read(join(out, 'counted', 'checkpoint'))));
    const tree = new MemoryHashes();
    for (const l of lines) tree.append(leafHash(new TextEncoder().encode(l)));
    const read2 = (p: readonly number[]) => tree.readHashes(p);
    expect(Buffer.from(runSync(treeHashPlan(cp1.size), read2))).toEqual(Buffer.from(cp1.root));
    verifyConsistency(cp1.size, cp2.size, runSync(consistencyPlan(cp1.size, cp2.size), read2), cp1.root, cp2.root);
    const note = recount(await files(out), f.center.tallyKey).note;
    expect(note.rejected).toEqual({
      duplicate: ledger.rejected.duplicate + more.rejected.duplicate,
      invalid: ledger.rejected.invalid + more.rejected.invalid,
      undecryptable: ledger.rejected.undecryptable + more.rejected.undecryptable,
    });
    expect(note.received.size).toBe(await f.store.count());
  });

  it('appends nothing when nothing arrived, and rewrites the same files', async () => {
    const before = await files(out);
    // What a run killed while writing the entries beside their place would have left: removed.
    await writeFile(join(out, 'counted', 'entries.4242.0123456789ab.tmp'), 'half');
    const again = await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: out, privateDir: priv, threads: 0, today: TODAY, milestoneStep: 100 });
    expect(again.appended).toBe(0);
    expect(await files(out)).toEqual(before);
    expect((await readdir(join(out, 'counted'))).sort()).toEqual(['checkpoint', 'entries']);
    // The run file is the run's journal kept (a hard link here), and the journal is gone.
    expect((await readdir(join(priv, 'state'))).filter((n) => n.startsWith('journal'))).toEqual([]);
  });
});

describe('tally: a damaged intake database', () => {
  it('stops at a hole in the received log, naming the missing entry, and commits nothing', async () => {
    const d = await makeDataFolder();
    try {
      await fill(d, 5, 40, newLedger());
      await d.store.close();
      const { default: Database } = await import('better-sqlite3');
      const raw = new Database(join(d.dataDir, 'intake.sqlite'));
      raw.prepare('DELETE FROM entries WHERE idx = 20').run();
      raw.close();
      const opts = { keysDir: d.keysDir, dataDir: d.dataDir, outDir: join(d.dir, 'out'), threads: 0, today: TODAY, chunk: 16 };
      await expect(runTally(opts)).rejects.toThrow(/no entry 20\b/);
      expect(await readdir(join(d.dir, 'out')).catch(() => [])).toEqual([]);
    } finally {
      await rm(d.dir, { recursive: true, force: true });
    }
  });
});
