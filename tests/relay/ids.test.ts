/**
 * The relay derivations of the CLI spec (CSV rules): known-answer vectors committed in
 * tests/vectors/relay-ids.json (fixed secret -> fixed ids, tag key, group id, ref), checked again
 * against an independent HMAC (@noble/hashes) built from the spec's formulas, and the occurrence
 * counter that keeps two identical rows two.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { canonicalJson, deriveGroupId, deriveId, deriveRef, deriveTagKey, Occurrences } from '../../src/relay/ids.js';

const V = JSON.parse(readFileSync(new URL('../vectors/relay-ids.json', import.meta.url), 'utf8'));
const secret = Buffer.from(V.secret, 'hex');
const enc = new TextEncoder();
const cat = (...p: Uint8Array[]) => Buffer.concat(p);
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

describe('relay ids (CLI spec, CSV rules)', () => {
  it('canonical JSON sorts keys at every depth and has no spaces', () => {
    expect(canonicalJson(V.fields)).toBe(V.canonical);
    expect(canonicalJson({ b: 1, a: [{ d: true, c: 'x y' }], e: undefined })).toBe('{"a":[{"c":"x y","d":true}],"b":1}');
  });

  it('matches the committed vectors', () => {
    expect(deriveId(secret, V.canonical, 0)).toBe(V.id0);
    expect(deriveId(secret, V.canonical, 1)).toBe(V.id1);
    expect(deriveTagKey(secret, V.id0)).toBe(V.tagKey0);
    expect(deriveRef(secret, V.id0)).toBe(V.ref0);
    expect(deriveGroupId(secret, V.group.canonical)).toBe(V.group.groupId);
    expect(deriveGroupId(Buffer.from(V.group.givenId, 'hex'), V.group.canonical)).toBe(V.group.groupIdGiven);
  });

  it('the vectors follow the spec formulas (an independent HMAC)', () => {
    const h = (key: Uint8Array, ...p: Uint8Array[]) => Buffer.from(hmac(sha256, key, cat(...p)));
    expect(h(secret, enc.encode('sealpost/relay-id/v1'), enc.encode(V.canonical), u32(1)).subarray(0, 16).toString('hex')).toBe(V.id1);
    expect(h(secret, enc.encode('sealpost/relay-tag/v1'), Buffer.from(V.id0, 'hex')).toString('base64')).toBe(V.tagKey0);
    expect(h(secret, enc.encode('sealpost/relay-ref/v1'), Buffer.from(V.id0, 'hex')).toString('hex')).toBe(V.ref0);
    expect(h(secret, enc.encode('sealpost/relay-group/v1'), enc.encode(V.group.canonical)).subarray(0, 16).toString('hex')).toBe(V.group.groupId);
  });

  it('counts identical statements, so two people with the same alias get two ids', () => {
    const occ = new Occurrences();
    expect([occ.next('a'), occ.next('b'), occ.next('a'), occ.next('a')]).toEqual([0, 0, 1, 2]);
    expect(deriveId(secret, 'x', 0)).not.toBe(deriveId(secret, 'x', 1));
    expect(deriveId(new Uint8Array(32), 'x', 0)).not.toBe(deriveId(secret, 'x', 0));
  });
});
