/**
 * The counted log's formats (wire spec 8): entries and tally notes parse back exactly what is
 * written and nothing else; figures and milestones; the streaming root is RFC 9162's.
 */
import { describe, expect, it } from 'vitest';
import { isVerifyError } from '../../src/errors.js';
import {
  countedFigures,
  formatCountedEntry,
  parseCountedEntries,
  parseCountedEntry,
  parseTallyNote,
  tallyNoteBody,
  type CountedEntry,
} from '../../src/log/counted.js';
import { MemoryHashes, leafHash, runSync, treeHashPlan } from '../../src/log/merkle.js';
import { StreamingRoot } from '../../src/log/recount.js';

const tag = (c: string) => c.repeat(64);
const e = (over: Partial<CountedEntry> = {}): CountedEntry => ({
  tag: tag('a'), week: '2026-W48', people: 3, ccp: 2, cyl: 1, cyp: 0, region: 'CN-110000', sector: '-', ...over,
});
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (isVerifyError(err)) return err.code;
    throw err;
  }
  return 'ok';
};

describe('counted entries', () => {
  it('round-trip the exact line of spec 8', () => {
    const line = `${tag('b')} week=2005-W16 people=140 ccp=100 cyl=40 cyp=0 region=TW sector=court`;
    expect(formatCountedEntry(parseCountedEntry(line))).toBe(line);
    expect(formatCountedEntry(e())).toBe(`${tag('a')} week=2026-W48 people=3 ccp=2 cyl=1 cyp=0 region=CN-110000 sector=-`);
  });

  it('refuse anything else', () => {
    const good = formatCountedEntry(e());
    for (const bad of [
      good.replace('people=3', 'people=03'),
      good.replace('people=3', 'people=0').replace('ccp=2', 'ccp=0').replace('cyl=1', 'cyl=0'),
      good.replace('ccp=2', 'ccp=4'),
      good.replace('sector=-', 'sector=police'),
      good.replace('week=2026-W48', 'week=2026-W54'),
      good.replace('region=CN-110000', 'region=cn'),
      `${good} `,
      good.toUpperCase(),
    ]) {
      expect(code(() => parseCountedEntry(bad)), bad).toBe('bad-counted-entry');
    }
    expect(code(() => parseCountedEntries(good))).toBe('bad-counted-entry');
    expect(parseCountedEntries('')).toEqual([]);
  });
});

describe('figures and the tally note', () => {
  it('cross several milestones in one week, each named once', () => {
    const f = countedFigures([e({ week: '2026-W01', people: 3 }), e({ week: '2026-W02', people: 25, ccp: 0, cyl: 0 }), e({ week: '2025-W52', people: 1, ccp: 0, cyl: 0 })], 10);
    expect(f.milestones).toEqual([[10, '2026-W02'], [20, '2026-W02']]);
    expect(f.people).toBe(29);
  });

  it('write and parse the note line for line', () => {
    const entries = [e(), e({ tag: tag('b'), region: 'HK', sector: 'court', people: 12, ccp: 12, cyl: 0 })];
    const fields = {
      center: 'center.test',
      counted: { size: 2, root: 'A'.repeat(43) + '=' },
      received: { size: 5, root: 'B'.repeat(43) + '=' },
      ...countedFigures(entries, 5),
      rejected: { duplicate: 1, invalid: 1, undecryptable: 1 },
      milestoneStep: 5,
    };
    const body = tallyNoteBody(fields);
    expect(body).toBe(
      [
        'sealpost/tally/v1', 'center.test', `counted 2 ${'A'.repeat(43)}=`, `received 5 ${'B'.repeat(43)}=`,
        'total statements 2', 'total people 15', 'org CCP 14', 'org CYL 1', 'org CYP 0',
        'region CN-110000 3', 'region HK 12', 'sector court 12',
        'rejected duplicate 1', 'rejected invalid 1', 'rejected undecryptable 1',
        'milestone-step 5', 'milestone 5 2026-W48', 'milestone 10 2026-W48', 'milestone 15 2026-W48', '',
      ].join('\n'),
    );
    const { weeks: _w, ...rest } = fields;
    expect(parseTallyNote(body)).toEqual(rest);
    expect(code(() => parseTallyNote(body.replace('org CYL 1\n', '')))).toBe('bad-tally-note');
    expect(code(() => parseTallyNote(`${body}extra\n`))).toBe('bad-tally-note');
    expect(code(() => parseTallyNote(body.replace('total people 15', 'total people 015')))).toBe('bad-tally-note');
  });
});

describe('StreamingRoot', () => {
  it("gives RFC 9162's root for every size from 0 to 70", () => {
    const tree = new MemoryHashes();
    const s = new StreamingRoot();
    for (let n = 0; n <= 70; n++) {
      const want = runSync(treeHashPlan(n), (p) => tree.readHashes(p));
      expect(Buffer.from(s.root()).toString('hex'), `size ${n}`).toBe(Buffer.from(want).toString('hex'));
      const leaf = new TextEncoder().encode(`leaf ${n}`);
      tree.append(leafHash(leaf));
      s.push(leaf);
    }
  });
});
