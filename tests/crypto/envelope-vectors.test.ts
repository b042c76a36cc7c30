/**
 * Known-answer vectors for the envelope (wire spec 3), in tests/vectors/envelope.json.
 *
 * Format: `boxSecretKey` / `boxPublicKey` (hex, X25519) are shared by all vectors; each vector has
 * `name`, `random` (hex, the 32 random bytes of the esk derivation), `plaintext` (the statement JSON as
 * a string: its UTF-8 encoding is the plaintext), `plaintextBytes`, the intermediate values `esk`, `epk`,
 * `nonce` (hex), `envelopeLength`, `envelope` (hex) and `envelopeId` (hex SHA-256 of the envelope).
 * An implementation seals `plaintext` to `boxPublicKey` with `random` and must produce `envelope` byte
 * for byte; opening `envelope` with `boxSecretKey` gives back `plaintext`.
 *
 * The vectors are computed by the independent derivation below, from libsodium's primitives
 * (crypto_hash = SHA-512, crypto_scalarmult_base, crypto_generichash, crypto_box_easy; SHA-256 from
 * node:crypto), not by the code under test. Regenerate with
 * `SEALPOST_WRITE_VECTORS=1 npx vitest run tests/crypto/envelope-vectors`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { envelopeIdHex, openEnvelopeText, sealEnvelope } from '../../src/crypto/envelope.js';

const FILE = new URL('../vectors/envelope.json', import.meta.url);
const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

interface Vector {
  name: string;
  random: string;
  plaintext: string;
  plaintextBytes: number;
  esk: string;
  epk: string;
  nonce: string;
  envelopeLength: number;
  envelope: string;
  envelopeId: string;
}

interface VectorFile {
  about: string;
  boxSecretKey: string;
  boxPublicKey: string;
  vectors: Vector[];
}

await sodium.ready;

/** Spec 3, written out again from the text of the spec with libsodium's primitives. */
function derive(plaintext: Uint8Array, boxPublicKey: Uint8Array, random: Uint8Array) {
  const p = [1024, 4096, 16384].find((size) => 4 + plaintext.length <= size)!;
  const padded = new Uint8Array(p);
  const n = plaintext.length;
  padded.set([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  padded.set(plaintext, 4);
  const esk = sodium
    .crypto_hash(new Uint8Array([...enc.encode('sealpost/esk/v1'), ...random, ...sodium.crypto_hash(padded)]))
    .subarray(0, 32);
  const epk = sodium.crypto_scalarmult_base(esk);
  const nonce = sodium.crypto_generichash(24, new Uint8Array([...epk, ...boxPublicKey]), null);
  const boxed = sodium.crypto_box_easy(padded, nonce, boxPublicKey, esk);
  const envelope = new Uint8Array([1, ...epk, ...boxed]);
  return { esk, epk, nonce, envelope, envelopeId: sha256(envelope) };
}

/** A statement-shaped document of exactly `bytes` bytes, filled with `fill` then ASCII. */
function statementOfSize(bytes: number, fill: string): string {
  const base = {
    v: 1,
    kind: 'withdrawal',
    id: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    tagKey: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    people: [{ name: '李华', orgs: ['CCP', 'CYL'] }, { name: 'Wang Fang', realName: true, orgs: ['CYP'] }],
    region: { country: 'CN', province: '440000', city: '广州' },
    channel: 'internet',
    date: '2025-07-01',
    text: '',
  };
  let text = '';
  const size = (s: string): number => enc.encode(JSON.stringify({ ...base, text: s })).length;
  while (size(text + fill) <= bytes) text += fill;
  while (size(text) < bytes) text += '.';
  return JSON.stringify({ ...base, text });
}

function generate(): VectorFile {
  const boxSecretKey = sha256(enc.encode('sealpost test vector box key'));
  const boxPublicKey = sodium.crypto_scalarmult_base(boxSecretKey);
  const counting = Uint8Array.from({ length: 32 }, (_, i) => i);
  const cases: [string, Uint8Array, string][] = [
    [
      'small statement, 1024 bucket',
      counting,
      JSON.stringify({
        v: 1,
        kind: 'withdrawal',
        id: '00112233445566778899aabbccddeeff',
        tagKey: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=',
        people: [{ name: '张三', orgs: ['CCP'] }],
        region: { country: 'CN', province: '110000' },
        channel: 'internet',
        date: '2024-12-03',
      }),
    ],
    ['same random, another statement: another epk (hedging)', counting, statementOfSize(300, '我声明退出。')],
    ['all-0xff random, emoji and CJK', new Uint8Array(32).fill(0xff), statementOfSize(900, '我自愿声明🙏 ')],
    ['1020 bytes: the largest in the 1024 bucket', sha256(enc.encode('v3')), statementOfSize(1020, 'x')],
    ['1021 bytes: the smallest in the 4096 bucket', sha256(enc.encode('v4')), statementOfSize(1021, 'x')],
    ['4093 bytes: the smallest in the 16384 bucket', sha256(enc.encode('v5')), statementOfSize(4093, '自由')],
    ['16380 bytes: the largest statement', sha256(enc.encode('v6')), statementOfSize(16380, '本人声明 ')],
  ];
  const vectors = cases.map(([name, random, plaintext]): Vector => {
    const bytes = enc.encode(plaintext);
    const d = derive(bytes, boxPublicKey, random);
    return {
      name,
      random: hex(random),
      plaintext,
      plaintextBytes: bytes.length,
      esk: hex(d.esk),
      epk: hex(d.epk),
      nonce: hex(d.nonce),
      envelopeLength: d.envelope.length,
      envelope: hex(d.envelope),
      envelopeId: hex(d.envelopeId),
    };
  });
  return {
    about: 'sealpost envelope v1 known-answer vectors (wire spec 3); format in tests/crypto/envelope-vectors.test.ts',
    boxSecretKey: hex(boxSecretKey),
    boxPublicKey: hex(boxPublicKey),
    vectors,
  };
}

if (process.env.SEALPOST_WRITE_VECTORS === '1') writeFileSync(FILE, JSON.stringify(generate(), null, 2) + '\n');

describe('envelope known-answer vectors', () => {
  const file = JSON.parse(readFileSync(FILE, 'utf8')) as VectorFile;
  const sk = unhex(file.boxSecretKey);
  const pk = unhex(file.boxPublicKey);

  it('covers the three envelope sizes and a shared random', () => {
    expect(new Set(file.vectors.map((v) => v.envelopeLength))).toEqual(new Set([1073, 4145, 16433]));
    const [a, b] = file.vectors;
    expect(a!.random).toBe(b!.random);
    expect(a!.epk).not.toBe(b!.epk);
    expect(hex(sodium.crypto_scalarmult_base(sk))).toBe(file.boxPublicKey);
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const plaintext = enc.encode(v.plaintext);
    expect(plaintext.length).toBe(v.plaintextBytes);
    // The code under test reproduces the committed bytes.
    const sealed = sealEnvelope(plaintext, pk, { random: unhex(v.random) });
    expect(sealed.length).toBe(v.envelopeLength);
    expect(hex(sealed.subarray(1, 33))).toBe(v.epk);
    expect(hex(sealed) === v.envelope).toBe(true);
    expect(envelopeIdHex(sealed)).toBe(v.envelopeId);
    expect(openEnvelopeText(unhex(v.envelope), [sk])).toBe(v.plaintext);
    // The committed bytes are what the spec says, derived independently.
    const d = derive(plaintext, pk, unhex(v.random));
    expect([hex(d.esk), hex(d.epk), hex(d.nonce), hex(d.envelopeId)]).toEqual([v.esk, v.epk, v.nonce, v.envelopeId]);
    expect(hex(d.envelope) === v.envelope).toBe(true);
  });
});
