/**
 * One run's batch of the counted log (wire spec 8): the statements new since the last run as
 * counted entries, sectors of small cells suppressed, sorted by (week, tag) in byte order so that
 * the order says nothing about arrival. Built from the tally's records (`record.ts`), whose plain
 * string order is that order, and the run's cells (`sums.ts`), which decide suppression.
 */
import { publishedCell, Sums, type Cells } from './sums.js';
export { SECTOR_CELL_MIN } from './sums.js';
import { lineEndAt, LINE_AT, parseRecord, recordTag28At, recordWeekCodeAt } from './record.js';
import type { RecordStore } from './record-store.js';
import { UNIT, type UnitJob } from './roots.js';

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
    const c = recordWeekCodeAt(store.bytes(from + i), store.start(from + i));
    weeks[i] = c;
    codes.set(c, 0);
  }
  if (codes.size > 4096) return comparedOrder(store, from, to);
  [...codes.keys()].sort((a, b) => a - b).forEach((c, rank) => codes.set(c, rank));
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    const tag28 = recordTag28At(store.bytes(from + i), store.start(from + i));
    const rank = codes.get(weeks[i]!)!;
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
 * The bytes of `counted/entries` as they are built, in shared memory. Each time {@link UNIT} more
 * lines are written, `onUnit` gets their byte range, so the opening threads hash a unit while the
 * next one is formatted (`roots.ts`).
 */
export class EntriesText {
  #buf: Buffer;
  #unitStart = 0;
  /** Bytes written. */
  length = 0;
  /** Lines so far. */
  lines = 0;

  /**
   * @param expected lines expected (sizes the buffer: ~160 bytes a line)
   * @param onUnit called with each unit's bytes (the buffer's current shared view) and range
   */
  constructor(expected: number, readonly onUnit?: (bytes: Uint8Array, unit: UnitJob) => void) {
    this.#buf = Buffer.from(new SharedArrayBuffer(Math.max(1 << 16, expected * 160)));
  }

  /** Appends a line (ASCII: spec 8's entry text) and its newline. */
  push(line: string): void {
    this.#room(line.length + 1);
    this.length += this.#buf.write(line, this.length, 'latin1');
    this.#end();
  }

  /** Appends the line in `src[start, end)` (ASCII), then the byte `last` when given, then its newline. */
  pushBytes(src: Buffer, start: number, end: number, last = -1): void {
    this.#room(end - start + 2);
    this.length += src.copy(this.#buf, this.length, start, end);
    if (last >= 0) this.#buf[this.length++] = last;
    this.#end();
  }

  #room(n: number): void {
    const need = this.length + n;
    if (need <= this.#buf.length) return;
    // Grown by half again, at least to fit. A unit handed out before keeps the old memory.
    const bigger = Buffer.from(new SharedArrayBuffer(Math.max(need, Math.floor(this.#buf.length * 1.5))));
    this.#buf.copy(bigger, 0, 0, this.length);
    this.#buf = bigger;
  }

  #end(): void {
    this.#buf[this.length++] = 0x0a;
    if (++this.lines % UNIT === 0) this.#unit();
  }

  #unit(): void {
    if (this.length > this.#unitStart) this.onUnit?.(this.#buf, { start: this.#unitStart, end: this.length });
    this.#unitStart = this.length;
  }

  /** The bytes, in shared memory; hands out the last (partial) unit. */
  finish(): Buffer {
    this.#unit();
    return this.#buf.subarray(0, this.length);
  }
}

/** `YYYY-Www` as `record.ts` recordWeekCodeAt numbers it. */
const weekCode = (week: string): number => Number(week.slice(0, 4)) * 100 + Number(week.slice(6, 8));

/**
 * Appends a batch's entry lines (spec 8's text) to `text` in log order: the records [from, to) of
 * `store`, each sector published or `-` as the batch's cells decide.
 */
export function appendBatch(text: EntriesText, store: RecordStore, from: number, to: number, cells: Cells): void {
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
  const refs = sortedRefs(store, from, to);
  // Each entry's length, negative when its sector is suppressed (the entry up to `sector=`, then `-`).
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = entryLength(store.bytes(from + i), store.start(from + i), published);
  for (const ref of refs) {
    const len = lengths[ref - from]!;
    const at = store.start(ref) + LINE_AT;
    if (len >= 0) text.pushBytes(store.bytes(ref), at, at + len);
    else text.pushBytes(store.bytes(ref), at, at - len - 1, 0x2d);
  }
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
