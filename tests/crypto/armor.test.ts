/**
 * Armor (wire spec 3): bare and labelled blocks, text around them, CRLF, several blocks, and damaged
 * blocks reported by position while the good ones are still read.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { qrPayload, readArmor, readEnvelopeFile, writeArmor } from '../../src/crypto/armor.js';
import type { ArmorProblem } from '../../src/crypto/armor.js';
import { boxKeyPair, openEnvelope, sealEnvelope } from '../../src/crypto/envelope.js';
import { t } from '../../src/cli/i18n/index.js';

const SIZES = [1073, 4145, 16433] as const;

/** A stand-in envelope: version 0x01 and random bytes (armor never opens the box). */
function fakeEnvelope(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  out[0] = 1;
  return out;
}

const A = fakeEnvelope(1073, 1);
const B = fakeEnvelope(4145, 2);
const C = fakeEnvelope(16433, 3);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean =>
  a.length === b.length && a.every((x, i) => Buffer.from(x).equals(Buffer.from(b[i]!)));
const codes = (problems: readonly ArmorProblem[]): [number, string][] => problems.map((p) => [p.block, p.code]);

describe('writeArmor', () => {
  it('writes bare blocks of 64 columns, one blank line between, a final newline', () => {
    const text = writeArmor([A, B]);
    const [first, second, ...rest] = text.split('\n\n');
    expect(rest).toEqual([]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('-----');
    const lines = first!.split('\n');
    expect(lines.slice(0, -1).every((l) => l.length === 64)).toBe(true);
    expect(lines.at(-1)!.length).toBe(24); // 1432 = 22 * 64 + 24
    expect(lines.join('')).toBe(b64(A));
    expect(second!.trimEnd().split('\n').join('')).toBe(b64(B));
  });

  it('wraps each block in RFC 7468 lines on request', () => {
    const text = writeArmor([A, B], { label: true });
    const blocks = text.split('\n\n');
    expect(blocks).toHaveLength(2);
    for (const [i, block] of blocks.entries()) {
      const lines = block.trimEnd().split('\n');
      expect(lines[0]).toBe('-----BEGIN MESSAGE-----');
      expect(lines.at(-1)).toBe('-----END MESSAGE-----');
      expect(lines.slice(1, -1).join('')).toBe(b64([A, B][i]!));
    }
  });

  it('refuses what is not an envelope, naming the item', () => {
    expect(() => writeArmor([A, A.subarray(0, 1000)])).toThrow(/envelopes\[1\]/);
    expect(() => writeArmor([new Uint8Array(1073)])).toThrow(RangeError);
    expect(writeArmor([])).toBe('');
  });

  it('gives a QR payload of the one-line base64 of a 1073-byte envelope', () => {
    expect(qrPayload(A)).toBe(b64(A));
    expect(readArmor(qrPayload(A)).envelopes).toEqual([A]);
    expect(() => qrPayload(B)).toThrow(RangeError);
  });
});

describe('readArmor', () => {
  it('round-trips bare and labelled, LF and CRLF', () => {
    for (const label of [false, true]) {
      const text = writeArmor([A, B, C], { label });
      for (const t of [text, text.replace(/\n/g, '\r\n')]) {
        const r = readArmor(t);
        expect(r.problems).toEqual([]);
        expect(same(r.envelopes, [A, B, C])).toBe(true);
      }
    }
  });

  it('reads a real sealed envelope back and opens it', () => {
    const kp = boxKeyPair();
    const env = sealEnvelope(new TextEncoder().encode('{"v":1}'), kp.publicKey);
    const [read] = readArmor(writeArmor([env])).envelopes;
    expect(new TextDecoder().decode(openEnvelope(read!, [kp.secretKey]))).toBe('{"v":1}');
  });

  it('finds blocks in a chat message, beside ids, keys and other armor', () => {
    const id = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const text = [
      '你好！这是我的声明，请转交：',
      '  ' + writeArmor([A]).trimEnd().split('\n').join('  \n  ') + '  ',
      `envelope id: ${id}`,
      id,
      'box key:',
      'MzIgYnl0ZXMgb2YgYSBwdWJsaWMga2V5IGJhc2U2NCE=',
      'https://intake.example.org/v1/envelopes?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '-----BEGIN PGP SIGNATURE-----',
      '',
      'iQEzBAEBCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAAFAmYAAAAACgkQAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '=abcd',
      '-----END PGP SIGNATURE-----',
      'Thanks 谢谢',
      writeArmor([B], { label: true }),
      'OK',
      'bye',
    ].join('\n');
    const r = readArmor(text);
    expect(r.problems).toEqual([]);
    expect(same(r.envelopes, [A, B])).toBe(true);
  });

  it('reads blocks not separated by a blank line, and a single-line block', () => {
    const text = writeArmor([A]) + writeArmor([B], { label: true }) + writeArmor([C]) + b64(A) + '\n';
    const r = readArmor(text);
    expect(r.problems).toEqual([]);
    expect(same(r.envelopes, [A, B, C, A])).toBe(true);
  });

  it('names the position of each damaged block and still returns the good ones', () => {
    // Written by hand: writeArmor refuses what is not an envelope.
    const bare = (e: Uint8Array): string[] => b64(e).match(/.{1,64}/g)!;
    const labelled = (e: Uint8Array): string[] => writeArmor([e], { label: true }).trimEnd().split('\n');

    const badChar = labelled(B);
    badChar[5] = badChar[5]!.slice(0, 10) + '*' + badChar[5]!.slice(11);
    const badCharBare = bare(A);
    badCharBare[3] = badCharBare[3]!.slice(0, 10) + '-' + badCharBare[3]!.slice(11);
    const noEnd = labelled(A).slice(0, -1);
    const wrongLength = bare(fakeEnvelope(1000, 9));
    const wrongVersion = fakeEnvelope(1073, 10);
    wrongVersion[0] = 2;
    const cutBare = bare(C).slice(0, 100);

    const parts: string[][] = [
      ['Hello, several statements for you:'], //  line 1
      bare(A), //                                  block 1: good
      badChar, //                                  block 2: bad base64 on its 6th line
      noEnd, //                                    block 3: labelled, no END, then another block
      labelled(B), //                              block 4: good
      wrongLength, //                              block 5: 1000 bytes
      bare(wrongVersion), //                       block 6: version 2
      badCharBare, //                              block 7: bad base64 inside a bare block
      bare(C), //                                  block 8: good
      cutBare, //                                  block 9: cut short at the end of the text
    ];
    const lines: string[] = [];
    const firstLine: number[] = [];
    for (const [k, part] of parts.entries()) {
      if (k > 0) firstLine.push(lines.length + 1);
      lines.push(...part, '');
    }
    const r = readArmor(lines.join('\r\n'));
    expect(same(r.envelopes, [A, B, C])).toBe(true);
    expect(codes(r.problems)).toEqual([
      [2, 'bad-base64'],
      [3, 'truncated'],
      [5, 'bad-length'],
      [6, 'bad-version'],
      [7, 'bad-base64'],
      [9, 'truncated'],
    ]);
    const at = (block: number): ArmorProblem => r.problems.find((p) => p.block === block)!;
    expect(at(2).line).toBe(firstLine[1]! + 5);
    expect(at(3).line).toBe(firstLine[2]);
    expect(at(5)).toMatchObject({ line: firstLine[4], length: 1000 });
    expect(at(7).line).toBe(firstLine[6]! + 3);
    expect(at(9).line).toBe(firstLine[8]);
  });

  it('reports a bare block cut mid-line, and one cut at a line end, as truncated', () => {
    const text = writeArmor([A]);
    for (const cut of [1, 10, 25, 30, 700]) {
      expect(codes(readArmor(text.trimEnd().slice(0, -cut)).problems), `cut ${cut}`).toEqual([[1, 'truncated']]);
    }
    // One character off the largest envelope: still shorter than a whole block.
    expect(codes(readArmor(writeArmor([C]).trimEnd().slice(0, -1)).problems)).toEqual([[1, 'truncated']]);
    // Followed by prose rather than the end of the text.
    const lines = text.trimEnd().split('\n');
    const r = readArmor([...lines.slice(0, 10), '', 'sorry, my phone cut it', '', writeArmor([B])].join('\n'));
    expect(codes(r.problems)).toEqual([[1, 'truncated']]);
    expect(same(r.envelopes, [B])).toBe(true);
  });

  it('reports non-canonical padding and padding inside the text as bad base64', () => {
    const lines = writeArmor([A], { label: true }).trimEnd().split('\n');
    const inner = lines.slice();
    inner[3] = inner[3]!.slice(0, 60) + 'AA==';
    expect(codes(readArmor(inner.join('\n')).problems)).toEqual([[1, 'bad-base64']]);
    expect(readArmor(inner.join('\n')).problems[0]!.line).toBe(4);
  });

  it('ignores prose that merely uses base64 letters', () => {
    const hexId = '0123456789abcdef'.repeat(4);
    const r = readArmor(`Hi\nOK\nThanks\nabcdefghijklmnopqrstuvwxyz\n${hexId}\n${hexId.toUpperCase()}\n`);
    expect(r).toEqual({ envelopes: [], problems: [] });
  });

  it('has messages for every problem in both languages', () => {
    const r = readArmor(writeArmor([A]).slice(0, 200));
    const p = r.problems[0]!;
    expect(p.key).toBe('crypto.armor.truncated');
    expect(t(p.key, p.params, 'en')).toMatch(/^block 1 \(line 1\)/);
    expect(t(p.key, p.params, 'zh-CN')).toMatch(/^第 1 块/);
    for (const code of ['bad-base64', 'bad-length', 'bad-version', 'truncated']) {
      for (const lang of ['en', 'zh-CN'] as const) {
        expect(t(`crypto.armor.${code}`, { block: 2, line: 7, length: 9 }, lang)).not.toMatch(/crypto\.|\{/);
      }
    }
  });
});

describe('readEnvelopeFile', () => {
  it('reads a binary envelope, armored text, and text with a BOM', () => {
    expect(readEnvelopeFile(B)).toEqual({ envelopes: [B], problems: [] });
    const text = new TextEncoder().encode('\ufeff' + writeArmor([A, C], { label: true }).replace(/\n/g, '\r\n'));
    const r = readEnvelopeFile(text);
    expect(r.problems).toEqual([]);
    expect(same(r.envelopes, [A, C])).toBe(true);
  });

  it('reports a binary file of a wrong length or version', () => {
    expect(codes(readEnvelopeFile(A.subarray(0, 1072)).problems)).toEqual([[1, 'bad-length']]);
    const v2 = A.slice();
    v2[0] = 2;
    expect(codes(readEnvelopeFile(v2).problems)).toEqual([[1, 'bad-version']]);
    expect(readEnvelopeFile(new TextEncoder().encode('no envelope here\n'))).toEqual({ envelopes: [], problems: [] });
  });
});

describe('properties', () => {
  // Envelopes are drawn as (size, seed) so that a counterexample prints short; `env()` builds them.
  const envelope = fc.tuple(fc.constantFrom(...SIZES), fc.nat());
  const env = ([size, seed]: [number, number]): Uint8Array => fakeEnvelope(size, seed);
  /** Prose lines: always a space or punctuation, never a boundary line. */
  const prose = fc
    .array(
      fc.oneof(fc.constantFrom('你好', 'Hello,', 'OK', '谢谢!', 'see below:', 'id', '🙂'), fc.string({ maxLength: 12 })),
      { minLength: 1, maxLength: 4 },
    )
    .map((words) => words.join(' ') + ' .')
    .filter((l) => !l.includes('-----'));
  const item = fc.record({ env: envelope, label: fc.boolean(), before: fc.array(prose, { maxLength: 2 }) });

  test.prop([fc.array(item, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.array(prose, { maxLength: 2 })], {
    numRuns: 60,
  })('any mix of blocks and prose reads back exactly', (items, crlf, after) => {
    const parts = items.flatMap((it) => [...it.before, writeArmor([env(it.env)], { label: it.label })]);
    const text = [...parts, ...after].join('\n');
    const r = readArmor(crlf ? text.replace(/\n/g, '\r\n') : text);
    expect(r.problems).toEqual([]);
    expect(
      same(
        r.envelopes,
        items.map((it) => env(it.env)),
      ),
    ).toBe(true);
  });

  test.prop([fc.array(envelope, { minLength: 1, maxLength: 3 }), fc.boolean()], { numRuns: 30 })(
    'writeArmor then readArmor is the identity',
    (specs, label) => {
      const envs = specs.map(env);
      const r = readArmor(writeArmor(envs, { label }));
      expect(r.problems).toEqual([]);
      expect(same(r.envelopes, envs)).toBe(true);
    },
  );

  const cutLength = fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 5000 }));
  test.prop([envelope, envelope, cutLength], { numRuns: 60 })(
    'cutting the end off a bare block reports that block, and only it',
    (first, second, cut) => {
      const block = writeArmor([env(first)]).trimEnd();
      const text = block.slice(0, -Math.min(cut, block.length - 64)) + '\n\n' + writeArmor([env(second)]);
      const r = readArmor(text);
      expect(codes(r.problems)).toEqual([[1, 'truncated']]);
      expect(same(r.envelopes, [env(second)])).toBe(true);
    },
  );

  test.prop([fc.string({ unit: 'grapheme', maxLength: 400 })], { numRuns: 200 })('never throws on any text', (text) => {
    const r = readArmor(text);
    for (const p of r.problems) expect(p.block).toBeGreaterThanOrEqual(1);
  });
});
