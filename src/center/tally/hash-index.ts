/**
 * The tally thread's indexes of counted records (dedup by id and by tag, likely duplicates): open
 * addressing over typed arrays, keyed by a 32-bit hash of the key that the opening threads compute
 * with the record, the key itself checked only when hashes match. A bench/tally finding: two
 * `Set<string>` lookups a statement (a million keys: a string hash and cache misses each) were the
 * tally thread's main cost while the opening threads worked.
 *
 * The hash is seeded per run ({@link newSeed}) and chains a bijective 32-bit mix (murmur3's
 * finalizer) over the key's bytes, four at a time: statement ids and names are the submitters'
 * choice, and without the seed they cannot make keys collide in bulk (a flood of colliding ids
 * would otherwise turn each lookup into a scan).
 */
import { randomBytes } from 'node:crypto';

/** A fresh 32-bit seed for one run's hashes. */
export function newSeed(): number {
  return randomBytes(4).readInt32LE(0);
}

/** murmur3's 32-bit finalizer: a bijection of 32-bit integers. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Mixes the bytes `b[from, to)` into `h`, four at a time (little-endian words); chain them for keys
 * in several parts, each part's length mixed in after it (see {@link hashBytes}).
 */
export function mixBytes(h: number, b: Uint8Array, from: number, to: number): number {
  let i = from;
  for (; i + 3 < to; i += 4) h = fmix(h ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)));
  if (i < to) {
    let tail = 0;
    for (let k = 0; i < to; i++, k += 8) tail |= b[i]! << k;
    h = fmix(h ^ tail ^ 0x5bd1e995);
  }
  return h;
}

/** The seeded hash of the bytes `b[from, to)` (their length included). */
export function hashBytes(seed: number, b: Uint8Array, from: number, to: number): number {
  return fmix(mixBytes(seed, b, from, to) ^ (to - from));
}

/**
 * References (small integers: positions in an array of records) by the hash of their key, one
 * reference a key. `same(ref, candidate)` tells whether a stored reference has the candidate's
 * key; it runs only when the hashes match. Linear probing, at most half full; a slot's hash and
 * reference side by side in one array (a bench/tally finding: two arrays made each probe of a
 * million-key table two cache misses).
 */
export class HashIndex<C> {
  /**
   * Per slot: its hash, then its reference plus one (0: empty, so a new array is empty as it comes:
   * a bench/tally finding, filling three million-key tables took the tally thread a tenth of a second).
   */
  #slots: Int32Array;
  #mask: number;
  /** References stored. */
  size = 0;

  constructor(
    private readonly same: (ref: number, candidate: C) => boolean,
    capacity = 1 << 15,
  ) {
    const slots = slotsFor(capacity);
    this.#slots = new Int32Array(2 * slots);
    this.#mask = slots - 1;
  }

  /** A stored reference whose key is the candidate's (hash `h`), or -1. */
  find(h: number, candidate: C): number {
    const s = this.#slots;
    for (let i = h & this.#mask; ; i = (i + 1) & this.#mask) {
      const ref = s[2 * i + 1]! - 1;
      if (ref === -1) return -1;
      if (s[2 * i] === h && this.same(ref, candidate)) return ref;
    }
  }

  /** Stores `ref` under hash `h` (the caller found no equal key: the index keeps one reference a key). */
  add(h: number, ref: number): void {
    if ((this.size + 1) * 2 > this.#mask + 1) this.#grow();
    this.#put(h, ref);
    this.size++;
  }

  #put(h: number, ref: number): void {
    const s = this.#slots;
    let i = h & this.#mask;
    while (s[2 * i + 1] !== 0) i = (i + 1) & this.#mask;
    s[2 * i] = h;
    s[2 * i + 1] = ref + 1;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = 2 * (this.#mask + 1);
    this.#slots = new Int32Array(2 * slots);
    this.#mask = slots - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.#put(old[i]!, old[i + 1]! - 1);
  }
}

/** A power of two at least twice `capacity` (load factor at most 1/2). */
function slotsFor(capacity: number): number {
  let n = 1 << 4;
  while (n < capacity * 2) n *= 2;
  return n;
}
