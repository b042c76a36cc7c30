/**
 * The tally's records (src/center/tally/record.ts), its journal (state.ts) and its sums (sums.ts):
 * what a million counted statements are kept as between the opening threads and the commit.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBatch, comparedOrder, EntryPlan, sortedRefs, sumsOf } from '../../src/center/tally/batch.js';
import { copyUnit } from '../../src/center/tally/roots.js';
import { CountedSet } from '../../src/center/tally/counted-set.js';
import type { OpenedStatement } from '../../src/center/tally/open.js';
import { formatRecord, likelyKey, parseRecord, recordFromV2, recordId, recordRoom, recordTag, writeRecord } from '../../src/center/tally/record.js';
import { StateDir, type ReadChunk } from '../../src/center/tally/state.js';
import { Sums, weightedEntries, type Cells } from '../../src/center/tally/sums.js';
import { byteOrder, countedFigures, formatCountedEntry } from '../../src/log/counted.js';
import { seeded } from '../harness/prng.js';

/** The tally thread's store of `records` (read back as from a run file). */
function storeOf(records: readonly string[]): CountedSet {
  const set = new CountedSet(1, false);
  set.addRecords(records);
  return set;
}

/** A batch's entry lines as the tally writes them into counted/entries. */
function batchLines(records: readonly string[], cells: Cells): string[] {
  const plan = new EntryPlan(records.length);
  const set = storeOf(records);
  appendBatch(plan, set.store, 0, set.size, cells);
  const bytes = Buffer.from(new SharedArrayBuffer(plan.length));
  for (const job of plan.units()) copyUnit(set.store.buffers(), bytes, job);
  return bytes.length === 0 ? [] : bytes.toString('latin1').slice(0, -1).split('\n');
}

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

function statements(n: number, seed: number, names: boolean): OpenedStatement[] {
  const rand = seeded(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: n }, (): OpenedStatement => {
    const people = 1 + Math.floor(rand() * 4);
    const ccp = Math.floor(rand() * (people + 1));
    return {
      id: hex(rand, 32),
      tag: hex(rand, 64),
      week: pick(['2005-W16', '2005-W17', '2006-W01', '2004-W53']),
      people,
      ccp,
      cyl: Math.floor(rand() * (people + 1)),
      cyp: 0,
      region: pick(['CN-110000', 'CN-210000', 'HK', 'US']),
      sector: pick(['-', 'education', 'military']),
      date: pick(['2005-04-20', '2005-04-21', '2006-01-02']),
      channel: pick(['web', 'phone']),
      realNames: Math.floor(rand() * (people + 1)),
      ...(rand() < 0.2 ? { group: `${hex(rand, 32)} 1/2` } : {}),
      ...(names ? { names: Array.from({ length: people }, (_, i) => pick(['张三', 'Li Wei', '王 五', `友${i}`])) } : {}),
    };
  });
}

