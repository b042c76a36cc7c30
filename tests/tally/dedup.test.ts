/**
 * The tally thread's indexes (src/center/tally/hash-index.ts, counted-set.ts): dedup by id and by
 * tag and the likely-duplicate groups must come out exactly as a plain string-keyed reference
 * would give them, whatever the hashes do (forced collisions), and a flood of ids chosen to share
 * a prefix must not pile into a few slots.
 */
import { describe, expect, it } from 'vitest';
import { CountedSet } from '../../src/center/tally/counted-set.js';
import { hashBytes, HashIndex } from '../../src/center/tally/hash-index.js';
import type { OpenedStatement } from '../../src/center/tally/open.js';
import { formatRecord, likelyKey, META, recordId, recordMeta, recordTag } from '../../src/center/tally/record.js';
import { seeded } from '../harness/prng.js';

const hex = (rand: () => number, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');

function statement(rand: () => number, over: Partial<OpenedStatement> = {}): OpenedStatement {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const people = 1 + Math.floor(rand() * 3);
  return {
    id: hex(rand, 32),
    tag: hex(rand, 64),
    week: '2005-W17',
    people,
    ccp: 1,
    cyl: 0,
    cyp: 0,
    region: pick(['CN-110000', 'CN-210000']),
    sector: '-',
    date: pick(['2005-04-20', '2005-04-21']),
    channel: 'web',
    realNames: 0,
    names: Array.from({ length: people }, () => pick(['张三', '李四', 'Wang Wu'])),
    ...over,
  };
}

/** The seeded hash of a string's UTF-8 bytes [from, to). */
const hashOf = (seed: number, s: string, from: number, to: number) => hashBytes(seed, Buffer.from(s), from, to);

describe('HashIndex', () => {
  it('finds each key it holds through forced collisions and growth, and nothing else', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `key-${i}`);
    // Only 7 distinct hashes for 5,000 keys: every lookup walks a collision run and must compare keys.
    const h = (k: string) => Number(k.slice(4)) % 7;
    const index = new HashIndex<string>((ref, k) => keys[ref] === k, 4);
    for (const [i, k] of keys.entries()) {
      expect(index.find(h(k), k)).toBe(-1);
      index.add(h(k), i);
    }
    expect(index.size).toBe(keys.length);
    for (const [i, k] of keys.entries()) expect(index.find(h(k), k)).toBe(i);
    expect(index.find(3, 'key-x')).toBe(-1);
  });

  it('hashes with the seed: one key, two seeds, two hashes; ids sharing a long prefix spread out', () => {
    const id = '0123456789abcdef0123456789abcdef';
    expect(hashOf(1, id, 0, 32)).toBe(hashOf(1, `x${id}`, 1, 33));
    const seeds = new Set(Array.from({ length: 64 }, (_, s) => hashOf(s, id, 0, 32)));
    expect(seeds.size).toBe(64);
    // 4,096 ids that differ only in their last 3 digits (a submitter's flood): their low 12 bits,
    // the slot in a table of 4,096, should look random (a prefix hash would put them in one slot).
    const rand = seeded(7);
    const seed = Math.floor(rand() * 2 ** 31);
    const slots = new Set<number>();
    for (let i = 0; i < 4096; i++) slots.add(hashOf(seed, `${id.slice(0, 29)}${i.toString(16).padStart(3, '0')}`, 0, 32) & 4095);
    expect(slots.size).toBeGreaterThan(2400); // ~2,589 expected for 4,096 random draws
    // Odd and even lengths, and the last code unit, all count.
    // Lengths 1 to 9 (whole words and tails), the last byte, and trailing zero bytes all count.
    for (let n = 1; n <= 9; n++) {
      const k = 'abcdefghi'.slice(0, n);
      expect(hashOf(seed, k, 0, n)).not.toBe(hashOf(seed, `${k.slice(0, -1)}z`, 0, n));
      expect(hashOf(seed, k, 0, n)).not.toBe(hashOf(seed, `${k}\0`, 0, n + 1));
    }
  });

  it('makes collisions that hold under one seed only (no key pair collides whatever the seed)', () => {
    // A birthday search finds 32-bit collisions under seed 1 among a few hundred thousand keys.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < 400_000; i++) {
      const k = `statement-${i}`;
      const h = hashOf(1, k, 0, k.length);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, k];
      else seen.set(h, k);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const still = [2, 3, 4, 5, 6, 7, 8, 9].filter((s) => hashOf(s, a, 0, a.length) === hashOf(s, b, 0, b.length));
    expect(still).toEqual([]);
  });
});

