/**
 * The sealing half of `bench/gen` (runs in its worker threads, or inline): a planned statement
 * (`PlanItem`) becomes its canonical JSON (wire spec 2), padded (spec 3, src/crypto/padding.ts)
 * and sealed to the box key — or deliberately broken, for the bad envelopes.
 *
 * Sealing is spec 3's own construction with the 32 "random" bytes drawn from the seed, so a
 * dataset is byte for byte the same for a seed: esk = SHA-512("sealpost/esk/v1" || random ||
 * SHA-512(padded))[0..32], nonce = BLAKE2b-192(epk || boxKey), crypto_box_easy. With sodium-native
 * that is libsodium (about 25 x tweetnacl); without it tweetnacl, giving the same bytes, as does
 * src/crypto/envelope.ts `sealEnvelope(json, boxKey, { random })` (the test checks all three agree).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { blake2b } from '@noble/hashes/blake2b';
import nacl from 'tweetnacl';
import { pad } from '../src/crypto/padding.js';
import { mulberry32 } from './prng.js';
import { ALIAS_WORDS, GIVEN, SURNAMES } from './gen-data.js';

/** One planned envelope. Plain data: it crosses to the worker threads. */
export interface PlanItem {
  /**
   * `good` is counted; `reseal` / `copy` / `same-id` repeat the previous good statement (sealed
   * again / the same bytes / another statement with its id); the rest are rejected as spec 3 says.
   */
  readonly kind: 'good' | 'reseal' | 'copy' | 'same-id' | 'corrupt' | 'other-key' | 'invalid';
  /** Content index: seeds the statement's id, tag key and names. */
  readonly i: number;
  /** Envelope index: seeds the sealing's random bytes. */
  readonly e: number;
  /** Per person: 1 CCP, 2 CYL, 4 CYP, 8 real name. */
  readonly masks: readonly number[];
  /** `CN-<province>` or a country code. */
  readonly region: string;
  readonly sector?: string;
  readonly channel: string;
  readonly date: string;
  /** A split group: the content index of its first part (seeds the group id), this part, parts. */
  readonly group?: { readonly g: number; readonly part: number; readonly parts: number };
  /** `same-id`: the content index whose id this statement reuses. */
  readonly idFrom?: number;
  /** Which way a `corrupt` or `invalid` envelope is broken. */
  readonly variant?: number;
}

interface Sodium {
  crypto_hash_sha512(out: Uint8Array, input: Uint8Array): void;
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  crypto_generichash(out: Uint8Array, input: Uint8Array): void;
  crypto_box_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): void;
}

function loadSodium(): Sodium | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}

const ESK_DOMAIN = Buffer.from('sealpost/esk/v1');

/** Seals `padded` (already padded, possibly broken on purpose) with spec 3's construction. */
export type PaddedSealer = (padded: Uint8Array, boxKey: Uint8Array, random: Uint8Array) => Uint8Array;

/** The libsodium sealer, or the tweetnacl one (same bytes) when sodium-native is missing. */
export function paddedSealer(prefer: 'sodium' | 'tweetnacl' = 'sodium'): { name: 'libsodium' | 'tweetnacl'; seal: PaddedSealer } {
  const sodium = prefer === 'sodium' ? loadSodium() : null;
  if (sodium) {
    const s = sodium;
    return {
      name: 'libsodium',
      seal: (padded, boxKey, random) => {
        const inner = Buffer.alloc(64);
        s.crypto_hash_sha512(inner, padded);
        const digest = Buffer.alloc(64);
        s.crypto_hash_sha512(digest, Buffer.concat([ESK_DOMAIN, random, inner]));
        const esk = digest.subarray(0, 32);
        const out = Buffer.alloc(1 + 32 + 16 + padded.length);
        out[0] = 0x01;
        const epk = out.subarray(1, 33);
        s.crypto_scalarmult_base(epk, esk);
        const nonce = Buffer.alloc(24);
        s.crypto_generichash(nonce, Buffer.concat([epk, boxKey]));
        s.crypto_box_easy(out.subarray(33), padded, nonce, boxKey, esk);
        digest.fill(0);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      },
    };
  }
  return {
    name: 'tweetnacl',
    seal: (padded, boxKey, random) => {
      const inner = createHash('sha512').update(padded).digest();
      const esk = new Uint8Array(createHash('sha512').update(ESK_DOMAIN).update(random).update(inner).digest().subarray(0, 32));
      const epk = nacl.scalarMult.base(esk);
      const nonce = blake2b(Buffer.concat([epk, boxKey]), { dkLen: 24 });
      const boxed = nacl.box(padded, nonce, boxKey, esk);
      const out = new Uint8Array(1 + 32 + boxed.length);
      out[0] = 0x01;
      out.set(epk, 1);
      out.set(boxed, 33);
      return out;
    },
  };
}

/** A seed's material: SHA-512(seed || label || u32be(n)). */
export function material(seed: string, label: string, n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return createHash('sha512').update(seed).update(label).update(b).update(Buffer.of(Math.floor(n / 2 ** 32))).digest();
}

