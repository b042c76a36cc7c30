/**
 * What the tally thread knows of the statements counted so far, in every run (spec 8: "the first
 * in the received log is counted"): their records in counted order (`record-store.ts`, as bytes),
 * indexed by id and by tag for dedup and, with `--private`, by likely-duplicate key (same region,
 * day and people). The indexes hold references to records under hashes the opening threads
 * computed with each record (`record.ts` recordMeta, `hash-index.ts`), so a statement costs two
 * or three probes of typed arrays and no string is made for it.
 */
import { HashIndex } from './hash-index.js';
import { ID_END, likelyKeyAt, LINE_AT, M_LINE, M_TAG28, M_WEEK, META, recordMeta, recordTag, sameLikelyAt, TAG_END } from './record.js';
import { RecordStore, sameBytes } from './record-store.js';

/** Likely duplicates: one region, day and set of names in several counted statements. */
export interface LikelyGroup {
  readonly region: string;
  /** `<date>\t<names sorted>` (`record.ts` likelyKeyAt). */
  readonly tail: string;
  /** The statements' tags in counted order (two or more). */
  readonly tags: readonly string[];
}

/** Records read back a buffer at a time. */
const READ_BACK = 4096;

/** A record not stored yet: its bytes [start, end). */
interface Candidate {
  bytes: Uint8Array;
  start: number;
  end: number;
}

export class CountedSet {
  /** Every counted record, earlier runs first, in counted order. */
  readonly store: RecordStore;
  readonly #ids: HashIndex<Candidate>;
  readonly #tags: HashIndex<Candidate>;
  readonly #likely: HashIndex<Candidate>;
  /** Later records of a likely key, by its first record's reference. */
  readonly #groups = new Map<number, number[]>();
  readonly #scratch = new Int32Array(META);
  /** The candidate of the current call (one object, refilled: none made per statement). */
  readonly #candidate: Candidate = { bytes: new Uint8Array(0), start: 0, end: 0 };

  /**
   * @param seed the run's hash seed (`hash-index.ts` newSeed), shared with the opening threads
   * @param likely index likely duplicates (records with names: `--private`)
   * @param capacity records expected (the indexes are sized for them once, not grown step by step)
   */
  constructor(
    readonly seed: number,
    readonly likely: boolean,
    capacity = 1 << 12,
  ) {
    const store = (this.store = new RecordStore(capacity));
    const at = (c: Candidate, ref: number, from: number, n: number) => sameBytes(store.bytes(ref), store.start(ref) + from, c.bytes, c.start + from, n);
    this.#ids = new HashIndex((ref, c) => at(c, ref, 0, ID_END), capacity);
    this.#tags = new HashIndex((ref, c) => at(c, ref, LINE_AT, TAG_END - LINE_AT), capacity);
    this.#likely = new HashIndex((ref, c) => sameLikelyAt(store.bytes(ref), store.start(ref), store.end(ref), c.bytes, c.start, c.end), likely ? capacity : 16);
  }

  /** Records counted. */
  get size(): number {
    return this.store.size;
  }

  #fill(bytes: Uint8Array, start: number, end: number): Candidate {
    const c = this.#candidate;
    c.bytes = bytes;
    c.start = start;
    c.end = end;
    return c;
  }

  /**
   * Why the record at `bytes[start, end)` (hashes at `hashes[at…]`) would be a duplicate of a
   * counted statement: the same statement id, else the same tag; null when it is new.
   */
  duplicate(bytes: Uint8Array, start: number, end: number, hashes: Int32Array, at: number): 'id' | 'tag' | null {
    const c = this.#fill(bytes, start, end);
    if (this.#ids.find(hashes[at]!, c) !== -1) return 'id';
    if (this.#tags.find(hashes[at + 1]!, c) !== -1) return 'tag';
    return null;
  }

  /**
   * Counts the record at [start, end) of the store's buffer `buffer` (`RecordStore.addBuffer`),
   * which {@link duplicate} found new; its `record.ts` META values at `meta[at…]`.
   */
  add(buffer: number, start: number, end: number, meta: Int32Array, at: number): void {
    const ref = this.store.push(buffer, start, end, meta[at + M_WEEK]!, meta[at + M_TAG28]!, meta[at + M_LINE]!);
    this.#ids.add(meta[at]!, ref);
    this.#tags.add(meta[at + 1]!, ref);
    if (!this.likely) return;
    const h = meta[at + 2]!;
    // 0: no names, or (rarely) a key whose hash is 0.
    if (h === 0 && likelyKeyAt(this.store.bytes(ref), start, end) === undefined) return;
    const first = this.#likely.find(h, this.#fill(this.store.bytes(ref), start, end));
    if (first === -1) this.#likely.add(h, ref);
    else {
      const later = this.#groups.get(first);
      if (later) later.push(ref);
      else this.#groups.set(first, [ref]);
    }
  }

  /**
   * Counts records read back (earlier runs, a resumed run's chunks), their hashes computed here.
   * Encoded a few thousand at a time (a run's records joined at once could pass V8's longest string).
   */
  addRecords(records: readonly string[]): void {
    for (let i = 0; i < records.length; i += READ_BACK) {
      const part = records.slice(i, i + READ_BACK);
      const text = part.join('\n');
      // In shared memory, as the opening threads' (the commit copies entries out of it there).
      const bytes = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
      bytes.write(text);
      const b = this.store.addBuffer(bytes);
      let at = 0;
      for (const r of part) {
        const end = at + Buffer.byteLength(r);
        recordMeta(bytes, at, end, this.seed, this.#scratch, 0);
        this.add(b, at, end, this.#scratch, 0);
        at = end + 1;
      }
    }
  }

  /** Record `ref` as a string. */
  record(ref: number): string {
    return this.store.text(ref);
  }

  /** The likely duplicates, in the counted order of each group's first statement. */
  likelyGroups(): LikelyGroup[] {
    const out: LikelyGroup[] = [];
    for (const [first, later] of [...this.#groups].sort((a, b) => a[0] - b[0])) {
      const [region, tail] = likelyKeyAt(this.store.bytes(first), this.store.start(first), this.store.end(first))!;
      out.push({ region, tail, tags: [first, ...later].map((ref) => recordTag(this.record(ref))) });
    }
    return out;
  }
}
