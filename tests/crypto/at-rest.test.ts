/**
 * Passphrase encryption at rest (wire spec 9, src/crypto/at-rest.ts).
 *
 * Known-answer vectors in tests/vectors/at-rest.json: each has `passphrase`, `salt` and `nonce`
 * (hex), `value` (the JSON value sealed), the intermediate `key` (hex, scrypt with the spec's
 * N = 2^17, r = 8, p = 1) and `padded` length, and `document`, the sealed document byte for byte.
 * They are computed by the independent derivation below (@noble/hashes' scrypt and libsodium's
 * crypto_secretbox_easy), not by the code under test. Regenerate with
 * `SEALPOST_WRITE_VECTORS=1 npx vitest run tests/crypto/at-rest`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt';
import { fc, test } from '@fast-check/vitest';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import {
  AtRestError,
  deriveKey,
  envPassphrase,
  open,
  openWithKey,
  seal,
  sealWithKey,
  SPEC_KDF,
  type AtRestKey,
  type SealedDocument,
} from '../../src/crypto/at-rest.js';

const FILE = new URL('../vectors/at-rest.json', import.meta.url);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
/** Cheap parameters for the tests that are not about the cost itself. */
const FAST = { N: 1024, r: 8, p: 1 };

interface Vector {
  name: string;
  passphrase: string;
  salt: string;
  nonce: string;
  value: unknown;
  key: string;
  padded: number;
  document: string;
}

await sodium.ready;

/** Wire spec 9 written out again: scrypt (noble, not node:crypto), spaces to 512 bytes, crypto_secretbox_easy. */
function derive(passphrase: string, salt: Uint8Array, nonce: Uint8Array, value: unknown) {
  const key = nobleScrypt(new TextEncoder().encode(passphrase.normalize('NFC')), salt, { N: 2 ** 17, r: 8, p: 1, dkLen: 32 });
  const text = new TextEncoder().encode(JSON.stringify(value));
  const padded = new Uint8Array(Math.ceil(text.length / 512) * 512).fill(0x20);
  padded.set(text);
  const box = sodium.crypto_secretbox_easy(padded, nonce, key);
  const document = JSON.stringify({ v: 'sealpost/at-rest/v1', kdf: 'scrypt', N: 131072, r: 8, p: 1, salt: b64(salt), nonce: b64(nonce), box: b64(box) });
  return { key, padded: padded.length, document };
}

function generate(): Vector[] {
  const cases: [string, string, Uint8Array, Uint8Array, unknown][] = [
    ['ASCII passphrase, counting salt and nonce', 'correct horse battery staple', Uint8Array.from({ length: 16 }, (_, i) => i), Uint8Array.from({ length: 24 }, (_, i) => 0x10 + i), { hello: 'world', n: 1 }],
    [
      'Chinese passphrase typed decomposed (NFD) gives the key of its NFC form; exactly 512 bytes of JSON, no padding',
      '退党声明 cafe\u0301',
      new Uint8Array(16).fill(0xff),
      new Uint8Array(24).fill(0xa5),
      { note: '自由', pad: 'x'.repeat(512 - Buffer.byteLength(JSON.stringify({ note: '自由', pad: '' }))) },
    ],
  ];
  return cases.map(([name, passphrase, salt, nonce, value]) => {
    const d = derive(passphrase, salt, nonce, value);
    return { name, passphrase, salt: hex(salt), nonce: hex(nonce), value, key: hex(d.key), padded: d.padded, document: d.document };
  });
}

if (process.env.SEALPOST_WRITE_VECTORS === '1') writeFileSync(FILE, JSON.stringify({ about: 'sealpost at-rest v1 known-answer vectors (wire spec 9); format in tests/crypto/at-rest.test.ts', vectors: generate() }, null, 2) + '\n');

const vectors = (JSON.parse(readFileSync(FILE, 'utf8')) as { vectors: Vector[] }).vectors;

describe('at-rest known-answer vectors (spec parameters, N = 2^17)', () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const key = await deriveKey(v.passphrase, unhex(v.salt));
    expect(hex(key.key)).toBe(v.key);
    expect(JSON.stringify(sealWithKey(v.value, key, unhex(v.nonce)))).toBe(v.document);
    // The code under test opens what libsodium sealed, and libsodium opens it.
    const doc = JSON.parse(v.document) as SealedDocument;
    expect(openWithKey(doc, key)).toEqual(v.value);
    const plain = sodium.crypto_secretbox_open_easy(Buffer.from(doc.box, 'base64'), unhex(v.nonce), unhex(v.key));
    expect(plain.length).toBe(v.padded);
    expect(JSON.parse(Buffer.from(plain).toString('utf8'))).toEqual(v.value);
  }, 20_000);

  it('a wrong passphrase does not open a spec-cost document, and says so with a typed error', async () => {
    const doc = JSON.parse(vectors[0]!.document) as SealedDocument;
    expect((await open(doc, vectors[0]!.passphrase)).value).toEqual(vectors[0]!.value);
    const err = await open(doc, 'correct horse battery stapler').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtRestError);
    expect(err).toMatchObject({ code: 'wrong-passphrase', reason: 'wrong-passphrase', key: 'crypto.at-rest.wrong-passphrase' });
  }, 20_000);
});