describe('tally records', () => {
  it('round-trip every field, names sorted, and put id and tag where dedup reads them', () => {
    for (const s of statements(300, 101, true)) {
      const r = formatRecord(s);
      expect(r).not.toMatch(/\n/);
      const back = parseRecord(r);
      expect(back).toEqual({ ...s, names: [...s.names!].sort(byteOrder) });
      expect(recordId(r)).toBe(s.id);
      expect(recordTag(r)).toBe(s.tag);
      expect(likelyKey(r)).toEqual([s.region, `${s.date}\t${[...s.names!].sort(byteOrder).join('\t')}`]);
    }
    const plain = statements(50, 102, false);
    for (const s of plain) {
      expect(parseRecord(formatRecord(s))).toEqual(s);
      expect(likelyKey(formatRecord(s))).toBeUndefined();
    }
  });

  it("write a record as bytes exactly as the string's UTF-8, within the room it asks for", () => {
    const rand = seeded(111);
    const odd = ['张三', 'Ωmega', 'é', '𝔘nicode 😀', 'x\ud800y', 'tail\udc00', '', 'a b'];
    const out = Buffer.alloc(1 << 16, 0xee);
    for (const [i, s] of statements(400, 112, true).entries()) {
      const st: OpenedStatement = {
        ...s,
        // Counts of one to four digits, names with 1- to 4-byte characters and lone surrogates.
        people: i % 4 === 0 ? 1000 + i : s.people,
        ccp: i % 5 === 0 ? 10 * i : s.ccp,
        realNames: i % 3 === 0 ? 12 : s.realNames,
        ...(i % 7 === 0 ? { names: [odd[i % odd.length]!, ...s.names!] } : {}),
        ...(i % 11 === 0 ? { names: undefined } : {}),
      };
      const want = Buffer.from(formatRecord(st));
      const at = Math.floor(rand() * 100);
      const end = writeRecord(st, out, at);
      expect(out.subarray(at, end).equals(want), formatRecord(st)).toBe(true);
      expect(recordRoom(st)).toBeGreaterThanOrEqual(want.length);
    }
  });

  it('sort as the counted log orders its batch (week, then tag) and format its entries with suppression', () => {
    const sts = statements(2000, 103, false);
    const records = sts.map(formatRecord);
    const sums = sumsOf(records);
    const lines = batchLines([...records], sums.cells);
    // The reference: entries built one by one, sectors of cells under 10 statements suppressed.
    const cell = (s: OpenedStatement) => `${s.week} ${s.region} ${s.sector}`;
    const size = new Map<string, number>();
    for (const s of sts) size.set(cell(s), (size.get(cell(s)) ?? 0) + 1);
    const want = sts
      .map((s) => ({ ...s, sector: s.sector !== '-' && size.get(cell(s))! >= 10 ? s.sector : '-' }))
      .sort((a, b) => byteOrder(a.week, b.week) || byteOrder(a.tag, b.tag))
      .map(formatCountedEntry);
    expect(lines).toEqual(want);
    expect(lines.some((l) => l.endsWith('sector=-'))).toBe(true);
    expect(lines.some((l) => l.endsWith('sector=education'))).toBe(true);
    // The figures from the cells are those of the entries.
    const entries = want.map((l) => {
      const m = /^(\S+) week=(\S+) people=(\d+) ccp=(\d+) cyl=(\d+) cyp=(\d+) region=(\S+) sector=(\S+)$/.exec(l)!;
      return { tag: m[1]!, week: m[2]!, people: +m[3]!, ccp: +m[4]!, cyl: +m[5]!, cyp: +m[6]!, region: m[7]!, sector: m[8]! };
    });
    expect(countedFigures(weightedEntries(sums.cells), 500)).toEqual(countedFigures(entries, 500));
  });

  it('sort by week then tag with 64-bit keys: ties of 28 tag bits, weeks across years, as the bucketed sort', () => {
    const base = statements(3000, 107, false);
    // Ten records whose tags share their first 7 digits (the key's 28 bits) in one week, in reverse tag order.
    const tied = Array.from({ length: 10 }, (_, i) => ({ ...base[i]!, week: '2005-W17', tag: `abcdef0${(9 - i).toString(16)}${base[i]!.tag.slice(8)}` }));
    const sts = [...tied, ...base.slice(10), { ...base[0]!, id: 'f'.repeat(32), tag: '0'.repeat(64), week: '2004-W53' }];
    const records = sts.map(formatRecord);
    // A store with records of an earlier run first: this batch is [from, size).
    const set = storeOf([...sts.slice(0, 50).map((s) => formatRecord({ ...s, id: 'e'.repeat(32) })), ...records]);
    const sorted = [...sortedRefs(set.store, 50, set.size)].map((ref) => set.record(ref));
    const want = [...sts].sort((a, b) => byteOrder(a.week, b.week) || byteOrder(a.tag, b.tag)).map(formatRecord);
    expect(sorted).toEqual(want);
    expect([...comparedOrder(set.store, 50, set.size)].map((ref) => set.record(ref))).toEqual(want);
    expect(sorted[0]).toBe(formatRecord(sts.at(-1)!));
    const run = sorted.filter((r) => recordTag(r).startsWith('abcdef0'));
    expect(run.map((r) => recordTag(r).slice(7, 8))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('turn version 2 records (journals written before) into this layout', () => {
    for (const s of statements(50, 108, true)) {
      const v2 = [s.week, s.tag, s.id, s.region, s.sector, s.people, s.ccp, s.cyl, s.cyp, s.channel, s.realNames, s.group ?? '-', s.date, ...[...s.names!].sort(byteOrder)].join('\t');
      expect(recordFromV2(v2)).toBe(formatRecord(s));
    }
  });

  it('sums of a chunk cross a thread as data, and a dropped duplicate comes out again', () => {
    const sts = statements(400, 104, false);
    const whole = new Sums();
    for (const s of sts) whole.add(s);
    const a = new Sums();
    const b = new Sums();
    for (const [i, s] of sts.entries()) (i % 2 ? a : b).add(s);
    const merged = new Sums();
    merged.addData(a.data());
    merged.addData(b.data());
    merged.add(sts[0]!);
    merged.add(sts[0]!, -1);
    const byCell = (c: Sums) => weightedEntries(c.cells).map((e) => JSON.stringify(e)).sort();
    expect(byCell(merged)).toEqual(byCell(whole));
    expect([merged.real, merged.alias]).toEqual([whole.real, whole.alias]);
    expect([...merged.channels].sort()).toEqual([...whole.channels].sort());
    expect([...merged.days].sort()).toEqual([...whole.days].sort());
    expect([...merged.groups].filter(([, n]) => n > 0).length).toBe(sts.filter((s) => s.group).length);
  });
});

/** A chunk's records as an opening thread sends them (UTF-8, joined by newlines). */
const bodyOf = (c: ReadChunk) => Buffer.from(c.records.join('\n'));

describe('tally journal', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-journal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const chunk = (from: number, sts: OpenedStatement[]): ReadChunk => ({
    from,
    to: from + sts.length + 1,
    n: sts.length,
    records: sts.map(formatRecord),
    rejected: { duplicate: 0, invalid: 1, undecryptable: 0 },
    details: { 'invalid:bad-json': 1 },
  });

  it('resumes from the last whole chunk when a kill cut one in its records, and keeps appending after it', async () => {
    const state = new StateDir(join(dir, 'cut'));
    const committed = await state.load('c.test');
    const sts = statements(30, 105, true);
    const header = { v: 2 as const, run: 1, start: 0, end: 100, today: '2026-11-30' };
    await state.begin(header);
    const first = chunk(0, sts.slice(0, 10));
    await state.append({ chunk: first, body: bodyOf(first) });
    const second = chunk(first.to, sts.slice(10, 20));
    await state.append({ chunk: second, body: bodyOf(second) });
    await state.closeJournal();
    const file = join(dir, 'cut', 'journal.jsonl');
    const text = await readFile(file, 'utf8');
    // Cut inside the second chunk's fifth record.
    const lines = text.split('\n');
    const cutAt = lines.slice(0, 2 + 10 + 1 + 4).join('\n').length + 1 + 20;
    await writeFile(file, text.slice(0, cutAt));
    const resumed = await state.resume(committed);
    expect(resumed?.header).toEqual(header);
    expect(resumed?.chunks).toEqual([first]);
    expect((await readFile(file, 'utf8')).length).toBe(lines.slice(0, 12).join('\n').length + 1);
    const next = chunk(first.to, sts.slice(20, 30));
    await state.append({ chunk: next, body: bodyOf(next) });
    await state.closeJournal();
    expect((await state.resume(committed))?.chunks).toEqual([first, next]);
  });

  it('journals several chunks with one append (one write, one fsync), read back as each chunk', async () => {
    const state = new StateDir(join(dir, 'group'));
    const committed = await state.load('c.test');
    const sts = statements(25, 107, true);
    await state.begin({ v: 2 as const, run: 1, start: 0, end: 100, today: '2026-11-30' });
    const a = chunk(0, sts.slice(0, 10));
    const empty = { ...chunk(a.to, []), rejected: { duplicate: 0, invalid: 3, undecryptable: 1 } };
    const b = chunk(empty.to, sts.slice(10, 25));
    await state.append({ chunk: a, body: bodyOf(a) }, { chunk: empty }, { chunk: b, body: bodyOf(b) });
    await state.closeJournal();
    expect((await state.resume(committed))?.chunks).toEqual([a, empty, b]);
  });

  it("writes only the byte ranges kept of a thread's records (dropped duplicates cut out), whole lines each", async () => {
    const state = new StateDir(join(dir, 'kept'));
    const committed = await state.load('c.test');
    const sts = statements(9, 110, true);
    const records = sts.map(formatRecord);
    const body = Buffer.from(records.join('\n'));
    const ends = records.map((_, i) => Buffer.byteLength(records.slice(0, i + 1).join('\n')));
    const startOf = (i: number) => (i === 0 ? 0 : ends[i - 1]! + 1);
    await state.begin({ v: 2, run: 1, start: 0, end: 30, today: '2026-11-30' });
    // Keep records 1-2 and 5 and 7 (0, 3-4, 6 and 8, the first and last among them, dropped).
    const kept = [startOf(1), ends[2]!, startOf(5), ends[5]!, startOf(7), ends[7]!];
    const keep = [1, 2, 5, 7];
    await state.append({ chunk: { from: 0, to: 10, n: keep.length, rejected: { duplicate: 5, invalid: 1, undecryptable: 0 }, details: {} }, body, kept });
    // A chunk with nothing kept, then one whole.
    await state.append({ chunk: { from: 10, to: 20, n: 0, rejected: { duplicate: 10, invalid: 0, undecryptable: 0 }, details: {} }, body, kept: [] });
    await state.append({ chunk: { from: 20, to: 30, n: 9, rejected: { duplicate: 0, invalid: 1, undecryptable: 0 }, details: {} }, body });
    await state.closeJournal();
    const resumed = await state.resume(committed);
    expect(resumed?.chunks.map((c) => c.records)).toEqual([keep.map((i) => records[i]), [], records]);
    expect(resumed?.chunks.map((c) => [c.from, c.n])).toEqual([[0, 4], [10, 0], [20, 9]]);
  });

  it('reads journals whose chunks hold version 2 records (no "r"), next to chunks of this version', async () => {
    const state = new StateDir(join(dir, 'v2'));
    const committed = await state.load('c.test');
    const sts = statements(8, 109, true);
    const v2 = (st: OpenedStatement) => [st.week, st.tag, st.id, st.region, st.sector, st.people, st.ccp, st.cyl, st.cyp, st.channel, st.realNames, st.group ?? '-', st.date, ...[...st.names!].sort(byteOrder)].join('\t');
    const header = { v: 1 as const, run: 1, start: 0, end: 20, today: '2026-11-30' };
    const old = { from: 0, to: 4, n: 4, rejected: { duplicate: 0, invalid: 0, undecryptable: 0 }, details: {} };
    await writeFile(join(dir, 'v2', 'journal.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(old)}\n${sts.slice(0, 4).map(v2).join('\n')}\n`);
    const next = chunk(4, sts.slice(4));
    await state.append({ chunk: next, body: bodyOf(next) });
    await state.closeJournal();
    const resumed = await state.resume(committed);
    expect(resumed?.chunks.flatMap((c) => c.records)).toEqual(sts.map(formatRecord));
  });

  it('reads the run files and journals of the first version (a chunk a JSON line of statement objects)', async () => {
    const state = new StateDir(join(dir, 'v1'));
    await state.load('c.test');
    const sts = statements(12, 106, true);
    const v1 = (from: number, part: OpenedStatement[]) =>
      JSON.stringify({ from, to: from + part.length, counted: part, rejected: { duplicate: 0, invalid: 0, undecryptable: 0 }, details: {} });
    await writeFile(join(dir, 'v1', 'runs', '1.jsonl'), `${JSON.stringify({ v: 1, run: 1, start: 0, end: 12, today: '2026-11-30' })}\n${v1(0, sts.slice(0, 5))}\n${v1(5, sts.slice(5))}\n`);
    expect(await state.run(1)).toEqual(sts.map(formatRecord));
    // The oldest form: a statement a line.
    await writeFile(join(dir, 'v1', 'runs', '2.jsonl'), sts.map((s) => `${JSON.stringify(s)}\n`).join(''));
    expect(await state.run(2)).toEqual(sts.map(formatRecord));
  });
});