describe('CountedSet', () => {
  /** The reference: first one counts by id or by tag; likely key groups in counted order. */
  function reference(records: readonly string[]) {
    const ids = new Set<string>();
    const tags = new Set<string>();
    const counted: string[] = [];
    const why: Array<'id' | 'tag' | null> = [];
    for (const r of records) {
      const w = ids.has(recordId(r)) ? 'id' : tags.has(recordTag(r)) ? 'tag' : null;
      why.push(w);
      if (w) continue;
      ids.add(recordId(r));
      tags.add(recordTag(r));
      counted.push(r);
    }
    const groups = new Map<string, string[]>();
    for (const r of counted) {
      const k = likelyKey(r);
      if (!k) continue;
      const key = k.join('\n');
      groups.set(key, [...(groups.get(key) ?? []), recordTag(r)]);
    }
    const likely = [...groups].filter(([, t]) => t.length > 1).map(([k, tags]) => ({ region: k.split('\n')[0]!, tail: k.split('\n')[1]!, tags }));
    return { counted, why, likely };
  }

  function records(seed: number): string[] {
    const rand = seeded(seed);
    const out: OpenedStatement[] = [];
    for (let i = 0; i < 600; i++) {
      const r = rand();
      const earlier = out[Math.floor(rand() * out.length)];
      // Resent (same id and tag), the same id with another tag key, the same tag, or new.
      if (earlier && r < 0.05) out.push(earlier);
      else if (earlier && r < 0.1) out.push({ ...earlier, tag: hex(rand, 64) });
      else if (earlier && r < 0.15) out.push({ ...statement(rand), tag: earlier.tag });
      else out.push(statement(rand));
    }
    return out.map(formatRecord);
  }

  for (const [name, hashes] of [
    ['with the opening threads\' hashes', (rs: string[], seed: number) => {
      const h = new Int32Array(rs.length * META);
      const bytes = Buffer.from(rs.join('\n'));
      let start = 0;
      rs.forEach((r, i) => {
        const end = start + Buffer.byteLength(r);
        recordMeta(bytes, start, end, seed, h, i * META);
        start = end + 1;
      });
      return h;
    }],
    ['when every hash collides (all zero)', (rs: string[]) => new Int32Array(rs.length * META)],
  ] as const) {
    it(`dedups by id then tag and groups likely duplicates as the reference, ${name}`, () => {
      const rs = records(11);
      const want = reference(rs);
      const set = new CountedSet(12345, true);
      const h = hashes(rs, set.seed);
      // As an opening thread sends them: one buffer of records joined by newlines.
      const bytes = Buffer.from(rs.join('\n'));
      const buffer = set.store.addBuffer(bytes);
      let start = 0;
      const why = rs.map((r, i) => {
        const end = start + Buffer.byteLength(r);
        const w = set.duplicate(bytes, start, end, h, i * META);
        if (w === null) set.add(buffer, start, end, h, i * META);
        start = end + 1;
        return w;
      });
      expect(why).toEqual(want.why);
      expect(why.filter((w) => w === 'id').length).toBeGreaterThan(20);
      expect(why.filter((w) => w === 'tag').length).toBeGreaterThan(10);
      expect(Array.from({ length: set.size }, (_, ref) => set.record(ref))).toEqual(want.counted);
      const byKey = (g: { region: string; tail: string }) => `${g.region}\n${g.tail}`;
      expect(set.likelyGroups().sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(want.likely.sort((a, b) => byKey(a).localeCompare(byKey(b))));
      expect(want.likely.length).toBeGreaterThan(5);
    });
  }

  it('counts records read back (earlier runs) with hashes of its own, equal to the threads\'', () => {
    const rs = records(13);
    const set = new CountedSet(99, true);
    const first = reference(rs).counted;
    // Read back a few thousand at a time: a run of 5,000 records crosses that.
    const all = Array.from({ length: 9 }, () => first).flat();
    expect(all.length).toBeGreaterThan(4096);
    set.addRecords(all);
    expect(Array.from({ length: set.size }, (_, ref) => set.record(ref))).toEqual(all);
    const h = new Int32Array(META);
    for (const r of first) {
      const bytes = Buffer.from(r);
      recordMeta(bytes, 0, bytes.length, 99, h, 0);
      expect(set.duplicate(bytes, 0, bytes.length, h, 0)).toBe('id');
    }
    // Without names a record has no likely key and joins no group.
    const plain = new CountedSet(1, true);
    const rand = seeded(3);
    const a = formatRecord({ ...statement(rand), names: undefined } as OpenedStatement);
    plain.addRecords([a, formatRecord({ ...statement(rand), names: undefined } as OpenedStatement)]);
    expect(plain.likelyGroups()).toEqual([]);
  });
});
