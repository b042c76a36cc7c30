/**
 * One run's batch of the counted log (wire spec 8): the statements new since the last run as
 * counted entries, sectors of small cells suppressed, sorted by (week, tag) in byte order so that
 * the order says nothing about arrival. Built from the tally's records (`record.ts`), whose plain
 * string order is that order, and the run's cells (`sums.ts`), which decide suppression.
 */
import { publishedCell, Sums, type Cells } from './sums.js';
export { SECTOR_CELL_MIN } from './sums.js';
import { byteOrder } from '../../log/counted.js';
import { countedLine, parseRecord, recordTag, recordTag28, recordWeek, recordWeekCode } from './record.js';
import { UNIT, type UnitJob } from './roots.js';

/** The sums of a run's records (a committed run read back; the running tally sums them as it goes). */
export function sumsOf(records: readonly string[]): Sums {
  const sums = new Sums();
  for (const r of records) sums.add(parseRecord(r));
  return sums;
}

/**
 * `records` in the counted log's order: (week, tag) in byte order (ASCII: code units and bytes
 * agree). A bench/tally finding: sorting a million strings took seconds. Each record gets a 64-bit
 * key instead, (week rank: 12 bits, the tag's first 28 bits, the record's position: 24 bits), and
 * the keys are sorted as numbers; records whose week and 28 tag bits tie (rare) are then put in
 * tag order. Batches of 2^24 records or more, or of more than 4096 weeks, take {@link bucketSorted}.
 */
export function sortedRecords(records: readonly string[]): Iterable<string> {
  const n = records.length;
  if (n >= 1 << 24) return bucketSorted(records);
  const codes = new Map<number, number>();
  for (const r of records) codes.set(recordWeekCode(r), 0);
  if (codes.size > 4096) return bucketSorted(records);
  [...codes.keys()].sort((a, b) => a - b).forEach((c, rank) => codes.set(c, rank));
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const tag28 = recordTag28(r);
    words[2 * i + hi] = ((codes.get(recordWeekCode(r))! << 20) | (tag28 >>> 8)) >>> 0;
    words[2 * i + lo] = (((tag28 & 0xff) << 24) | i) >>> 0;
  }
  keys.sort();
  const out = new Array<string>(n);
  for (let j = 0; j < n; j++) out[j] = records[words[2 * j + lo]! & 0xffffff]!;
  // Ties of week and 28 tag bits are in position order: put each run of them in tag order.
  for (let j = 0; j < n; ) {
    let k = j + 1;
    while (k < n && words[2 * k + hi] === words[2 * j + hi] && words[2 * k + lo]! >>> 24 === words[2 * j + lo]! >>> 24) k++;
    if (k - j > 1) out.splice(j, k - j, ...out.slice(j, k).sort(byTag));
    j = k;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const byTag = (a: string, b: string) => byteOrder(recordTag(a), recordTag(b));

/** {@link sortedRecords} for any batch: bucketed by week and the tag's first two digits, each bucket sorted by tag. */
export function* bucketSorted(records: readonly string[]): Generator<string> {
  const buckets = new Map<string, string[]>();
  for (const r of records) {
    const key = `${recordWeek(r)}${recordTag(r).slice(0, 2)}`;
    const b = buckets.get(key);
    if (b) b.push(r);
    else buckets.set(key, [r]);
  }
  // Bucket by bucket: the first lines are written (and hashed) before the last bucket is sorted.
  for (const key of [...buckets.keys()].sort()) {
    const b = buckets.get(key)!;
    if (b.length > 1) b.sort(byTag);
    yield* b;
  }
}

/**
 * The bytes of `counted/entries` as they are built, in shared memory. Each time {@link UNIT} more
 * lines are written, `onUnit` gets their byte range, so the opening threads hash a unit while the
 * next one is formatted (`roots.ts`).
 */
export class EntriesText {
  #buf: Buffer;
  #unitStart = 0;
  /** Bytes written to #buf. */
  #written = 0;
  /** Lines not yet written: they go in {@link BATCH} at a time (one native write, not one a line). */
  readonly #pending: string[] = [];
  /** Lines so far. */
  lines = 0;

  /**
   * @param expected lines expected (sizes the buffer: ~160 bytes a line)
   * @param onUnit called with each unit's bytes (the buffer's current shared view) and range
   */
  constructor(expected: number, readonly onUnit?: (bytes: Uint8Array, unit: UnitJob) => void) {
    this.#buf = Buffer.from(new SharedArrayBuffer(Math.max(1 << 16, expected * 160)));
  }

  /** Bytes so far. */
  get length(): number {
    this.#flush();
    return this.#written;
  }

  /** Appends a line (ASCII: spec 8's entry text) and its newline. */
  push(line: string): void {
    this.#pending.push(line);
    if (++this.lines % BATCH !== 0) return;
    this.#flush();
    if (this.lines % UNIT === 0) this.#unit();
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const text = `${this.#pending.join('\n')}\n`;
    this.#pending.length = 0;
    const need = this.#written + text.length;
    if (need > this.#buf.length) {
      // Grown by half again, at least to fit. A unit handed out before keeps the old memory.
      const bigger = Buffer.from(new SharedArrayBuffer(Math.max(need, Math.floor(this.#buf.length * 1.5))));
      this.#buf.copy(bigger, 0, 0, this.#written);
      this.#buf = bigger;
    }
    this.#buf.write(text, this.#written, 'latin1');
    this.#written = need;
  }

  #unit(): void {
    this.#flush();
    if (this.#written > this.#unitStart) this.onUnit?.(this.#buf, { start: this.#unitStart, end: this.#written });
    this.#unitStart = this.#written;
  }

  /** The bytes, in shared memory; hands out the last (partial) unit. */
  finish(): Buffer {
    this.#unit();
    return this.#buf.subarray(0, this.#written);
  }
}

/** Lines written at once (divides {@link UNIT}). */
const BATCH = 64;

/**
 * Appends a batch's entry lines (spec 8's text) to `text` in log order, each sector published or
 * `-` as the batch's cells decide.
 */
export function appendBatch(text: EntriesText, records: readonly string[], cells: Cells): void {
  // Published cells by week (records come sorted by week: one lookup of a week's set).
  const published = new Map<string, Set<string>>();
  for (const [key, c] of cells) {
    if (!publishedCell(key, c)) continue;
    const week = key.slice(0, key.indexOf('\t'));
    let set = published.get(week);
    if (!set) published.set(week, (set = new Set()));
    // As the entry writes them (`record.ts` countedLine): `<region> sector=<sector>`.
    set.add(key.slice(week.length + 1).replace('\t', ' sector='));
  }
  let lastWeek = '';
  let weekSet: Set<string> | undefined;
  const isPublished = (week: string, regionSector: string) => {
    if (week !== lastWeek) {
      lastWeek = week;
      weekSet = published.get(week);
    }
    return weekSet?.has(regionSector) ?? false;
  };
  for (const r of sortedRecords(records)) text.push(countedLine(r, isPublished));
}
