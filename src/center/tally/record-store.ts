/**
 * The tally thread's counted records as UTF-8 bytes (`record.ts` layout), kept in the buffers they
 * arrived in: an opening thread's answer is one buffer of records joined by newlines (transferred,
 * not copied), and a record is a reference (its position in counted order) to a byte range of one
 * of them. A bench/tally finding: a million records as strings cost the tally thread more to split,
 * hold, encode for the journal, collect and cut into entries than it spent counting them; as bytes
 * the journal and the counted log copy them and no string is made for a record, except on the rare
 * paths (a duplicate taken out of the sums, a likely-duplicate key compared or listed).
 */
import { Buffer } from 'node:buffer';

export class RecordStore {
  readonly #buffers: Buffer[] = [];
  /** Per record: the buffer, and its byte range [start, end) there. */
  #buffer: Int32Array;
  #start: Int32Array;
  #end: Int32Array;
  /** Per record, what the commit orders and cuts it by (`record.ts` META: week, tag28, line). */
  #week: Int32Array;
  #tag28: Int32Array;
  #line: Int32Array;
  /** Records stored. */
  size = 0;

  /** @param capacity records expected (the arrays grow past it) */
  constructor(capacity = 1 << 12) {
    const n = Math.max(16, capacity);
    this.#buffer = new Int32Array(n);
    this.#start = new Int32Array(n);
    this.#end = new Int32Array(n);
    this.#week = new Int32Array(n);
    this.#tag28 = new Int32Array(n);
    this.#line = new Int32Array(n);
  }

  /** Keeps a buffer of records (as it is: the store reads it, never writes it); its number. */
  addBuffer(bytes: Uint8Array): number {
    return this.#buffers.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) - 1;
  }

  /**
   * Stores the record at [start, end) of buffer `buffer`, with its week, tag bits and entry end
   * (`record.ts` META): its reference.
   */
  push(buffer: number, start: number, end: number, week: number, tag28: number, line: number): number {
    if (this.size === this.#start.length) this.#grow();
    const ref = this.size++;
    this.#buffer[ref] = buffer;
    this.#start[ref] = start;
    this.#end[ref] = end;
    this.#week[ref] = week;
    this.#tag28[ref] = tag28;
    this.#line[ref] = line;
    return ref;
  }

  /** Record `ref`'s week (`record.ts` recordWeekCodeAt). */
  week(ref: number): number {
    return this.#week[ref]!;
  }

  /** The first 28 bits of record `ref`'s tag. */
  tag28(ref: number): number {
    return this.#tag28[ref]!;
  }

  /** Where record `ref`'s entry ends, from its start; negative when it names a sector. */
  line(ref: number): number {
    return this.#line[ref]!;
  }

  /** The number of the buffer that holds record `ref`. */
  bufferOf(ref: number): number {
    return this.#buffer[ref]!;
  }

  /** The buffers, by number (in shared memory when the opening threads made them: see `buffers` of the pool). */
  buffers(): readonly Buffer[] {
    return this.#buffers;
  }

  /** The buffer that holds record `ref`. */
  bytes(ref: number): Buffer {
    return this.#buffers[this.#buffer[ref]!]!;
  }

  start(ref: number): number {
    return this.#start[ref]!;
  }

  end(ref: number): number {
    return this.#end[ref]!;
  }

  /** Record `ref` as a string (rare paths only). */
  text(ref: number): string {
    return this.bytes(ref).toString('utf8', this.#start[ref], this.#end[ref]);
  }

  #grow(): void {
    const grown = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.#buffer = grown(this.#buffer);
    this.#start = grown(this.#start);
    this.#end = grown(this.#end);
    this.#week = grown(this.#week);
    this.#tag28 = grown(this.#tag28);
    this.#line = grown(this.#line);
  }
}

/** Whether `a[i…i+n)` and `b[j…j+n)` hold the same bytes. */
export function sameBytes(a: Uint8Array, i: number, b: Uint8Array, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}
