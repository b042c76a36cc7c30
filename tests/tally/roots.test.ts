/**
 * The counted log as the opening threads write and hash it (src/center/tally/roots.ts copyUnit,
 * a unit of lines at a time, out of the tally's record buffers as batch.ts EntryPlan orders them):
 * the bytes are the lines planned, suppressed sectors written `-`, and the root folded from the
 * units' roots is RFC 9162's root of the whole log (log/recount.ts countedRootOfBytes), for sizes
 * on and around unit boundaries, where a wrong split or fold would show.
 */
import { describe, expect, it } from 'vitest';
import { EntryPlan } from '../../src/center/tally/batch.js';
import { copyUnit, rootOfUnits, UNIT } from '../../src/center/tally/roots.js';
import { countedRootOfBytes } from '../../src/log/recount.js';
import { EMPTY_ROOT } from '../../src/log/merkle.js';

/**
 * n lines as records in two buffers, planned in reverse order; every third one with its sector
 * suppressed. Returns the lines expected, the buffers and the plan.
 */
function planned(n: number): { want: string[]; buffers: Buffer[]; plan: EntryPlan } {
  const records = Array.from({ length: n }, (_, i) => `record ${i}\tline ${i} ${'x'.repeat(i % 7)} sector=${i % 2 ? 'education' : '-'}\tmore`);
  const half = Math.floor(n / 2);
  const buffers = [records.slice(0, half), records.slice(half)].map((part) => {
    const b = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(part.join('\n'))));
    b.write(part.join('\n'));
    return b;
  });
  // Where each record starts in its buffer.
  const at: number[] = [];
  records.forEach((_, i) => at.push(i === 0 || i === half ? 0 : at[i - 1]! + records[i - 1]!.length + 1));
  const plan = new EntryPlan(4);
  const want: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const b = i < half ? 0 : 1;
    const r = records[i]!;
    const start = at[i]! + r.indexOf('\t') + 1;
    const line = r.slice(r.indexOf('\t') + 1, r.lastIndexOf('\t'));
    if (i % 3 === 0) {
      const cut = line.slice(0, line.indexOf('sector=') + 7);
      plan.add(b, start, -(cut.length + 1));
      want.push(`${cut}-`);
    } else {
      plan.add(b, start, line.length);
      want.push(line);
    }
  }
  return { want, buffers, plan };
}

describe('counted log written and hashed in units', () => {
  it('writes the lines planned and folds the root of the whole log, around unit boundaries', () => {
    for (const n of [1, 2, 3, UNIT - 1, UNIT, UNIT + 1, 2 * UNIT, 3 * UNIT + 5]) {
      const { want, buffers, plan } = planned(n);
      const text = `${want.join('\n')}\n`;
      expect(plan.lines).toBe(n);
      expect(plan.length).toBe(text.length);
      const jobs = plan.units();
      expect(jobs.length).toBe(Math.ceil(n / UNIT));
      const out = Buffer.from(new SharedArrayBuffer(plan.length));
      // Units in any order (two threads take them in turn).
      const roots = jobs.map((j, k) => [k, j] as const).reverse().map(([k, j]) => [k, copyUnit(buffers, out, j)] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
      expect(out.toString('latin1'), `${n} lines`).toBe(text);
      expect(Buffer.from(rootOfUnits(roots)).toString('hex'), `${n} lines`).toBe(Buffer.from(countedRootOfBytes(out)).toString('hex'));
    }
    expect(rootOfUnits([])).toEqual(EMPTY_ROOT);
  });

  it('refuses a unit whose lines do not fill its bytes (a planning bug, not a short log)', () => {
    const { buffers, plan } = planned(10);
    const [job] = plan.units();
    const out = Buffer.from(new SharedArrayBuffer(plan.length + 1));
    expect(() => copyUnit(buffers, out, { ...job!, end: job!.end + 1 })).toThrow(/fill/);
    expect(() => copyUnit(buffers, out, { ...job!, end: job!.end - 1 })).toThrow(/fill/);
  });
});
