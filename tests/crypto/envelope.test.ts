/**
 * Envelope layout, padding and the opening checks of wire spec 3: sizes at the bucket edges, every
 * single-byte flip rejected, and each failure with its own internal reason behind one external error.
 */
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2b';
import sodium from 'libsodium-wrappers';
import nacl from 'tweetnacl';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeError, InputError } from '../../src/errors.js';
import type { OpenFailure } from '../../src/errors.js';
import {
  boxKeyPair,
  envelopeId,
  envelopeIdHex,
  newDeliveryToken,
  openEnvelope,
  openEnvelopeText,
  sealEnvelope,
} from '../../src/crypto/envelope.js';
import { MAX_PLAINTEXT, pad, unpad } from '../../src/crypto/padding.js';
import { describeError, t } from '../../src/cli/i18n/index.js';

const enc = new TextEncoder();
const kp = boxKeyPair();
const other = boxKeyPair();
const statement = enc.encode('{"v":1,"kind":"withdrawal","people":[{"name":"张三","orgs":["CCP"]}]}');

beforeAll(async () => {
  await sodium.ready;
});

/** ASCII JSON of exactly `n` bytes. */
function jsonOfLength(n: number): Uint8Array {
  if (n < 11) return enc.encode('1'.repeat(n));
  const head = '{"text":"';
  const tail = '"}';
  return enc.encode(head + 'x'.repeat(n - head.length - tail.length) + tail);
}

/** A sealed box of arbitrary padded bytes, made by libsodium, behind the version byte. */
function sealRaw(padded: Uint8Array, pk: Uint8Array = kp.publicKey): Uint8Array {
  const sealed = sodium.crypto_box_seal(padded, pk);
  const out = new Uint8Array(1 + sealed.length);
  out[0] = 1;
  out.set(sealed, 1);
  return out;
}

function reasonOf(fn: () => unknown): OpenFailure {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EnvelopeError);
    return (err as EnvelopeError).reason;
  }
  throw new Error('expected the envelope to be refused');
}

