/**
 * The received log's Merkle tree (wire spec 5, RFC 9162 2.1; issue 9 acceptance):
 * - the 196 probes of transparency-dev/merkle (tests/vectors/rfc9162, Apache-2.0): every happy
 *   path verifies, every corrupted variant fails;
 * - generate-then-verify for every index of every tree size 1..300, and consistency between sizes;
 * - the same roots and proofs as an independent implementation written here straight from the
 *   RFC's recursive definitions (MTH, PATH, PROOF), sizes 1..1,000.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  appendPlan,
  consistencyPlan,
  EMPTY_ROOT,
  inclusionPlan,
  MemoryHashes,
  ProofError,
  runSync,
  storedHashCount,
  storedHashIndex,
  treeHashPlan,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/log/merkle.js';

const DIR = fileURLToPath(new URL('../vectors/rfc9162', import.meta.url));
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function probes(kind: 'inclusion' | 'consistency'): { file: string; doc: Record<string, unknown> }[] {
  const out: { file: string; doc: Record<string, unknown> }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push({ file: p.slice(DIR.length + 1), doc: JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown> });
    }
  };
  walk(join(DIR, kind));
  return out;
}

// --- the independent implementation: RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1, recursively, on arrays ---
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const rfcLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);
const rfcNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
const k = (n: number) => {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
};
function MTH(D: Uint8Array[]): Uint8Array {
  if (D.length === 0) return sha();
  if (D.length === 1) return rfcLeaf(D[0]!);
  return rfcNode(MTH(D.slice(0, k(D.length))), MTH(D.slice(k(D.length))));
}
function PATH(m: number, D: Uint8Array[]): Uint8Array[] {
  if (D.length <= 1) return [];
  const s = k(D.length);
  return m < s ? [...PATH(m, D.slice(0, s)), MTH(D.slice(s))] : [...PATH(m - s, D.slice(s)), MTH(D.slice(0, s))];
}
function SUBPROOF(m: number, D: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === D.length) return b ? [] : [MTH(D)];
  const s = k(D.length);
  return m <= s ? [...SUBPROOF(m, D.slice(0, s), b), MTH(D.slice(s))] : [...SUBPROOF(m - s, D.slice(s), false), MTH(D.slice(0, s))];
}

const leaves = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.from(Buffer.from(`leaf ${i}`)));
function tree(n: number): MemoryHashes {
  const t = new MemoryHashes();
  for (const d of leaves(n)) t.append(rfcLeaf(d));
  return t;
}
const read = (t: MemoryHashes) => (p: readonly number[]) => t.readHashes(p);
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const hexes = (hs: readonly Uint8Array[]) => hs.map(hex);

describe('RFC 9162 probes (transparency-dev/merkle testdata)', () => {
  const incl = probes('inclusion');
  const cons = probes('consistency');
  it('has all 196 probes, happy paths and corrupted variants', () => {
    expect(incl.length + cons.length).toBe(196);
    expect([...incl, ...cons].filter((p) => p.doc.wantErr === false).length).toBeGreaterThan(10);
  });
  for (const { file, doc } of incl) {
    it(`inclusion ${file}`, () => {
      const check = () =>
        verifyInclusion(doc.leafIdx as number, doc.treeSize as number, b64(doc.leafHash as string), ((doc.proof as string[] | null) ?? []).map(b64), b64(doc.root as string));
      if (doc.wantErr) expect(check).toThrow(ProofError);
      else expect(check).not.toThrow();
    });
  }
  for (const { file, doc } of cons) {
    it(`consistency ${file}`, () => {
      const check = () =>
        verifyConsistency(doc.size1 as number, doc.size2 as number, ((doc.proof as string[] | null) ?? []).map(b64), b64(doc.root1 as string), b64(doc.root2 as string));
      if (doc.wantErr) expect(check).toThrow(ProofError);
      else expect(check).not.toThrow();
    });
  }
});

describe('generate, then verify', () => {
  it('every index of every tree size 1..300: the proof verifies, and fails for a neighbouring index, a wrong root or a changed hash', () => {
    const t = tree(300);
    let checked = 0;
    for (let size = 1; size <= 300; size++) {
      const root = runSync(treeHashPlan(size), read(t));
      for (let i = 0; i < size; i++) {
        const leaf = t.hashes[storedHashIndex(0, i)]!;
        const proof = runSync(inclusionPlan(i, size), read(t));
        verifyInclusion(i, size, leaf, proof, root);
        checked++;
        if (i % 17 === 0) {
          if (size > 1) expect(() => verifyInclusion((i + 1) % size, size, leaf, proof, root)).toThrow(ProofError);
          expect(() => verifyInclusion(i, size, leaf, proof, rfcLeaf(root))).toThrow(ProofError);
          if (proof.length > 0) {
            const bad = proof.map((h) => h.slice());
            bad[bad.length - 1]![0]! ^= 1;
            expect(() => verifyInclusion(i, size, leaf, bad, root)).toThrow(ProofError);
          }
        }
      }
    }
    expect(checked).toBe((300 * 301) / 2);
  });

  it('consistency between every pair of sizes 1..120, and from every size to 300; a changed old root fails', () => {
    const t = tree(300);
    const roots = [EMPTY_ROOT, ...Array.from({ length: 300 }, (_, i) => runSync(treeHashPlan(i + 1), read(t)))];
    const pairs: [number, number][] = [];
    for (let a = 1; a <= 120; a++) for (let b = a; b <= 120; b++) pairs.push([a, b]);
    for (let a = 1; a <= 300; a++) pairs.push([a, 300]);
    for (const [a, b] of pairs) {
      const proof = runSync(consistencyPlan(a, b), read(t));
      verifyConsistency(a, b, proof, roots[a]!, roots[b]!);
      if (a < b) expect(() => verifyConsistency(a, b, proof, roots[a - 1]!, roots[b]!)).toThrow(ProofError);
    }
  });
});

describe('against the RFC definitions, computed independently', () => {
  it('the same root for every size 1..1,000, and the same stored-hash count as tlog', () => {
    const D = leaves(1000);
    const t = new MemoryHashes();
    let mismatches = 0;
    for (let n = 1; n <= 1000; n++) {
      t.append(rfcLeaf(D[n - 1]!));
      expect(t.hashes.length).toBe(storedHashCount(n));
      if (hex(runSync(treeHashPlan(n), read(t))) !== hex(MTH(D.slice(0, n)))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('the same inclusion and consistency proofs as PATH and PROOF for sizes 1..64', () => {
    const D = leaves(64);
    const t = tree(64);
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) expect(hexes(runSync(inclusionPlan(m, n), read(t)))).toEqual(hexes(PATH(m, D.slice(0, n))));
      for (let m = 1; m <= n; m++) expect(hexes(runSync(consistencyPlan(m, n), read(t)))).toEqual(hexes(SUBPROOF(m, D.slice(0, n), true)));
    }
  });

  it('appending reads only the subtrees the new leaf completes (O(log n))', () => {
    expect(appendPlan(0, new Uint8Array(32)).positions).toEqual([]);
    expect(appendPlan(6, new Uint8Array(32)).positions).toEqual([]);
    // Leaf 7 completes subtrees of 2, 4 and 8 leaves: it reads leaf 6, node (1,2) and node (2,0).
    expect(appendPlan(7, new Uint8Array(32)).positions).toEqual([storedHashIndex(2, 0), storedHashIndex(1, 2), storedHashIndex(0, 6)]);
    // Far beyond 32 bits, the index arithmetic still holds.
    const big = 2 ** 40 - 1;
    expect(appendPlan(big, new Uint8Array(32)).positions).toHaveLength(40);
    expect(inclusionPlan(big - 5, big).positions.length).toBeLessThan(41 * 41);
  });
});

describe('bad proofs never pass', () => {
  const t = tree(50);
  const root = (n: number): Hash => runSync(treeHashPlan(n), read(t));
  it('wrong sizes, short hashes and out-of-range indexes are errors, not passes', () => {
    expect(() => verifyInclusion(50, 50, new Uint8Array(32), [], root(50))).toThrow(ProofError);
    expect(() => verifyInclusion(-1, 50, new Uint8Array(32), [], root(50))).toThrow(ProofError);
    expect(() => verifyInclusion(3, 50, new Uint8Array(31), [], root(50))).toThrow(ProofError);
    expect(() => verifyConsistency(10, 9, [], root(10), root(9))).toThrow(ProofError);
    expect(() => verifyConsistency(10, 10, [], root(10), root(11))).toThrow(ProofError);
    expect(() => verifyConsistency(10, 20, [], root(10), root(20))).toThrow(ProofError);
  });
});
