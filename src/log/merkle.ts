/**
 * RFC 9162 Merkle trees (section 2.1), for the received log (wire spec 5) and the counted log
 * (spec 8): hashing, the layout of stored node hashes, proof generation from stored hashes, and
 * proof verification. Pure: no I/O, client-safe.
 *
 * Stored hashes follow golang.org/x/mod/sumdb/tlog: the hash of the perfect subtree at height
 * `level` covering leaves [n·2^level, (n+1)·2^level) is kept at position
 * {@link storedHashIndex}(level, n) of one append-only sequence, in the order they become known
 * (leaf i's hash, then the hashes of the subtrees leaf i completes). Appending a leaf writes
 * 1 + trailing-ones(i) hashes and reads as many: O(log n). A proof or a root reads only complete
 * subtrees, O(log² n) at most, in one batch: each computation is a {@link Plan} (positions to
 * read, then a pure finish) run against a synchronous or asynchronous store; nothing recomputes
 * the tree.
 *
 * Sizes and indexes are JavaScript numbers (safe integers; no bitwise operators, which cut at 32 bits).
 */
import { createHash, hash } from 'node:crypto';

/** A 32-byte SHA-256 node or leaf hash. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

/** RFC 9162 2.1.1: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Hash {
  // One-shot crypto.hash over one buffer: a tally hashes millions of leaves (bench/tally).
  const b = new Uint8Array(leaf.length + 1);
  b[0] = 0x00;
  b.set(leaf, 1);
  return sha256(b);
}

function sha256(b: Uint8Array): Hash {
  // A copy: the returned Buffer may be a view of Node's shared pool, which a transfer would take.
  return new Uint8Array(hash('sha256', b, 'buffer') as unknown as Buffer);
}

/** RFC 9162 2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  const b = new Uint8Array(1 + left.length + right.length);
  b[0] = 0x01;
  b.set(left, 1);
  b.set(right, 1 + left.length);
  return sha256(b);
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = new Uint8Array(createHash('sha256').digest());


// --- integer helpers on safe integers ---------------------------------------------------------

function checkIndex(x: number, name: string): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${x}`);
}

/** Number of binary digits of x (0 for 0). */
export function bitLength(x: number): number {
  let n = 0;
  while (x >= 1) {
    x = Math.floor(x / 2);
    n++;
  }
  return n;
}

/** Number of trailing 0 bits of x > 0. */
function trailingZeros(x: number): number {
  let n = 0;
  while (x > 0 && x % 2 === 0) {
    x /= 2;
    n++;
  }
  return n;
}

/** Number of 1 bits of x. */
function popCount(x: number): number {
  let n = 0;
  while (x >= 1) {
    n += x % 2;
    x = Math.floor(x / 2);
  }
  return n;
}

/** The largest power of two strictly below n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/** Bit `i` of x. */
function bit(x: number, i: number): number {
  return Math.floor(x / 2 ** i) % 2;
}

// --- the stored-hash layout ---------------------------------------------------------------------

/** Position of node (level, n) in the sequence of stored hashes (tlog.StoredHashIndex). */
export function storedHashIndex(level: number, n: number): number {
  checkIndex(level, 'level');
  checkIndex(n, 'n');
  // Level L's n-th hash is written right after level L-1's (2n+1)-th: walk down to level 0.
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  // Level 0's n-th hash is at n + n/2 + n/4 + ... (until it reaches 0).
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

/** How many hashes are stored for a tree of `size` leaves (tlog.StoredHashCount). */
export function storedHashCount(size: number): number {
  checkIndex(size, 'size');
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = Math.floor(i / 2)) count++;
  return count;
}

/** Reads stored hashes by position, in one batch; may be synchronous or not. */
export interface HashReader {
  readHashes(indexes: readonly number[]): Promise<readonly Hash[]> | readonly Hash[];
}

/**
 * What a computation needs to read (`positions`, stored-hash indexes) and how it finishes once
 * they are read: the same plan serves a synchronous store (a SQLite transaction) and an
 * asynchronous one (tiles fetched over a route) with one batch read each.
 */
export interface Plan<T> {
  readonly positions: readonly number[];
  finish(hashes: readonly Hash[]): T;
}

/** Runs a plan against a reader (one batch read). */
export async function run<T>(plan: Plan<T>, reader: HashReader): Promise<T> {
  const read = plan.positions.length > 0 ? await reader.readHashes(plan.positions) : [];
  if (read.length !== plan.positions.length) throw new Error(`hash reader returned ${read.length} hashes for ${plan.positions.length}`);
  return plan.finish(read);
}

/** Runs a plan against a synchronous read function. */
export function runSync<T>(plan: Plan<T>, read: (positions: readonly number[]) => readonly Hash[]): T {
  const got = plan.positions.length > 0 ? read(plan.positions) : [];
  if (got.length !== plan.positions.length) throw new Error(`hash reader returned ${got.length} hashes for ${plan.positions.length}`);
  return plan.finish(got);
}

