/**
 * The counted log's root (RFC 9162 2.1.1 over its lines) from `counted/entries` bytes, split into
 * units of {@link UNIT} lines hashed by the opening threads at once (a bench/tally finding: two
 * million SHA-256 computations on one thread were the longest part of a million-entry commit).
 *
 * Why units compose: a unit of UNIT lines starting at a multiple of UNIT is a perfect subtree of
 * the log's tree, and RFC 9162's split point (the largest power of two below the size) falls on a
 * unit boundary whenever the size exceeds UNIT, so the root is the same fold over the units' roots
 * as over the leaves: perfect subtrees merged pairwise, the last (partial) unit's root folded in last.
 * SHA-256 as `sha256.ts` gives it.
 */
import { EMPTY_ROOT, foldRight, type Hash } from '../../log/merkle.js';
import { sha256Into, type Sha256Into } from './sha256.js';

/** Lines per unit (a power of two). */
export const UNIT = 1 << 14;

/** A unit of lines: bytes [start, end) of the entries, each line ending in a newline. */
export interface UnitJob {
  readonly start: number;
  readonly end: number;
}

let sha256: Sha256Into | undefined;

/** The perfect subtrees of a compact range, merged as equal sizes meet (RFC 9162's order). */
class Subtrees {
  readonly #stack: Array<{ hash: Uint8Array; size: number }> = [];
  /** Scratch for 0x01 || left || right. */
  readonly #node = new Uint8Array(65);

  constructor(readonly sha: Sha256Into) {
    this.#node[0] = 0x01;
  }

  /** Appends a perfect subtree of the unit size (a leaf, or a unit). */
  push(hash: Uint8Array): void {
    let top = { hash, size: 1 };
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!.size === top.size) {
      const left = this.#stack.pop()!;
      this.#node.set(left.hash, 1);
      this.#node.set(top.hash, 33);
      const h = new Uint8Array(32);
      this.sha(h, this.#node);
      top = { hash: h, size: top.size * 2 };
    }
    this.#stack.push(top);
  }

  /** The subtrees' roots, largest first. */
  hashes(): Uint8Array[] {
    return this.#stack.map((s) => s.hash);
  }
}

/**
 * The root of the lines in `bytes[start, end)` (each ending in a newline): the subtree root of a
 * unit. `bytes` may be a view of shared memory (it is only read).
 */
export function unitRoot(bytes: Uint8Array, job: UnitJob): Hash {
  sha256 ??= sha256Into();
  // Scratch: 0x00 || line (a line is far below 64 KiB).
  let leaf = new Uint8Array(1024);
  const trees = new Subtrees(sha256);
  let at = job.start;
  while (at < job.end) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0 || nl >= job.end) throw new Error(`counted entries: no newline after byte ${at}`);
    const n = nl - at;
    if (n + 1 > leaf.length) leaf = new Uint8Array(2 * (n + 1));
    leaf[0] = 0x00;
    leaf.set(bytes.subarray(at, nl), 1);
    const h = new Uint8Array(32);
    sha256(h, leaf.subarray(0, n + 1));
    trees.push(h);
    at = nl + 1;
  }
  const hashes = trees.hashes();
  if (hashes.length === 0) throw new Error('counted entries: an empty unit');
  return foldRight(hashes);
}

/** The log's root from its units' roots in order (all full but the last; see the file comment). */
export function rootOfUnits(roots: readonly Hash[]): Hash {
  if (roots.length === 0) return EMPTY_ROOT;
  sha256 ??= sha256Into();
  const trees = new Subtrees(sha256);
  for (const r of roots.slice(0, -1)) trees.push(r);
  return foldRight([...trees.hashes(), roots[roots.length - 1]!]);
}
