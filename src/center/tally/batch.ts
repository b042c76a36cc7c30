/**
 * One run's batch of the counted log (wire spec 8): the statements new since the last run as
 * counted entries, sectors of small cells suppressed, sorted by (week, tag) in byte order so that
 * the order says nothing about arrival. Built from the tally's records (`record.ts`), whose plain
 * string order is that order, and the run's cells (`sums.ts`), which decide suppression.
 */
import { publishedCell, Sums, type Cells } from './sums.js';
export { SECTOR_CELL_MIN } from './sums.js';
import { countedLine, parseRecord } from './record.js';
import { UNIT, type UnitJob } from './roots.js';

/** The sums of a run's records (a committed run read back; the running tally sums them as it goes). */
export function sumsOf(records: readonly string[]): Sums {
  const sums = new Sums();
  for (const r of records) sums.add(parseRecord(r));
  return sums;
}

/**
 * `records` in the counted log's order: (week, tag), which is their plain string order (they
 * start with the 8-character week and the tag; ASCII, so UTF-16 code units and bytes agree).
 * Bucketed by week and the tag's first two digits before sorting (a bench/tally finding: one
 * sort of a million strings took several seconds; small buckets take a fraction of that).
 */
export function* sortedRecords(records: readonly string[]): Generator<string> {
  const buckets = new Map<string, string[]>();
  for (const r of records) {
    const key = r.slice(0, 11);
    const b = buckets.get(key);
    if (b) b.push(r);
    else buckets.set(key, [r]);
  }
  // Bucket by bucket: the first lines are written (and hashed) before the last bucket is sorted.
  for (const key of [...buckets.keys()].sort()) {
    const b = buckets.get(key)!;
    if (b.length > 1) b.sort();
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
  /** Lines so far. */
  lines = 0;
  /** Bytes so far. */
  length = 0;

  /**
   * @param expected lines expected (sizes the buffer: ~160 bytes a line)
   * @param onUnit called with each unit's bytes (the buffer's current shared view) and range
   */
  constructor(expected: number, readonly onUnit?: (bytes: Uint8Array, unit: UnitJob) => void) {
    this.#buf = Buffer.from(new SharedArrayBuffer(Math.max(1 << 16, expected * 160)));
  }

  /** Appends a line (ASCII: spec 8's entry text) and its newline. */
  push(line: string): void {
    const need = this.length + line.length + 1;
    if (need > this.#buf.length) {
      // Grown by half again, at least to fit. A unit handed out before keeps the old memory.
      const bigger = Buffer.from(new SharedArrayBuffer(Math.max(need, Math.floor(this.#buf.length * 1.5))));
      this.#buf.copy(bigger, 0, 0, this.length);
      this.#buf = bigger;
    }
    this.#buf.write(line, this.length, 'latin1');
    this.#buf[this.length + line.length] = 0x0a;
    this.length = need;
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

/**
 * Appends a batch's entry lines (spec 8's text) to `text` in log order, each sector published or
 * `-` as the batch's cells decide.
 */
export function appendBatch(text: EntriesText, records: readonly string[], cells: Cells): void {
  // Published `<region>\t<sector>` by week (records come sorted by week: one lookup of a week's set).
  const published = new Map<string, Set<string>>();
  for (const [key, c] of cells) {
    if (!publishedCell(key, c)) continue;
    const week = key.slice(0, key.indexOf('\t'));
    let set = published.get(week);
    if (!set) published.set(week, (set = new Set()));
    set.add(key.slice(week.length + 1));
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
