/**
 * The tally's libsodium opener against the reference opener (wire spec 3): both give the same
 * statement for every good envelope and the same reason, in spec 3's order, for every bad one —
 * corrupt bytes anywhere, low-order ephemeral keys, bad version and length, bad length prefix and
 * padding (boxes made with libsodium's own crypto_box_seal), bad UTF-8, JSON and statements.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { boxKeyPair } from '../../src/crypto/envelope.js';
import { openForTally, referenceOpener, sodiumOpener, type OpenResult } from '../../src/center/tally/open.js';
import { seeded } from '../harness/prng.js';
import { makeStatement, seal } from './fixture.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_box_seal(c: Uint8Array, m: Uint8Array, pk: Uint8Array): void;
};
const kp = boxKeyPair();
const ref = referenceOpener([kp]);
const fast = sodiumOpener([kp])!;
const TODAY = '2026-11-30';
const both = (env: Uint8Array): [OpenResult, OpenResult] => [openForTally(env, ref, TODAY, true), openForTally(env, fast, TODAY, true)];

/** A sealed box of arbitrary padded bytes, made by libsodium itself. */
function sealedRaw(padded: Uint8Array): Uint8Array {
  const c = new Uint8Array(padded.length + 48);
  sodium.crypto_box_seal(c, padded, kp.publicKey);
  return Uint8Array.of(1, ...c);
}
function padded(json: Uint8Array, size = 1024, prefix = json.length): Uint8Array {
  const p = new Uint8Array(size);
  new DataView(p.buffer).setUint32(0, prefix);
  p.set(json, 4);
  return p;
}
const enc = new TextEncoder();

describe('tally opener: libsodium and the reference agree', () => {
  it('opens good envelopes to the same summary', () => {
    const rand = seeded(7);
    for (let i = 0; i < 50; i++) {
      const [a, b] = both(seal(makeStatement(rand), kp.publicKey));
      expect(a.ok).toBe(true);
      expect(b).toEqual(a);
    }
  });

  it('gives the same reason for a flipped bit anywhere (200 positions)', () => {
    const rand = seeded(8);
    const env = seal(makeStatement(rand), kp.publicKey);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const bad = Uint8Array.from(env);
      const at = i < 40 ? i : Math.floor(rand() * env.length);
      bad[at]! ^= 1 << Math.floor(rand() * 8);
      const [a, b] = both(bad);
      expect(b, `byte ${at}`).toEqual(a);
      expect(a.ok).toBe(false);
      if (!a.ok) seen.add(`${a.reason}:${a.detail}`);
    }
    expect(seen).toEqual(new Set(['undecryptable:bad-version', 'undecryptable:box']));
  });

  it('rejects low-order ephemeral keys as low-order-key, before the box', () => {
    const env = seal(makeStatement(seeded(9)), kp.publicKey);
    // 0, 1, and an order-8 point (RFC 7748 / libsodium's blocklist), plus p (non-canonical 0).
    const points = [
      '0000000000000000000000000000000000000000000000000000000000000000',
      '0100000000000000000000000000000000000000000000000000000000000000',
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    ];
    for (const hex of points) {
      const bad = Uint8Array.from(env);
      bad.set(Buffer.from(hex, 'hex'), 1);
      const [a, b] = both(bad);
      expect(a).toEqual({ ok: false, reason: 'undecryptable', detail: 'low-order-key' });
      expect(b).toEqual(a);
    }
  });

  it('rejects bad lengths, prefixes, padding, UTF-8, JSON and statements the same way', () => {
    const good = enc.encode('{"v":1}');
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array(1073), 'undecryptable:bad-version'],
      [Uint8Array.of(1, ...new Uint8Array(1000)), 'undecryptable:bad-length'],
      [sealedRaw(padded(good, 1024, 0)), 'invalid:bad-length-prefix'],
      [sealedRaw(padded(good, 1024, 1021)), 'invalid:bad-length-prefix'],
      [sealedRaw(Object.assign(padded(good), { 900: 1 })), 'invalid:bad-padding'],
      [sealedRaw(padded(Uint8Array.of(0xff, 0xfe))), 'invalid:bad-utf8'],
      [sealedRaw(padded(enc.encode('{"v":1,'))), 'invalid:bad-json'],
      [sealedRaw(padded(enc.encode('{"v":1,"v":1}'))), 'invalid:duplicate-key:v'],
      [sealedRaw(padded(good)), 'invalid:invalid-statement:kind'],
      [sealedRaw(padded(good, 4096)), 'invalid:invalid-statement:kind'],
    ];
    for (const [env, want] of cases) {
      const [a, b] = both(env);
      expect(a.ok ? 'ok' : `${a.reason}:${a.detail}`, want).toBe(want);
      expect(b, want).toEqual(a);
    }
  });
});
