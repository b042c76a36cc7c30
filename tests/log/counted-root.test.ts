/**
 * countedRootOfBytes (the tally's off-thread hashing of `counted/entries`) is countedRoot of the
 * same lines, for every size around the tree's power-of-two edges, and differs when a byte does.
 */
import { describe, expect, it } from 'vitest';
import { countedRoot, countedRootOfBytes } from '../../src/log/recount.js';
import { EMPTY_ROOT } from '../../src/log/merkle.js';

const line = (i: number) => `${'ab'.repeat(8)}${i.toString(16).padStart(8, '0')} 2026-W${String((i % 52) + 1).padStart(2, '0')} people=${(i % 7) + 1} ccp=1 cyl=0 cyp=0 CN-11 -`;
const text = (lines: readonly string[]) => new TextEncoder().encode(lines.map((l) => `${l}\n`).join(''));

describe('countedRootOfBytes', () => {
  it('equals countedRoot of the lines for sizes 0..70 and 255..257', () => {
    for (const n of [...Array.from({ length: 71 }, (_, i) => i), 255, 256, 257]) {
      const lines = Array.from({ length: n }, (_, i) => line(i));
      expect(Buffer.from(countedRootOfBytes(text(lines))).toString('hex'), `size ${n}`).toBe(Buffer.from(countedRoot(lines)).toString('hex'));
    }
    expect(countedRootOfBytes(new Uint8Array(0))).toEqual(EMPTY_ROOT);
  });

  it('changes when one byte of one line changes, and with non-ASCII text hashes its UTF-8', () => {
    const lines = Array.from({ length: 33 }, (_, i) => line(i));
    const changed = [...lines];
    changed[17] = changed[17]!.replace('people=', 'peoplf=');
    expect(countedRootOfBytes(text(changed))).not.toEqual(countedRootOfBytes(text(lines)));
    const wide = ['区域 一', '区域 二', 'x'];
    expect(countedRootOfBytes(text(wide))).toEqual(countedRoot(wide));
  });
});
