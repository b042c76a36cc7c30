/**
 * One run's batch of the counted log (wire spec 8): the statements new since the last run as
 * counted entries, sectors of small cells suppressed, sorted by (week, tag) in byte order so that
 * the order says nothing about arrival. Built from the tally's records (`record.ts`), whose plain
 * string order is that order, and the run's cells (`sums.ts`), which decide suppression.
 */
import { publishedCell, Sums, type Cells } from './sums.js';
export { SECTOR_CELL_MIN } from './sums.js';
import { lineEndAt, LINE_AT, parseRecord, recordWeekCodeAt, weekCode } from './record.js';
import type { RecordStore } from './record-store.js';
import { UNIT, type CopyJob } from './roots.js';

/** A run's batch: its records [from, to) in the tally's store and their sums. */
export interface Batch {
  readonly from: number;
  readonly to: number;
  readonly sums: Sums;
}

/** The sums of a run's records (a committed run read back; the running tally sums them as it goes). */
export function sumsOf(records: readonly string[]): Sums {
  const sums = new Sums();
  for (const r of records) sums.add(parseRecord(r));
  return sums;
}

/**
 * The records [from, to) of `store` in the counted log's order: (week, tag) in byte order. A
 * bench/tally finding: sorting a million strings took seconds. Each record gets a 64-bit key
 * instead, (week rank: 12 bits, the tag's first 28 bits, the record's position: 24 bits), read
 * from its bytes, and the keys are sorted as numbers; records whose week and 28 tag bits tie (rare)
 * are then put in tag order. Batches of 2^24 records or more, or of more than 4096 weeks, take
 * {@link comparedOrder}.
 */
export function sortedRefs(store: RecordStore, from: number, to: number): Int32Array {
  const n = to - from;
  if (n >= 1 << 24) return comparedOrder(store, from, to);
  const weeks = new Int32Array(n);
  const codes = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = store.week(from + i);
    weeks[i] = c;
    if (i === 0 || c !== weeks[i - 1]) codes.set(c, 0);
  }
  if (codes.size > 4096) return comparedOrder(store, from, to);
  [...codes.keys()].sort((a, b) => a - b).forEach((c, rank) => codes.set(c, rank));
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  let lastCode = -1;
  let lastRank = 0;
  for (let i = 0; i < n; i++) {
    const tag28 = store.tag28(from + i);
    if (weeks[i] !== lastCode) {
      lastCode = weeks[i]!;
      lastRank = codes.get(lastCode)!;
    }
    const rank = lastRank;
    words[2 * i + hi] = ((rank << 20) | (tag28 >>> 8)) >>> 0;
    words[2 * i + lo] = (((tag28 & 0xff) << 24) | i) >>> 0;
  }
  keys.sort();
  const refs = new Int32Array(n);
  // The top words as signed 32-bit values: compared for equality only (no heap numbers).
  const signed = new Int32Array(keys.buffer);
  for (let j = 0; j < n; j++) refs[j] = from + (signed[2 * j + lo]! & 0xffffff);
  // Ties of week and 28 tag bits are in position order: put each run of them in tag order.
  const byTag = tagOrder(store);
  for (let j = 0; j < n; ) {
    const h = signed[2 * j + hi]!;
    const t = signed[2 * j + lo]! >>> 24;
    let k = j + 1;
    while (k < n && signed[2 * k + hi] === h && signed[2 * k + lo]! >>> 24 === t) k++;
    if (k - j > 1) refs.subarray(j, k).sort(byTag);
    j = k;
  }
  return refs;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Compares two records' tags (`a`, `b`: references) in byte order. */
function tagOrder(store: RecordStore): (a: number, b: number) => number {
  return (a, b) => {
    const sa = store.start(a) + LINE_AT;
    const sb = store.start(b) + LINE_AT;
    return store.bytes(a).compare(store.bytes(b), sb, sb + 64, sa, sa + 64);
  };
}

/** {@link sortedRefs} for any batch: the references sorted by comparing weeks, then tags. */
export function comparedOrder(store: RecordStore, from: number, to: number): Int32Array {
  const out = Int32Array.from({ length: to - from }, (_, i) => from + i);
  const week = (ref: number) => recordWeekCodeAt(store.bytes(ref), store.start(ref));
  const byTag = tagOrder(store);
  return out.sort((a, b) => week(a) - week(b) || byTag(a, b));
}

