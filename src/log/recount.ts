/**
 * The public recount (wire spec 8, issue 10): from a published `counted/entries`, `counted/checkpoint`
 * and `tally.note`, recompute every number of the note and check that the entries are the log the
 * tally key signed. Pure and client-safe (the CLI's `recount` reads the files; this checks them).
 */
import { toBase64 } from '../crypto/base64.js';
import { verifyNote, type Verifier } from '../crypto/note.js';
import { VerifyError } from '../errors.js';
import { verifyCheckpoint } from './checkpoint.js';
import {
  countedFigures,
  countedMessages,
  countedText,
  parseCountedEntries,
  parseTallyNote,
  tallyNoteBody,
  REJECTED_REASONS,
  type CountedEntry,
  type TallyNote,
} from './counted.js';
import { EMPTY_ROOT, foldRight, leafHash, nodeHash, type Hash } from './merkle.js';

/**
 * The awk program that recomputes the note's totals (`total statements`, `total people`, `org CCP`,
 * `org CYL`, `org CYP`) from `counted/entries` without sealpost; its output lines are the note's
 * lines. Splitting on spaces and `=` puts the five numbers at fields 5, 7, 9 and 11; `%.0f`
 * because some awks print `%d` through a 32-bit int.
 *
 *   awk -F'[ =]' '{p+=$5;c+=$7;l+=$9;y+=$11} END{printf "total statements %.0f\ntotal people %.0f\norg CCP %.0f\norg CYL %.0f\norg CYP %.0f\n",NR,p,c,l,y}' counted/entries
 */
export const AWK_TOTALS =
  `{p+=$5;c+=$7;l+=$9;y+=$11} END{printf "total statements %.0f\\ntotal people %.0f\\norg CCP %.0f\\norg CYL %.0f\\norg CYP %.0f\\n",NR,p,c,l,y}`;

/** The whole shell line, for the README and `recount --help`. */
export const AWK_TOTALS_LINE = `awk -F'[ =]' '${AWK_TOTALS}' counted/entries`;

/**
 * RFC 9162 roots computed while leaves stream past, keeping only the perfect subtrees of the
 * compact range (O(log n) hashes): the tally hashes millions of leaves without storing a tree.
 */
export class StreamingRoot {
  readonly #stack: Array<{ hash: Hash; size: number }> = [];
  #size = 0;
  /** Leaves appended so far. */
  get size(): number {
    return this.#size;
  }
  /** Appends a leaf (its bytes; hashed here). */
  push(leaf: Uint8Array): void {
    let top = { hash: leafHash(leaf), size: 1 };
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1]!.size === top.size) {
      const left = this.#stack.pop()!;
      top = { hash: nodeHash(left.hash, top.hash), size: left.size * 2 };
    }
    this.#stack.push(top);
    this.#size++;
  }
  /** The root of the leaves so far (the empty tree's for none). */
  root(): Hash {
    return this.#size === 0 ? EMPTY_ROOT : foldRight(this.#stack.map((s) => s.hash));
  }
}

const encoder = new TextEncoder();

/** The root of a counted log whose entry lines (without newlines) are `lines`. */
export function countedRoot(lines: Iterable<string>): Hash {
  const r = new StreamingRoot();
  for (const l of lines) r.push(encoder.encode(l));
  return r.root();
}

/**
 * The root of a counted log from the bytes of `counted/entries` (newline-terminated lines): the
 * same as {@link countedRoot} of its lines, without a string per line.
 */
export function countedRootOfBytes(text: Uint8Array): Hash {
  const r = new StreamingRoot();
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf(0x0a, at);
    const end = nl < 0 ? text.length : nl;
    r.push(text.subarray(at, end));
    at = end + 1;
  }
  return r.root();
}

/** The published files of a tally, as text. */
export interface TallyFiles {
  /** `counted/entries`. */
  readonly entries: string;
  /** `counted/checkpoint`. */
  readonly checkpoint: string;
  /** `tally.note`. */
  readonly note: string;
}

/** What a recount that agrees found. */
export interface RecountResult {
  readonly note: Omit<TallyNote, 'weeks'>;
  readonly entries: readonly CountedEntry[];
  /** The note's lines the recount recomputed from the entries (all but `received` and `rejected`). */
  readonly recomputed: number;
}

function mismatch(code: 'counted-dropped' | 'counted-added' | 'counted-changed' | 'note-mismatch' | 'repeated-tag', key: keyof typeof countedMessages, params: Record<string, string | number>): VerifyError {
  return new VerifyError(code, countedText(key, params), { key, params });
}

/**
 * Recounts a published tally: checks the counted checkpoint's and the note's signatures by the
 * tally key, that the entries hash to the checkpoint's size and root, that the note's `counted`
 * line is that checkpoint, and recomputes every other line of the note from the entries.
 * @param tallyKey the center file's `tallyKey` (name `<center>/counted`)
 * @returns the parsed note and entries when everything agrees
 * @throws VerifyError at the first disagreement: `counted-dropped`, `counted-added`,
 *   `counted-changed` (the entries against the checkpoint), `repeated-tag`, `note-mismatch` (a
 *   line of the note; params `note` and `recount` quote both), or a bad signature or format
 *   (`bad-signature`, `unsigned`, `bad-note`, `bad-checkpoint`, `bad-counted-entry`, `bad-tally-note`).
 */
export function recount(files: TallyFiles, tallyKey: Verifier): RecountResult {
  const cp = verifyCheckpoint(files.checkpoint, tallyKey);
  const note = parseTallyNote(verifyNote(files.note, tallyKey));
  const entries = parseCountedEntries(files.entries);
  const lines = files.entries === '' ? [] : files.entries.slice(0, -1).split('\n');
  if (entries.length < cp.size) throw mismatch('counted-dropped', 'log.counted.dropped', { size: entries.length, expected: cp.size });
  if (entries.length > cp.size) throw mismatch('counted-added', 'log.counted.added', { size: entries.length, expected: cp.size });
  const root = toBase64(countedRoot(lines));
  if (root !== toBase64(cp.root)) throw mismatch('counted-changed', 'log.counted.changed', {});
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const first = seen.get(e.tag);
    if (first !== undefined) throw mismatch('repeated-tag', 'log.counted.repeated-tag', { tag: e.tag, first: first + 1, second: i + 1 });
    seen.set(e.tag, i);
  });
  const center = cp.origin.slice(0, cp.origin.lastIndexOf('/'));
  if (note.center !== center) throw mismatch('note-mismatch', 'log.counted.note-center', { note: note.center, checkpoint: center });
  if (note.counted.size !== cp.size || note.counted.root !== root) {
    throw mismatch('note-mismatch', 'log.counted.note-counted', { note: `${note.counted.size} ${note.counted.root}`, checkpoint: `${cp.size} ${root}` });
  }
  const figures = countedFigures(entries, note.milestoneStep);
  const expected = tallyNoteBody({ ...note, ...figures }).split('\n');
  const got = verifyNote(files.note, tallyKey).split('\n');
  for (let i = 0; i < Math.max(expected.length, got.length); i++) {
    if (expected[i] !== got[i]) {
      throw mismatch('note-mismatch', 'log.counted.note-differs', { note: got[i] ?? '', recount: expected[i] ?? '' });
    }
  }
  const sum = note.statements + REJECTED_REASONS.reduce((n, r) => n + note.rejected[r], 0);
  if (sum !== note.received.size) throw mismatch('note-mismatch', 'log.counted.note-balance', { sum, received: note.received.size });
  return { note, entries, recomputed: expected.length - 1 - 1 - REJECTED_REASONS.length };
}
