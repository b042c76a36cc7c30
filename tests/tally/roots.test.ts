/**
 * The counted log's root hashed in units by the opening threads (src/center/tally/roots.ts) is
 * RFC 9162's root of the whole log (log/recount.ts countedRootOfBytes), for sizes on and around
 * unit boundaries, where a wrong split or fold would show.
 */
import { describe, expect, it } from 'vitest';
import { EntriesText } from '../../src/center/tally/batch.js';
import { rootOfUnits, UNIT, unitRoot, type UnitJob } from '../../src/center/tally/roots.js';
import { countedRootOfBytes } from '../../src/log/recount.js';
import { EMPTY_ROOT } from '../../src/log/merkle.js';

/** n lines written as the tally writes them, with the units it hands out on the way. */
function entries(n: number): { bytes: Uint8Array; jobs: UnitJob[] } {
  const jobs: UnitJob[] = [];
  const text = new EntriesText(n, (_bytes, unit) => jobs.push(unit));
  for (let i = 0; i < n; i++) text.push(`line ${i} ${'x'.repeat(i % 7)}`);
  return { bytes: text.finish(), jobs };
}

describe('counted root in units', () => {
  it('equals the root of the whole log around unit boundaries', () => {
    for (const n of [1, 2, 3, UNIT - 1, UNIT, UNIT + 1, 2 * UNIT, 3 * UNIT + 5]) {
      const { bytes, jobs } = entries(n);
      expect(jobs.length).toBe(Math.ceil(n / UNIT));
      const roots = jobs.map((j) => unitRoot(bytes, j));
      expect(Buffer.from(rootOfUnits(roots)).toString('hex'), `${n} lines`).toBe(Buffer.from(countedRootOfBytes(bytes)).toString('hex'));
    }
    expect(rootOfUnits([])).toEqual(EMPTY_ROOT);
  });
});