describe('sizes (spec 3: 1 + 48 + P)', () => {
  it.each([
    [1, 1073],
    [1020, 1073],
    [1021, 4145],
    [4092, 4145],
    [4093, 16433],
    [16380, 16433],
  ])('a %i-byte statement makes a %i-byte envelope', (n, size) => {
    const env = sealEnvelope(jsonOfLength(n), kp.publicKey);
    expect(env.length).toBe(size);
    expect(env[0]).toBe(1);
    expect(openEnvelope(env, [kp.secretKey])).toEqual(jsonOfLength(n));
  });

  it('refuses 16381 bytes with InputError too-large, telling the user to split the group', () => {
    expect(MAX_PLAINTEXT).toBe(16380);
    let err: unknown;
    try {
      sealEnvelope(jsonOfLength(16381), kp.publicKey);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('too-large');
    expect(describeError(err, 'en')).toMatch(/16381 bytes.*16380.*split the group/);
    expect(describeError(err, 'zh-CN')).toMatch(/16381.*拆分/);
  });

  it('refuses an empty statement', () => {
    expect(() => pad(new Uint8Array(0))).toThrow(InputError);
  });

  it('pads to u32be length || json || zeros', () => {
    const p = pad(Uint8Array.of(0x7b, 0x7d));
    expect(p.length).toBe(1024);
    expect([...p.subarray(0, 6)]).toEqual([0, 0, 0, 2, 0x7b, 0x7d]);
    expect(p.subarray(6).every((b) => b === 0)).toBe(true);
    expect(unpad(p)).toEqual(Uint8Array.of(0x7b, 0x7d));
  });

  it('accepts a statement in a larger bucket than it needs', () => {
    const padded = new Uint8Array(4096);
    padded.set(pad(statement).subarray(0, 4 + statement.length));
    expect(openEnvelope(sealRaw(padded), [kp.secretKey])).toEqual(statement);
  });
});

describe('argument guards', () => {
  it('name the argument', () => {
    expect(() => sealEnvelope(statement, new Uint8Array(31))).toThrow(/boxKey: expected 32 bytes/);
    expect(() => sealEnvelope('x' as unknown as Uint8Array, kp.publicKey)).toThrow(TypeError);
    expect(() => sealEnvelope(statement, kp.publicKey, { random: new Uint8Array(8) })).toThrow(/opts.random/);
    const env = sealEnvelope(statement, kp.publicKey);
    expect(() => openEnvelope(env, [])).toThrow(RangeError);
    expect(() => openEnvelope(env, [kp.secretKey, new Uint8Array(5)])).toThrow(/secretKeys\[1\]/);
  });

  it('refuses to seal to a low-order box key (anyone could open it)', () => {
    expect(() => sealEnvelope(statement, new Uint8Array(32))).toThrow(InputError);
  });
});

describe('opening', () => {
  it('tries each key in turn (rotation)', () => {
    const env = sealEnvelope(statement, kp.publicKey);
    expect(openEnvelope(env, [other.secretKey, kp.secretKey])).toEqual(statement);
    expect(reasonOf(() => openEnvelope(env, [other.secretKey]))).toBe('box');
  });

  it('does not serve a stale public key when a key array is overwritten in place', () => {
    const sk = kp.secretKey.slice();
    const env = sealEnvelope(statement, other.publicKey);
    expect(reasonOf(() => openEnvelope(env, [sk]))).toBe('box'); // caches kp's public key for `sk`
    sk.set(other.secretKey);
    expect(openEnvelope(env, [sk])).toEqual(statement);
  });

  it('decodes UTF-8 strictly, keeping a BOM for the JSON parser to refuse', () => {
    expect(openEnvelopeText(sealEnvelope(statement, kp.publicKey), [kp.secretKey])).toContain('张三');
    const sealOpen = (bytes: number[]): string =>
      openEnvelopeText(sealEnvelope(Uint8Array.from(bytes), kp.publicKey), [kp.secretKey]);
    expect(reasonOf(() => sealOpen([0xc3, 0x28]))).toBe('bad-utf8');
    const bom = sealOpen([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    expect(bom).toBe('\ufeff{}');
  });

  it('rejects every single-byte flip of a 1073-byte envelope', () => {
    const env = sealEnvelope(statement, kp.publicKey);
    expect(env.length).toBe(1073);
    // XOR 0x01 at every position; XOR 0x80 on the epk bytes too (X25519 ignores bit 255 of the last one,
    // so only the nonce's binding of the epk bytes catches that flip); then seeded random non-zero masks.
    let seed = 0x9e3779b9;
    const next = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed >>> 8;
    };
    const flips: [number, number][] = [];
    for (let i = 0; i < env.length; i++) flips.push([i, 0x01]);
    for (let i = 1; i <= 32; i++) flips.push([i, 0x80]);
    for (let n = 0; n < 64; n++) flips.push([next() % env.length, (next() % 255) + 1]);
    for (const [i, mask] of flips) {
      const bad = env.slice();
      bad[i]! ^= mask;
      const reason = reasonOf(() => openEnvelope(bad, [kp.secretKey]));
      expect(reason, `byte ${i} ^ ${mask}`).toBe(i === 0 ? 'bad-version' : 'box');
    }
    expect(openEnvelope(env, [kp.secretKey])).toEqual(statement);
  });
});

/** X25519 u-coordinates of small order, and non-canonical encodings of them (RFC 7748 masks bit 255). */
const P = 2n ** 255n - 19n;
const SMALL_ORDER: [string, bigint][] = [
  ['0 (order 4 in the group, the identity in x-only form)', 0n],
  ['1 (order 4)', 1n],
  ['p - 1 (order 2)', P - 1n],
  ['order 8 (a)', 325606250916557431795983626356110631294008115727848805560023387167927233504n],
  ['order 8 (b)', 39382357235489614581723060781553021112529911719440698176882885853963445705823n],
  ['p (non-canonical 0)', P],
  ['p + 1 (non-canonical 1)', P + 1n],
];

function le32(u: bigint, topBit = false): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  if (topBit) out[31]! |= 0x80;
  return out;
}

describe('low-order ephemeral keys (spec 3: reject an all-zero shared secret)', () => {
  const cases = SMALL_ORDER.flatMap(([name, u]) => [
    [name, le32(u)] as const,
    [`${name}, bit 255 set`, le32(u, true)] as const,
  ]);

  it.each(cases)('%s: a box whose MAC verifies without the check is refused as low-order-key', (_name, epk) => {
    // The list is right: every clamped scalar maps the point to an all-zero shared secret.
    expect(nacl.scalarMult(kp.secretKey, epk).every((b) => b === 0)).toBe(true);
    // Craft the box an attacker can make without any secret: key HSalsa20(0), nonce from epk || pk.
    const nonce = blake2b(new Uint8Array([...epk, ...kp.publicKey]), { dkLen: 24 });
    const k = nacl.box.before(epk, kp.secretKey);
    expect(k).toEqual(nacl.box.before(epk, other.secretKey)); // the same for every recipient
    const forged = nacl.secretbox(pad(statement), nonce, k);
    // tweetnacl alone would open it: the MAC verifies.
    expect(nacl.box.open(forged, nonce, epk, kp.secretKey)).not.toBeNull();
    const env = new Uint8Array([1, ...epk, ...forged]);
    expect(env.length).toBe(1073);
    expect(reasonOf(() => openEnvelope(env, [kp.secretKey]))).toBe('low-order-key');
    // libsodium refuses it too.
    expect(() => sodium.crypto_box_seal_open(env.subarray(1), kp.publicKey, kp.secretKey)).toThrow();
  });
});

describe('one external error, distinct internal reasons', () => {
  it('each failure has its own reason and the same code, key and message', () => {
    const good = sealEnvelope(statement, kp.publicKey);
    const withPrefix = (prefix: number): Uint8Array => {
      const p = pad(statement);
      new DataView(p.buffer).setUint32(0, prefix, false);
      return sealRaw(p);
    };
    const nonZeroPadding = (() => {
      const p = pad(statement);
      p[p.length - 1] = 1;
      return sealRaw(p);
    })();
    const versioned = good.slice();
    versioned[0] = 2;
    const lowOrder = good.slice();
    lowOrder.fill(0, 1, 33);
    const mid = sealEnvelope(jsonOfLength(2000), kp.publicKey);
    const big = sealEnvelope(jsonOfLength(9000), kp.publicKey);
    const cases: [string, () => unknown, OpenFailure][] = [
      ['version 0x02', () => openEnvelope(versioned, [kp.secretKey]), 'bad-version'],
      ['empty', () => openEnvelope(new Uint8Array(0), [kp.secretKey]), 'bad-version'],
      ['1072 bytes', () => openEnvelope(good.subarray(0, 1072), [kp.secretKey]), 'bad-length'],
      ['4144 bytes', () => openEnvelope(mid.subarray(0, 4144), [kp.secretKey]), 'bad-length'],
      ['16432 bytes', () => openEnvelope(big.subarray(0, 16432), [kp.secretKey]), 'bad-length'],
      ['16434 bytes', () => openEnvelope(new Uint8Array([...big, 0]), [kp.secretKey]), 'bad-length'],
      ['all-zero epk', () => openEnvelope(lowOrder, [kp.secretKey]), 'low-order-key'],
      ['wrong key', () => openEnvelope(good, [other.secretKey]), 'box'],
      ['length prefix too long', () => openEnvelope(withPrefix(1021), [kp.secretKey]), 'bad-length-prefix'],
      ['length prefix 2^32 - 1', () => openEnvelope(withPrefix(0xffffffff), [kp.secretKey]), 'bad-length-prefix'],
      ['length prefix zero', () => openEnvelope(withPrefix(0), [kp.secretKey]), 'bad-length-prefix'],
      ['non-zero padding', () => openEnvelope(nonZeroPadding, [kp.secretKey]), 'bad-padding'],
      ['invalid UTF-8', () => openEnvelopeText(sealRaw(pad(Uint8Array.of(0xff))), [kp.secretKey]), 'bad-utf8'],
    ];
    // The largest prefix that fits is accepted: the check is exactly 4 + len <= P.
    expect(openEnvelope(withPrefix(1020), [kp.secretKey]).length).toBe(1020);

    const errors = cases.map(([name, fn, reason]) => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(EnvelopeError);
      expect((err as EnvelopeError).reason, name).toBe(reason);
      return err as EnvelopeError;
    });
    expect(new Set(errors.map((e) => e.reason)).size).toBe(7);
    for (const e of errors) {
      expect(e.code).toBe('undecryptable');
      expect(e.key).toBe('error.envelope');
      expect(e.message).toBe('envelope cannot be opened');
      expect(describeError(e, 'en')).toBe(t('error.envelope', {}, 'en'));
    }
    expect(errors.filter((e) => e.tallyReason === 'undecryptable').map((e) => e.reason)).toEqual([
      'bad-version', 'bad-version', 'bad-length', 'bad-length', 'bad-length', 'bad-length', 'low-order-key', 'box',
    ]);
  });

  it('checks in the spec order: version before length, low-order before the box', () => {
    const env = sealEnvelope(statement, kp.publicKey);
    const short = env.slice(0, 100);
    short[0] = 7;
    expect(reasonOf(() => openEnvelope(short, [kp.secretKey]))).toBe('bad-version');
    const lowOrder = env.slice();
    lowOrder.fill(0, 1, 33);
    // The box would fail as well; the low-order check must come first.
    expect(reasonOf(() => openEnvelope(lowOrder, [other.secretKey, kp.secretKey]))).toBe('low-order-key');
  });
});