/**
 * The lines of `counted/entries` planned as copies out of the tally's records: for each line, the
 * store buffer that holds its record, where its entry starts there and its length (negative when
 * the sector is suppressed: the entry up to `sector=`, then `-`). The opening threads make the
 * copies and hash them a unit ({@link UNIT} lines) each at a time (`roots.ts` copyUnit), while
 * this thread builds the reports: a bench/tally finding, the copies (each a cache miss: the log's
 * order is random in memory) were the longest part of the commit on one thread.
 */
export class EntryPlan {
  #orders: Int32Array;
  /** Lines planned. */
  lines = 0;
  /** Bytes of the lines planned, newlines included. */
  length = 0;

  /** @param expected lines expected */
  constructor(expected: number) {
    this.#orders = new Int32Array(3 * Math.max(16, expected));
  }

  /** Plans a line: `length` bytes (see the class comment) from `start` in store buffer `buffer`. */
  add(buffer: number, start: number, length: number): void {
    if (3 * this.lines === this.#orders.length) {
      const grown = new Int32Array(2 * this.#orders.length);
      grown.set(this.#orders);
      this.#orders = grown;
    }
    const o = this.#orders;
    const k = 3 * this.lines++;
    o[k] = buffer;
    o[k + 1] = start;
    o[k + 2] = length;
    this.length += Math.abs(length) + 1;
  }

  /** The copy jobs, a unit of lines each, in order; each one's bytes follow the last one's. */
  units(): CopyJob[] {
    const jobs: CopyJob[] = [];
    const o = this.#orders;
    let at = 0;
    for (let first = 0; first < this.lines; first += UNIT) {
      const last = Math.min(this.lines, first + UNIT);
      let end = at;
      for (let k = 3 * first + 2; k < 3 * last; k += 3) end += Math.abs(o[k]!) + 1;
      jobs.push({ orders: o.slice(3 * first, 3 * last), start: at, end });
      at = end;
    }
    return jobs;
  }
}

/**
 * Plans a batch's entry lines (spec 8's text) in log order: the records [from, to) of `store`,
 * each sector published or `-` as the batch's cells decide.
 */
export function appendBatch(plan: EntryPlan, store: RecordStore, from: number, to: number, cells: Cells): void {
  // Published cells by week, as the entry writes them: `<region> sector=<sector>`.
  const published = new Map<number, Set<string>>();
  for (const [key, c] of cells) {
    if (!publishedCell(key, c)) continue;
    const week = key.slice(0, key.indexOf('\t'));
    let set = published.get(weekCode(week));
    if (!set) published.set(weekCode(week), (set = new Set()));
    set.add(key.slice(week.length + 1).replace('\t', ' sector='));
  }
  const n = to - from;
  // Each entry's length: from where its entry ends, but for a statement that names a sector.
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const line = store.line(from + i);
    lengths[i] = line > 0 ? line - LINE_AT : entryLength(store.bytes(from + i), store.start(from + i), published);
  }
  for (const ref of sortedRefs(store, from, to)) plan.add(store.bufferOf(ref), store.start(ref) + LINE_AT, lengths[ref - from]!);
}

/**
 * The length of the entry of the record at `b[s…]`, negative when its sector is not published: the
 * entry up to `sector=`, then `-`.
 */
function entryLength(b: Buffer, s: number, published: ReadonlyMap<number, ReadonlySet<string>>): number {
  const end = lineEndAt(b, s);
  // The sector is the entry's last field (` sector=<code>`, no space in a code).
  let sp = end - 1;
  while (b[sp] !== 0x20) sp--;
  // A statement without a sector, or a published one: the entry as the record holds it.
  if ((end - sp === 9 && b[end - 1] === 0x2d) || isPublished(published, b, s, sp, end)) return end - s - LINE_AT;
  return -(sp + 9 - s - LINE_AT);
}

/** Whether the record at `b[s…]` (its sector's space at `sp`, its entry's end at `end`) is in a published cell. */
function isPublished(published: ReadonlyMap<number, ReadonlySet<string>>, b: Buffer, s: number, sp: number, end: number): boolean {
  const set = published.get(recordWeekCodeAt(b, s));
  if (!set) return false;
  let rp = sp - 1;
  while (b[rp] !== 0x20) rp--;
  // ` region=<region> sector=<sector>`: from the region on.
  return set.has(b.toString('latin1', rp + 8, end));
}
