import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { InputError } from '../../src/errors.js';
import { statementTag } from '../../src/statement/index.js';

describe('statementTag (wire spec 8)', () => {
  it('matches known-answer vectors (computed independently with Python hashlib)', () => {
    expect(
      statementTag({ tagKey: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', id: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf' }),
    ).toBe('82abc075956f0c5fd364a79b7e1bc2a4964f4f691d037cf3d876c3b010af505d');
    expect(statementTag({ tagKey: '//////////////////////////////////////////8=', id: '0'.repeat(32) })).toBe(
      '25ef5143a1780bdffc5a5bd8ca8681a91e42520778651f9b1f533f9325687b52',
    );
  });

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 })])(
    'equals node:crypto SHA-256 of domain || key || id',
    (key, id) => {
      const want = createHash('sha256').update('sealpost/tag/v1').update(key).update(id).digest('hex');
      expect(statementTag({ tagKey: Buffer.from(key).toString('base64'), id: Buffer.from(id).toString('hex') })).toBe(want);
    },
  );

  it('depends on both the key and the id', () => {
    const a = statementTag({ tagKey: Buffer.alloc(32).toString('base64'), id: '0'.repeat(32) });
    expect(statementTag({ tagKey: Buffer.alloc(32, 1).toString('base64'), id: '0'.repeat(32) })).not.toBe(a);
    expect(statementTag({ tagKey: Buffer.alloc(32).toString('base64'), id: '0'.repeat(31) + '1' })).not.toBe(a);
  });

  it.each([
    [{ tagKey: Buffer.alloc(32).toString('base64'), id: 'A'.repeat(32) }, 'id', 'statement.rule.hex32'],
    [{ tagKey: Buffer.alloc(32).toString('base64'), id: '0'.repeat(30) }, 'id', 'statement.rule.hex32'],
    [{ tagKey: Buffer.alloc(31).toString('base64'), id: '0'.repeat(32) }, 'tagKey', 'statement.rule.tag-key'],
    [{ tagKey: Buffer.alloc(32).toString('base64url'), id: '0'.repeat(32) }, 'tagKey', 'statement.rule.tag-key'],
  ])('refuses a malformed id or tagKey', (st, field, key) => {
    expect(() => statementTag(st)).toThrow(InputError);
    expect(() => statementTag(st)).toThrow(expect.objectContaining({ code: 'invalid-statement', field, key }));
  });
});
