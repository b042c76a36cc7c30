/**
 * The counted log's root (RFC 9162 2.1.1 over its lines) from `counted/entries` bytes, split into
 * units of {@link UNIT} lines hashed by the opening threads at once (a bench/tally finding: two
 * million SHA-256 computations on one thread were the longest part of a million-entry commit).
 *
 * Why units compose: a unit of UNIT lines starting at a multiple of UNIT is a perfect subtree of
 * the log's tree, and RFC 9162's split point (the largest power of two below the size) falls on a
 * unit boundary whenever the size exceeds UNIT, so the root is the same fold over the units' roots
 * as over the leaves: perfect subtrees merged pairwise, the last (partial) unit's root folded in last.
 * SHA-256 is node:crypto's one-shot `hash` with each digest kept as a 32-character latin1 (`binary`) string
 * (a bench/tally finding: about 0.3 µs a hash on these short inputs, against 0.5–0.7 µs for
 * libsodium's, and no buffer allocated per hash), turned into bytes once per unit.
 */
import { hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { EMPTY_ROOT, foldRight, type Hash } from '../../log/merkle.js';

/** Lines per unit (a power of two). */
export const UNIT = 1 << 14;

/** Scratch for 0x01 || left || right. */
const node = Buffer.alloc(65);
node[0] = 0x01;

/** RFC 9162's interior node hash of two digests given as latin1 strings, as one. */
function nodeHash(left: string, right: string): string {
  for (let i = 0; i < 32; i++) {
    node[1 + i] = left.charCodeAt(i);
    node[33 + i] = right.charCodeAt(i);
  }
  return hash('sha256', node, 'binary');
}

/** The perfect subtrees of a compact range, merged as equal sizes meet (RFC 9162's order). */
class Subtrees {
  readonly #hashes: string[] = [];
  readonly #sizes: number[] = [];

  /** Appends a perfect subtree of the unit size (a leaf, or a unit). */
  push(h: string): void {
    let size = 1;
    while (this.#sizes.length > 0 && this.#sizes[this.#sizes.length - 1] === size) {
      this.#sizes.pop();
      h = nodeHash(this.#hashes.pop()!, h);
      size *= 2;
    }
    this.#hashes.push(h);
    this.#sizes.push(size);
  }

  /** The subtrees' roots, largest first, as bytes. */
  hashes(): Uint8Array[] {
    return this.#hashes.map((h) => new Uint8Array(Buffer.from(h, 'latin1')));
  }
}

/** Scratch: 0x00 || line (a line is far below 64 KiB; grown if not). */
let leaf = Buffer.alloc(1024);

/**
 * A unit of the counted log to copy out of the tally's records and hash (`batch.ts` EntryPlan):
 * per line, three values (store buffer, start, length: negative when the sector is suppressed),
 * and the unit's bytes [start, end) in the entries.
 */
export interface CopyJob {
  readonly orders: Int32Array;
  readonly start: number;
  readonly end: number;
  /**
   * A file (descriptor, open for writing) the unit's bytes are also written to, at the same
   * offset: the counted log's staged file, written by the threads as they copy (a bench/tally
   * finding: writing 130 MB from one thread after the copies was a fortieth of a million-envelope run).
   */
  readonly fd?: number;
}

/**
 * Writes a unit's lines into `out[job.start, job.end)` (shared memory) as its orders say, out of
 * `buffers` (the tally's record buffers, shared), and returns its subtree root: each line is
 * hashed as it is copied.
 * @throws Error when the lines do not fill exactly the unit's bytes (a bug)
 */
export function copyUnit(buffers: readonly Uint8Array[], out: Uint8Array, job: CopyJob): Hash {
  const trees = new Subtrees();
  const o = job.orders;
  const target = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  let at = job.start;
  for (let k = 0; k < o.length; k += 3) {
    const src = buffers[o[k]!]!;
    const start = o[k + 1]!;
    const length = o[k + 2]!;
    // The line's bytes: the record's, and `-` for a suppressed sector.
    const n = length >= 0 ? length : -length;
    if (at + n + 1 > job.end) break;
    const copied = length >= 0 ? n : n - 1;
    // One native copy: a JavaScript byte loop costs ~3 ns a byte here, three times `set` for a line of ~110 bytes (bench/tally).
    target.set(src.subarray(start, start + copied), at);
    if (copied < n) target[at + n - 1] = 0x2d;
    if (k === 0) {
      // The byte before the unit's first line is another unit's: its leaf is made apart.
      if (n + 1 > leaf.length) leaf = Buffer.alloc(2 * (n + 1));
      leaf[0] = 0x00;
      for (let i = 0; i < n; i++) leaf[1 + i] = target[at + i]!;
      trees.push(hash('sha256', leaf.subarray(0, n + 1), 'binary'));
    } else {
      // The leaf (0x00 || line) in place: the last line's newline is the prefix, put back after.
      target[at - 1] = 0x00;
      trees.push(hash('sha256', target.subarray(at - 1, at + n), 'binary'));
      target[at - 1] = 0x0a;
    }
    target[at + n] = 0x0a;
    at += n + 1;
  }
  if (at !== job.end) throw new Error(`counted entries: a unit's lines fill ${at - job.start} of its ${job.end - job.start} bytes`);
  if (job.fd !== undefined) for (let w = job.start; w < job.end; ) w += writeSync(job.fd, target, w, job.end - w, w);
  const hashes = trees.hashes();
  if (hashes.length === 0) throw new Error('counted entries: an empty unit');
  return foldRight(hashes);
}

/** The log's root from its units' roots in order (all full but the last; see the file comment). */
export function rootOfUnits(roots: readonly Hash[]): Hash {
  if (roots.length === 0) return EMPTY_ROOT;
  const trees = new Subtrees();
  for (const r of roots.slice(0, -1)) trees.push(Buffer.from(r).toString('latin1'));
  return foldRight([...trees.hashes(), roots[roots.length - 1]!]);
}
