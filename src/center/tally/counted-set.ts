/**
 * What the tally thread knows of the statements counted so far, in every run (spec 8: "the first
 * in the received log is counted"): their records in counted order, indexed by id and by tag for
 * dedup and, with `--private`, by likely-duplicate key (same region, day and people). The indexes
 * hold positions in the record array under hashes the opening threads computed with each record
 * (`record.ts` recordHashes, `hash-index.ts`), so a statement costs two or three probes of typed
 * arrays and no string is made for it.
 */
import { HashIndex } from './hash-index.js';
import { HASHES, likelyKey, recordHashes, recordTag, sameId, sameLikely, sameTag } from './record.js';

/** Likely duplicates: one region, day and set of names in several counted statements. */
export interface LikelyGroup {
  readonly region: string;
  /** `<date>\t<names sorted>` (`record.ts` likelyKey). */
  readonly tail: string;
  /** The statements' tags in counted order (two or more). */
  readonly tags: readonly string[];
}

export class CountedSet {
  /** Every counted record, earlier runs first, in counted order. */
  readonly records: string[] = [];
  readonly #ids = new HashIndex<string>((ref, r) => sameId(this.records[ref]!, r));
  readonly #tags = new HashIndex<string>((ref, r) => sameTag(this.records[ref]!, r));
  readonly #likely = new HashIndex<string>((ref, r) => sameLikely(this.records[ref]!, r));
  /** Later records (positions) of a likely key, by its first record's position. */
  readonly #groups = new Map<number, number[]>();
  readonly #scratch = new Int32Array(HASHES);

  /**
   * @param seed the run's hash seed (`hash-index.ts` newSeed), shared with the opening threads
   * @param likely index likely duplicates (records with names: `--private`)
   */
  constructor(
    readonly seed: number,
    readonly likely: boolean,
  ) {}

  /**
   * Why `r` (hashes at `hashes[at…]`) would be a duplicate of a counted statement: the same
   * statement id, else the same tag; null when it is new.
   */
  duplicate(r: string, hashes: Int32Array, at: number): 'id' | 'tag' | null {
    if (this.#ids.find(hashes[at]!, r) !== -1) return 'id';
    if (this.#tags.find(hashes[at + 1]!, r) !== -1) return 'tag';
    return null;
  }

  /** Counts `r` (hashes at `hashes[at…]`), which {@link duplicate} found new. */
  add(r: string, hashes: Int32Array, at: number): void {
    const ref = this.records.push(r) - 1;
    this.#ids.add(hashes[at]!, ref);
    this.#tags.add(hashes[at + 1]!, ref);
    if (!this.likely) return;
    const h = hashes[at + 2]!;
    if (h === 0 && likelyKey(r) === undefined) return;
    const first = this.#likely.find(h, r);
    if (first === -1) this.#likely.add(h, ref);
    else {
      const later = this.#groups.get(first);
      if (later) later.push(ref);
      else this.#groups.set(first, [ref]);
    }
  }

  /** Counts a record read back (earlier runs, a resumed run's chunks), its hashes computed here. */
  addRecord(r: string): void {
    recordHashes(r, this.seed, this.#scratch, 0);
    this.add(r, this.#scratch, 0);
  }

  /** The likely duplicates, in the counted order of each group's first statement. */
  likelyGroups(): LikelyGroup[] {
    const out: LikelyGroup[] = [];
    for (const [first, later] of [...this.#groups].sort((a, b) => a[0] - b[0])) {
      const [region, tail] = likelyKey(this.records[first]!)!;
      out.push({ region, tail, tags: [first, ...later].map((ref) => recordTag(this.records[ref]!)) });
    }
    return out;
  }
}