/**
 * The stored hashes that appending leaf number `index` (with leaf hash `leaf`) adds, in order:
 * the leaf hash, then one node hash per subtree the leaf completes. They go at positions
 * storedHashCount(index) onwards.
 */
export function appendPlan(index: number, leaf: Hash): Plan<Hash[]> {
  checkIndex(index, 'index');
  const m = trailingZeros(index + 1);
  const positions: number[] = [];
  for (let i = 0; i < m; i++) positions[m - 1 - i] = storedHashIndex(i, Math.floor(index / 2 ** i) - 1);
  return {
    positions,
    finish(old) {
      const out = [leaf];
      let h = leaf;
      for (let i = 0; i < m; i++) {
        h = nodeHash(old[m - 1 - i]!, h);
        out.push(h);
      }
      return out;
    },
  };
}

// --- ranges of leaves as perfect subtrees -------------------------------------------------------

/** A perfect subtree: `level` is its height, it covers leaves [n·2^level, (n+1)·2^level). */
export interface Subtree {
  readonly level: number;
  readonly n: number;
}

/**
 * The perfect subtrees that make up MTH(D[lo:hi]) as RFC 9162 splits it: left to right, sizes
 * the binary digits of (hi - lo) from the highest. The range's hash is their hashes folded from
 * the right: H(s0, H(s1, ... H(s_k-1, s_k))). Valid for every range the RFC's recursion visits
 * (lo a multiple of the largest power of two <= hi - lo).
 */
export function rangeSubtrees(lo: number, hi: number): Subtree[] {
  const out: Subtree[] = [];
  let at = lo;
  let left = hi - lo;
  for (let level = bitLength(left) - 1; level >= 0; level--) {
    const size = 2 ** level;
    if (left >= size) {
      if (at % size !== 0) throw new RangeError(`range [${lo}, ${hi}) is not one the RFC 9162 recursion visits`);
      out.push({ level, n: at / size });
      at += size;
      left -= size;
    }
  }
  return out;
}