describe('hedged ephemeral key (spec 3)', () => {
  const random = new Uint8Array(32).fill(7);

  it('derives esk from random and the padded statement', () => {
    const env = sealEnvelope(statement, kp.publicKey, { random });
    const inner = createHash('sha512').update(pad(statement)).digest();
    const esk = createHash('sha512').update('sealpost/esk/v1').update(random).update(inner).digest().subarray(0, 32);
    expect(env.subarray(1, 33)).toEqual(nacl.scalarMult.base(new Uint8Array(esk)));
  });

  it('same random, same statement: the same envelope; different statement: a different epk', () => {
    const a = sealEnvelope(statement, kp.publicKey, { random });
    expect(sealEnvelope(statement, kp.publicKey, { random })).toEqual(a);
    const b = sealEnvelope(enc.encode('{"v":1}'), kp.publicKey, { random });
    expect(b.subarray(1, 33)).not.toEqual(a.subarray(1, 33));
  });

  it('fresh randomness by default', () => {
    const a = sealEnvelope(statement, kp.publicKey);
    const b = sealEnvelope(statement, kp.publicKey);
    expect(a.subarray(1, 33)).not.toEqual(b.subarray(1, 33));
  });
});

describe('envelope id and delivery token', () => {
  it('eh = SHA-256(envelope), hex lowercase', () => {
    const env = sealEnvelope(statement, kp.publicKey);
    const expected = createHash('sha256').update(env).digest();
    expect(envelopeId(env)).toEqual(new Uint8Array(expected));
    expect(envelopeIdHex(env)).toBe(expected.toString('hex'));
    expect(envelopeIdHex(env)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tokens are 16 fresh random bytes', () => {
    const a = newDeliveryToken();
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(16);
    expect(newDeliveryToken()).not.toEqual(a);
  });
});
