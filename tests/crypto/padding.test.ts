/**
 * unpad reads every padding byte (src/crypto/padding.ts reads them four at a time where they are
 * aligned): a single non-zero byte anywhere in the padding is refused, whatever the statement's
 * length and wherever the padded bytes start in their buffer.
 */
import { describe, expect, it } from 'vitest';
import { pad, unpad } from '../../src/crypto/padding.js';
import { isEnvelopeError } from '../../src/errors.js';

function reason(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    return isEnvelopeError(err) ? (err as { reason: string }).reason : String(err);
  }
}

describe('unpad', () => {
  it('refuses one non-zero padding byte at every position, at every alignment', () => {
    for (const length of [1, 2, 3, 5, 100, 1013, 1019, 1020]) {
      const json = new Uint8Array(length).fill(0x41);
      const padded = pad(json);
      for (const shift of [0, 1, 2, 3]) {
        // The padded bytes at byte offset `shift` of a larger buffer.
        const host = new Uint8Array(padded.length + shift);
        const view = host.subarray(shift);
        view.set(padded);
        expect(unpad(view)).toEqual(json);
        for (let at = 4 + length; at < padded.length; at++) {
          view[at] = 1 << (at % 8);
          expect(reason(() => unpad(view)), `length ${length}, shift ${shift}, byte ${at}`).toBe('bad-padding');
          view[at] = 0;
        }
      }
    }
  });

  it('gives back a copy of exactly the statement bytes', () => {
    const json = new TextEncoder().encode('{"v":1}');
    const padded = pad(json);
    const out = unpad(padded);
    expect(out).toEqual(json);
    padded.fill(0);
    expect(out).toEqual(json);
  });
});