describe('at-rest sealing', () => {
  let fast: AtRestKey;
  const fastKey = async () => (fast ??= await deriveKey('pw', new Uint8Array(16).fill(1), FAST));

  it('derives the key scrypt gives (node:crypto against @noble/hashes), and NFC-normalises the passphrase', async () => {
    const salt = new Uint8Array(16).fill(9);
    const k = await deriveKey('caf\u00e9 口令', salt, FAST);
    expect(hex(k.key)).toBe(hex(nobleScrypt(new TextEncoder().encode('caf\u00e9 口令'), salt, { ...FAST, dkLen: 32 })));
    expect(hex((await deriveKey('cafe\u0301 口令', salt, FAST)).key)).toBe(hex(k.key));
    expect(hex((await deriveKey('cafe 口令', salt, FAST)).key)).not.toBe(hex(k.key));
  });

  it('shows only the envelope fields, a fresh nonce each time, and sizes rounded to 512 bytes', async () => {
    const k = await fastKey();
    const a = sealWithKey({ route: 'tor-bridge', at: 1_700_000_123 }, k);
    expect(Object.keys(a).sort()).toEqual(['N', 'box', 'kdf', 'nonce', 'p', 'r', 'salt', 'v']);
    const text = JSON.stringify(a);
    for (const clear of ['tor-bridge', 'route', '1700000123']) expect(text).not.toContain(clear);
    const b = sealWithKey({ route: 'tor-bridge', at: 1_700_000_123 }, k);
    expect(b.nonce).not.toBe(a.nonce);
    expect(b.box).not.toBe(a.box);
    const len = (v: unknown) => Buffer.from(sealWithKey(v, k).box, 'base64').length;
    expect(len({})).toBe(512 + 16);
    expect(len({ x: 'y'.repeat(512 - 8) })).toBe(512 + 16);
    expect(len({ x: 'y'.repeat(512 - 7) })).toBe(1024 + 16);
    expect(len({ x: 'y'.repeat(400) })).toBe(512 + 16);
    expect(len({ x: 'y'.repeat(600) })).toBe(1024 + 16);
  });

  it('rejects a changed salt, nonce or box as a wrong passphrase, and other parameters or fields as malformed, before any scrypt work', async () => {
    const k = await fastKey();
    const doc = sealWithKey({ a: 1 }, k);
    const flip = (s: string) => {
      const b = Buffer.from(s, 'base64');
      b[b.length - 1]! ^= 1;
      return b.toString('base64');
    };
    const reason = async (d: unknown) => ((await open(d, 'pw', FAST).catch((e: unknown) => e)) as AtRestError).reason;
    expect((await open(doc, 'pw', FAST)).value).toEqual({ a: 1 });
    for (const field of ['salt', 'nonce', 'box'] as const) expect(await reason({ ...doc, [field]: flip(doc[field]) }), field).toBe('wrong-passphrase');
    const t0 = performance.now();
    const malformed: unknown[] = [
      null,
      '{}',
      { ...doc, v: 'sealpost/at-rest/v2' },
      { ...doc, N: 2 ** 30 },
      { ...doc, r: 1 },
      { ...doc, kdf: 'argon2id' },
      { ...doc, extra: 1 },
      { ...doc, salt: b64(new Uint8Array(8)) },
      { ...doc, nonce: 'not base64!' },
      { ...doc, box: b64(new Uint8Array(100)) },
    ];
    for (const d of malformed) expect(await reason(d), JSON.stringify(d)).toBe('malformed');
    // Checked before scrypt runs: a file cannot make us spend 2^30 x 8 x 128 bytes.
    expect(performance.now() - t0).toBeLessThan(200);
    // The spec's parameters are the only ones a caller gets by default: FAST documents are refused.
    expect(((await open(doc, 'pw').catch((e: unknown) => e)) as AtRestError).reason).toBe('malformed');
  });

  test.prop([fc.jsonValue()], { numRuns: 100 })('round-trips any JSON value', async (value) => {
    const k = await fastKey();
    expect(openWithKey(sealWithKey(value, k), k)).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('seal() takes a fresh salt each time; refuses an empty passphrase; reads SEALPOST_PASSPHRASE', async () => {
    const [a, b] = await Promise.all([seal({ x: 1 }, 'pw', FAST), seal({ x: 1 }, 'pw', FAST)]);
    expect(a.salt).not.toBe(b.salt);
    expect((await open(b, 'pw', FAST)).value).toEqual({ x: 1 });
    await expect(seal({}, '', FAST)).rejects.toThrow(RangeError);
    await expect(deriveKey('pw', new Uint8Array(15), FAST)).rejects.toThrow(RangeError);
    expect(envPassphrase({ SEALPOST_PASSPHRASE: 's3cret 口令' })).toBe('s3cret 口令');
    expect(envPassphrase({ SEALPOST_PASSPHRASE: '' })).toBeUndefined();
    expect(envPassphrase({})).toBeUndefined();
  });

  it('uses the spec parameters by default', () => {
    expect(SPEC_KDF).toEqual({ N: 131072, r: 8, p: 1 });
  });
});
