/**
 * Differential test against libsodium (wire spec 3: `sealed` is byte for byte a libsodium sealed box).
 * 1,000 statement-like payloads each way, sizes spread over the three buckets and their edges, with
 * multi-byte UTF-8. The generator is seeded so that a failure names a reproducible case.
 */
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { boxKeyPair, openEnvelope, sealEnvelope } from '../../src/crypto/envelope.js';
import { MAX_PLAINTEXT, pad } from '../../src/crypto/padding.js';
import { seeded } from '../harness/prng.js';

const N = 1000;
const enc = new TextEncoder();

/** Byte equality; vitest's deep toEqual on 16 KiB typed arrays costs ~100 ms each. */
function expectSameBytes(actual: Uint8Array | null, expected: Uint8Array, label: string): void {
  expect(actual, label).toBeInstanceOf(Uint8Array);
  if (!Buffer.from(actual!).equals(Buffer.from(expected))) {
    expect(Buffer.from(actual!).toString('hex'), label).toBe(Buffer.from(expected).toString('hex'));
  }
}

beforeAll(async () => {
  await sodium.ready;
});


/** 1, 2, 3 and 4-byte UTF-8 characters, and the JSON escapes. */
const ALPHABET = [...'abcXYZ019 .,é\u00df\u0416退党退团退队中国张伟\u3000🙂👩‍👩‍👧"\\\n'];

/** JSON escaping is per character: each one adds its escaped UTF-8 size to the document. */
const COST = ALPHABET.map((ch) => enc.encode(JSON.stringify(ch)).length - 2);

/** A statement-shaped JSON document of exactly `target` bytes (target >= 300). */
function statementOfSize(rand: () => number, target: number): Uint8Array {
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const base = {
    v: 1,
    kind: 'withdrawal',
    id: hex(32),
    tagKey: Buffer.from(hex(64), 'hex').toString('base64'),
    people: [{ name: '王小明', orgs: ['CCP', 'CYL'] }],
    region: { country: 'CN', province: '110000' },
    channel: 'internet',
    date: '2025-06-04',
    text: '',
  };
  let length = enc.encode(JSON.stringify(base)).length;
  const parts: string[] = [];
  // Grow with random multi-byte characters, then top up with ASCII to hit the target exactly.
  for (;;) {
    const k = Math.floor(rand() * ALPHABET.length);
    if (length + COST[k]! > target - 8) break;
    parts.push(ALPHABET[k]!);
    length += COST[k]!;
  }
  const text = parts.join('') + 'a'.repeat(target - length);
  const out = enc.encode(JSON.stringify({ ...base, text }));
  if (out.length !== target) throw new Error(`generator: ${out.length} bytes, wanted ${target}`);
  return out;
}

/** Sizes spread over all buckets, the edges included. */
function sizes(rand: () => number): number[] {
  const edges = [300, 1019, 1020, 1021, 4091, 4092, 4093, 16379, 16380];
  const out = [...edges];
  while (out.length < N) {
    const bucket = Math.floor(rand() * 3);
    const [lo, hi] = bucket === 0 ? [300, 1020] : bucket === 1 ? [1021, 4092] : [4093, MAX_PLAINTEXT];
    out.push(lo + Math.floor(rand() * (hi - lo + 1)));
  }
  return out;
}

function payloads(seed: number): Uint8Array[] {
  const rand = seeded(seed);
  return sizes(rand).map((n) => statementOfSize(rand, n));
}

describe('differential against libsodium crypto_box_seal', () => {
  const kp = boxKeyPair();

  it(`${N} envelopes sealed by sealpost open with crypto_box_seal_open`, () => {
    const buckets = new Set<number>();
    payloads(1).forEach((payload, i) => {
      const env = sealEnvelope(payload, kp.publicKey);
      buckets.add(env.length);
      const opened = sodium.crypto_box_seal_open(env.subarray(1), kp.publicKey, kp.secretKey);
      expectSameBytes(opened, pad(payload), `case ${i} (${payload.length} bytes)`);
    });
    expect([...buckets].sort((a, b) => a - b)).toEqual([1073, 4145, 16433]);
  });

  it(`${N} boxes sealed by crypto_box_seal open with openEnvelope`, () => {
    const buckets = new Set<number>();
    payloads(2).forEach((payload, i) => {
      const sealed = sodium.crypto_box_seal(pad(payload), kp.publicKey);
      const env = new Uint8Array(1 + sealed.length);
      env[0] = 1;
      env.set(sealed, 1);
      buckets.add(env.length);
      expectSameBytes(openEnvelope(env, [kp.secretKey]), payload, `case ${i} (${payload.length} bytes)`);
    });
    expect([...buckets].sort((a, b) => a - b)).toEqual([1073, 4145, 16433]);
  });
});