/** Folds subtree hashes from the right (see {@link rangeSubtrees}). */
export function foldRight(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/** A plan reading the hashes of several ranges in one batch and folding each. */
function rangesPlan(ranges: readonly (readonly [number, number])[]): Plan<Hash[]> {
  const parts = ranges.map(([lo, hi]) => rangeSubtrees(lo, hi));
  return {
    positions: parts.flat().map((s) => storedHashIndex(s.level, s.n)),
    finish(read) {
      let k = 0;
      return parts.map((p) => foldRight(p.map(() => read[k++]!)));
    },
  };
}

/** The root of the tree of the first `size` leaves. */
export function treeHashPlan(size: number): Plan<Hash> {
  checkIndex(size, 'size');
  const p = rangesPlan([[0, size]]);
  return { positions: p.positions, finish: (read) => p.finish(read)[0]! };
}

/** The ranges whose hashes form PATH(index, D[lo:hi]) (RFC 9162 2.1.3.1), bottom-up. */
function inclusionRanges(index: number, lo: number, hi: number, out: [number, number][]): void {
  if (hi - lo <= 1) return;
  const k = splitPoint(hi - lo);
  if (index < lo + k) {
    inclusionRanges(index, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    inclusionRanges(index, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1). */
export function inclusionPlan(index: number, size: number): Plan<Hash[]> {
  checkIndex(index, 'index');
  checkIndex(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} is not below size ${size}`);
  const ranges: [number, number][] = [];
  inclusionRanges(index, 0, size, ranges);
  return rangesPlan(ranges);
}

/** The ranges of SUBPROOF(m, D[lo:hi], b) (RFC 9162 2.1.4.1), in proof order. */
function consistencyRanges(m: number, lo: number, hi: number, whole: boolean, out: [number, number][]): void {
  const n = hi - lo;
  if (m === n) {
    if (!whole) out.push([lo, hi]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    consistencyRanges(m, lo, lo + k, whole, out);
    out.push([lo + k, hi]);
  } else {
    consistencyRanges(m - k, lo + k, hi, false, out);
    out.push([lo, lo + k]);
  }
}

/** The consistency proof from the tree of `from` leaves to the tree of `to` leaves (RFC 9162 2.1.4.1). */
export function consistencyPlan(from: number, to: number): Plan<Hash[]> {
  checkIndex(from, 'from');
  checkIndex(to, 'to');
  if (from < 1 || from > to) throw new RangeError(`no consistency proof from ${from} to ${to}`);
  const ranges: [number, number][] = [];
  if (from < to) consistencyRanges(from, 0, to, true, ranges);
  return rangesPlan(ranges);
}

// --- verification (RFC 9162 2.1.3.2 and 2.1.4.2, as transparency-dev/merkle's proof package) ----

/** Why a proof does not verify: stable words. */
export type ProofFailure = 'bad-index' | 'bad-hash-size' | 'bad-proof-size' | 'root-mismatch' | 'bad-sizes';

/** A proof that does not verify. */
export class ProofError extends Error {
  readonly reason: ProofFailure;
  constructor(reason: ProofFailure, message: string) {
    super(message);
    this.name = 'ProofError';
    this.reason = reason;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

function checkHashes(hashes: readonly Uint8Array[]): void {
  for (const h of hashes) if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new ProofError('bad-hash-size', 'a hash is not 32 bytes');
}

function chainInner(seed: Hash, proof: readonly Hash[], index: number): Hash {
  proof.forEach((h, i) => (seed = bit(index, i) === 0 ? nodeHash(seed, h) : nodeHash(h, seed)));
  return seed;
}

function chainInnerRight(seed: Hash, proof: readonly Hash[], index: number): Hash {
  proof.forEach((h, i) => {
    if (bit(index, i) === 1) seed = nodeHash(h, seed);
  });
  return seed;
}

function chainBorderRight(seed: Hash, proof: readonly Hash[]): Hash {
  for (const h of proof) seed = nodeHash(h, seed);
  return seed;
}

/** XOR of two safe integers, digit by digit (bitwise ^ cuts at 32 bits). */
function xor(a: number, b: number): number {
  let out = 0;
  for (let i = 0, p = 1; a >= 1 || b >= 1; i++, p *= 2) {
    if (a % 2 !== b % 2) out += p;
    a = Math.floor(a / 2);
    b = Math.floor(b / 2);
  }
  return out;
}

/** Inner and border lengths of an inclusion proof (transparency-dev's decompInclProof). */
function decompose(index: number, size: number): [inner: number, border: number] {
  const inner = bitLength(xor(index, size - 1));
  return [inner, popCount(Math.floor(index / 2 ** inner))];
}

/** The root an inclusion proof implies; throws ProofError when its shape is wrong. */
export function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Hash {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ProofError('bad-index', `index ${index} is not in a tree of size ${size}`);
  }
  checkHashes([leaf, ...proof]);
  const [inner, border] = decompose(index, size);
  if (proof.length !== inner + border) throw new ProofError('bad-proof-size', `proof has ${proof.length} hashes, want ${inner + border}`);
  return chainBorderRight(chainInner(leaf, proof.slice(0, inner), index), proof.slice(inner));
}

/** Checks that `leaf` (a leaf hash) is at `index` of the tree of `size` leaves with `root`; throws ProofError. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): void {
  const got = rootFromInclusionProof(index, size, leaf, proof);
  if (!equal(got, root)) throw new ProofError('root-mismatch', 'the inclusion proof does not lead to the root');
}

/** Checks that the tree (size1, root1) is a prefix of (size2, root2); throws ProofError. */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): void {
  // From the empty tree nothing is proved (wire spec 5: proofs for sizes from 1; the probes reject size 0 too).
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size2 < size1) {
    throw new ProofError('bad-sizes', `no consistency from size ${size1} to ${size2}`);
  }
  // Roots are compared byte for byte (a root of another length simply does not match); proof hashes must be 32 bytes.
  checkHashes(proof);
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError('bad-proof-size', 'equal sizes need an empty proof');
    if (!equal(root1, root2)) throw new ProofError('root-mismatch', 'two different roots for one size');
    return;
  }
  if (proof.length === 0) throw new ProofError('bad-proof-size', 'empty proof');
  let [inner, border] = decompose(size1 - 1, size2);
  const shift = trailingZeros(size1);
  inner -= shift;
  // The proof starts with the hash of the subtree of 2^shift leaves, unless size1 is that subtree.
  const whole = size1 === 2 ** shift;
  const seed = whole ? root1 : proof[0]!;
  const rest = whole ? proof : proof.slice(1);
  if (rest.length !== inner + border) throw new ProofError('bad-proof-size', `proof has ${proof.length} hashes, want ${(whole ? 0 : 1) + inner + border}`);
  const mask = Math.floor((size1 - 1) / 2 ** shift);
  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!equal(hash1, root1)) throw new ProofError('root-mismatch', 'the proof does not lead to the first root');
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!equal(hash2, root2)) throw new ProofError('root-mismatch', 'the proof does not lead to the second root');
}

/** A HashReader over an in-memory array of stored hashes (tests, exports, small logs). */
export class MemoryHashes implements HashReader {
  readonly hashes: Hash[] = [];
  #size = 0;
  /** Number of leaves appended. */
  get size(): number {
    return this.#size;
  }
  readHashes(indexes: readonly number[]): Hash[] {
    return indexes.map((i) => {
      const h = this.hashes[i];
      if (!h) throw new RangeError(`no stored hash at ${i}`);
      return h;
    });
  }
  /** Appends a leaf (its leaf hash) and returns its index. */
  append(leaf: Hash): number {
    const index = this.#size;
    this.hashes.push(...runSync(appendPlan(index, leaf), (p) => this.readHashes(p)));
    this.#size++;
    return index;
  }
}