/** mulberry32 (bench/prng.ts): cheap draws for names; ids come from SHA-512. */
export const mulberry = mulberry32;

const ORG_NAMES = ['CCP', 'CYL', 'CYP'] as const;

/** A person's name: a real Chinese name, or an alias such as 觉醒123. */
function personName(rand: () => number, real: boolean): string {
  const ch = (s: string) => s[Math.floor(rand() * s.length)]!;
  if (real) return ch(SURNAMES) + ch(GIVEN) + (rand() < 0.6 ? ch(GIVEN) : '');
  const w = ALIAS_WORDS[Math.floor(rand() * ALIAS_WORDS.length)]!;
  return rand() < 0.7 ? `${w}${Math.floor(rand() * 1000)}` : `${ch(SURNAMES)}${w}`;
}

/**
 * The statement's canonical JSON text (spec 2's key order, optional fields absent), as
 * `serializeStatement` writes it. `orgsOverride` breaks it on purpose (an `invalid` variant).
 */
export function statementJson(seed: string, it: PlanItem, dateOverride?: string, orgsOverride?: string): string {
  const m = material(seed, 'c', it.i);
  const id = (it.idFrom !== undefined ? material(seed, 'c', it.idFrom) : m).subarray(0, 16).toString('hex');
  const tagKey = m.subarray(16, 48).toString('base64');
  const rand = mulberry(m.readUInt32BE(48));
  const people = it.masks.map((mask, k) => {
    const orgs = orgsOverride && k === 0 ? [orgsOverride] : ORG_NAMES.filter((_, b) => mask & (1 << b));
    const name = JSON.stringify(personName(rand, (mask & 8) !== 0));
    return `{"name":${name}${mask & 8 ? ',"realName":true' : ''},"orgs":${JSON.stringify(orgs)}}`;
  });
  const group = it.group ? `,"group":{"id":"${material(seed, 'c', it.group.g).subarray(48, 64).toString('hex')}","part":${it.group.part},"parts":${it.group.parts}}` : '';
  const region = it.region.startsWith('CN-') ? `{"country":"CN","province":"${it.region.slice(3)}"}` : `{"country":"${it.region}"}`;
  const sector = it.sector ? `,"sector":"${it.sector}"` : '';
  return `{"v":1,"kind":"withdrawal","id":"${id}","tagKey":"${tagKey}","people":[${people.join(',')}]${group},"region":${region}${sector},"channel":"${it.channel}","date":"${dateOverride ?? it.date}"}`;
}

/** The sealing context of one dataset. */
export interface SealContext {
  readonly seed: string;
  readonly boxKey: Uint8Array;
  /** The key `other-key` envelopes are sealed to. */
  readonly otherKey: Uint8Array;
}

/** The envelope of one planned item; `previous` is the last good envelope (for `copy`). */
export function sealItem(ctx: SealContext, seal: PaddedSealer, it: PlanItem, previous: Uint8Array | undefined): Uint8Array {
  if (it.kind === 'copy') {
    if (!previous) throw new Error('a copy needs the envelope before it');
    return previous;
  }
  const random = material(ctx.seed, 'e', it.e).subarray(0, 32);
  const v = it.variant ?? 0;
  let text: string;
  if (it.kind === 'invalid' && v === 1) text = statementJson(ctx.seed, it, undefined, 'KMT');
  else if (it.kind === 'invalid' && v === 4) text = statementJson(ctx.seed, it, '2004-12-02');
  else text = statementJson(ctx.seed, it);
  let json = Buffer.from(text);
  if (it.kind === 'invalid' && v === 0) json = json.subarray(0, json.length - 1); // bad JSON: the closing brace is missing
  const padded = pad(json);
  if (it.kind === 'invalid' && v === 2) padded[padded.length - 1] = 0x20; // non-zero padding
  if (it.kind === 'invalid' && v === 3) padded.fill(0, 0, 4); // a zero length prefix
  const env = seal(padded, it.kind === 'other-key' ? ctx.otherKey : ctx.boxKey, random);
  if (it.kind !== 'corrupt') return env;
  if (v === 3) return Uint8Array.of(0x02, ...env.subarray(1)); // a version this tally does not know
  if (v === 4) return env.subarray(0, env.length - 1); // not one of the three lengths
  const bad = Uint8Array.from(env);
  const at = 1 + (random.readUInt32BE(0) % (bad.length - 1));
  bad[at]! ^= 1 << random[4]! % 8;
  return bad;
}

/** Seals a chunk: the envelopes back to back and their lengths (one transferable buffer). */
export function sealChunk(ctx: SealContext, seal: PaddedSealer, items: readonly PlanItem[]): { buf: Uint8Array; lengths: number[] } {
  const envs: Uint8Array[] = [];
  let previous: Uint8Array | undefined;
  for (const it of items) {
    const env = sealItem(ctx, seal, it, previous);
    if (it.kind === 'good') previous = env;
    envs.push(env);
  }
  const buf = new Uint8Array(envs.reduce((n, e) => n + e.length, 0));
  let at = 0;
  for (const e of envs) {
    buf.set(e, at);
    at += e.length;
  }
  return { buf, lengths: envs.map((e) => e.length) };
}
