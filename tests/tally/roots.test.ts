/**
 * The counted log's root hashed in units by the opening threads (src/center/tally/roots.ts) is
 * RFC 9162's root of the whole log (log/recount.ts countedRootOfBytes), for sizes on and around
 * unit boundaries, where a wrong split or fold would show.
 */
import { describe, expect, it } from 'vitest';
import { rootOfUnits, UNIT, unitJobs, unitRoot } from '../../src/center/tally/roots.js';
import { countedRootOfBytes } from '../../src/log/recount.js';
import { EMPTY_ROOT } from '../../src/log/merkle.js';

function entries(n: number): { bytes: Uint8Array; starts: number[] } {
  const lines = Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`);
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length + 1;
  }
  return { bytes: new TextEncoder().encode(lines.map((l) => `${l}\n`).join('')), starts };
}

describe('counted root in units', () => {
  it('equals the root of the whole log around unit boundaries', () => {
    for (const n of [1, 2, 3, UNIT - 1, UNIT, UNIT + 1, 2 * UNIT, 3 * UNIT + 5]) {
      const { bytes, starts } = entries(n);
      const jobs = unitJobs(starts, bytes.length);
      expect(jobs.length).toBe(Math.ceil(n / UNIT));
      const roots = jobs.map((j) => unitRoot(bytes, j));
      expect(Buffer.from(rootOfUnits(roots)).toString('hex'), `${n} lines`).toBe(Buffer.from(countedRootOfBytes(bytes)).toString('hex'));
    }
    expect(rootOfUnits([])).toEqual(EMPTY_ROOT);
  });
});
