/**
 * The planning half of `bench/gen`: which envelopes a dataset holds, in received order, with
 * exact targets (people, CCP, abroad, Hong Kong / Macau / Taiwan, people per sector), dates along
 * the report's milestone curve, and the bad envelopes. Deterministic from the seed; streams, so
 * that millions of statements need no plan in memory.
 *
 * How the targets are met exactly: statements from abroad, HK/MO/TW and with a sector are drawn
 * first ("specials", small) and placed at random positions of the people stream; the mainland
 * statements without a sector fill the rest, the last one trimmed. Each person is in the CCP with
 * probability (CCP left) / (people left), which hits the CCP total exactly. A statement's date is
 * the curve's day at its position in the stream, so the stream is in date order and the
 * milestones fall where the curve puts them; pinned sector cells keep their own day.
 */
import type { Sector } from '../src/statement/types.js';
import { CHANNEL_WEIGHTS, GROUP_SIZES, CCP_ALSO, NON_CCP, MILESTONE_CURVE, PROVINCE_WEIGHTS, ABROAD_WEIGHTS, REAL_NAME_SHARE, REPORT_PEOPLE, SECTOR_SIZES, SMALL_SIZES } from './gen-data.js';
import { material, mulberry, type PlanItem } from './gen-seal.js';

/** A (region, sector, week) cell filled with enough statements of one person to be published (spec 8). */
export interface PinnedCell {
  readonly sector: Sector;
  /** A province code. */
  readonly province: string;
  /** A day of the week the cell is in. */
  readonly date: string;
  readonly statements: number;
}

/** What the dataset counts, exactly. */
export interface GenTargets {
  readonly people: number;
  readonly ccp: number;
  readonly abroad: number;
  readonly HK: number;
  readonly MO: number;
  readonly TW: number;
  /** People per sector (the others name none). */
  readonly sectors: Readonly<Partial<Record<Sector, number>>>;
  readonly pinned: readonly PinnedCell[];
}

/** Bad envelopes to add (spec 3 and 8's rejected reasons). */
export interface BadCounts {
  /** A flipped byte, a wrong version byte or a wrong length: `undecryptable`. */
  readonly corrupt: number;
  /** Sealed to another key: `undecryptable`. */
  readonly otherKey: number;
  /** Bad JSON, an unknown organisation, non-zero padding, a zero length prefix, a date too early: `invalid`. */
  readonly invalid: number;
  /** The same envelope again, the statement sealed again, another statement with its id: `duplicate`. */
  readonly duplicates: number;
}

type Dist = ReadonlyArray<readonly [number, number, number]>;

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(Math.floor(day) * DAY).toISOString().slice(0, 10);
const CURVE = MILESTONE_CURVE.map(([d, p]) => [dayNumber(d), p] as const);

/** The day (fractional) by which the report's cumulative count reached `people`. */
export function curveDay(people: number): number {
  const x = Math.min(Math.max(people, 0), REPORT_PEOPLE - 1e-6);
  for (let k = 1; k < CURVE.length; k++) {
    const [d0, p0] = CURVE[k - 1]!;
    const [d1, p1] = CURVE[k]!;
    if (x < p1) return d0 + ((x - p0) / (p1 - p0)) * (d1 - d0);
  }
  return CURVE[CURVE.length - 1]![0];
}

/** The report's cumulative count at the middle of `date`. */
export function curvePeople(date: string): number {
  const d = dayNumber(date) + 0.5;
  for (let k = 1; k < CURVE.length; k++) {
    const [d0, p0] = CURVE[k - 1]!;
    const [d1, p1] = CURVE[k]!;
    if (d < d1) return p0 + ((d - d0) / (d1 - d0)) * (p1 - p0);
  }
  return REPORT_PEOPLE;
}

/** The day of position `at` of `total` people on the curve. */
export const dateAt = (at: number, total: number): string => dateOf(curveDay((at / total) * REPORT_PEOPLE));

function weighted<T>(table: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const sum = table.reduce((n, [, w]) => n + w, 0);
  return (r) => {
    let x = r * sum;
    for (const [v, w] of table) if ((x -= w) < 0) return v;
    return table[table.length - 1]![0];
  };
}

function sizeDraw(dist: Dist, rand: () => number): () => number {
  const pick = weighted(dist.map(([a, b, w]) => [[a, b] as const, w] as const));
  return () => {
    const [a, b] = pick(rand());
    return a + Math.floor(rand() * (b - a + 1));
  };
}

/** Sizes drawn from `dist` that add up to exactly `total`. */
function sizesFor(total: number, dist: Dist, rand: () => number): number[] {
  const draw = sizeDraw(dist, rand);
  const out: number[] = [];
  for (let left = total; left > 0; left -= out[out.length - 1]!) out.push(Math.min(draw(), left));
  return out;
}

interface Special {
  readonly offset: number;
  readonly size: number;
  readonly region: string;
  readonly sector?: Sector;
  readonly date?: string;
}

interface Bad {
  readonly offset: number;
  readonly kind: 'corrupt' | 'other-key' | 'invalid' | 'dup';
}

/** Most people in one statement (spec 2); larger groups are split. */
const MAX_PEOPLE = 250;

/** The planned stream of envelopes (see the file comment). `next()` is undefined at the end. */
export class Planner {
  readonly #rand: () => number;
  readonly #t: GenTargets;
  readonly #specials: Special[] = [];
  readonly #bads: Bad[] = [];
  readonly #queue: Array<Omit<PlanItem, 'e'>> = [];
  readonly #province = weighted(PROVINCE_WEIGHTS);
  readonly #channel = weighted(CHANNEL_WEIGHTS);
  readonly #generic: () => number;
  #genericLeft: number;
  #cum = 0;
  #ccpLeft: number;
  #i = 0;
  #e = 0;
  #lastGood: Omit<PlanItem, 'e'> | undefined;

  constructor(seed: string, targets: GenTargets, bad: BadCounts) {
    this.#rand = mulberry(material(seed, 'plan', 0).readUInt32BE(0));
    const rand = this.#rand;
    this.#t = targets;
    this.#ccpLeft = targets.ccp;
    if (targets.ccp > targets.people) throw new RangeError('more CCP members than people');
    this.#generic = sizeDraw(GROUP_SIZES, rand);
    const P = targets.people;
    const abroad = weighted(ABROAD_WEIGHTS);
    const place = (size: number, region: string, sector?: Sector) => this.#specials.push({ offset: rand() * P, size, region, ...(sector ? { sector } : {}) });
    for (const s of sizesFor(targets.abroad, SMALL_SIZES, rand)) place(s, abroad(rand()));
    for (const r of ['HK', 'MO', 'TW'] as const) for (const s of sizesFor(targets[r], SMALL_SIZES, rand)) place(s, r);
    for (const [sector, n] of Object.entries(targets.sectors) as Array<[Sector, number]>) {
      let left = n;
      for (const cell of targets.pinned.filter((c) => c.sector === sector)) {
        for (let k = 0; k < cell.statements && left > 0; k++, left--) {
          this.#specials.push({ offset: (curvePeople(cell.date) / REPORT_PEOPLE) * P, size: 1, region: `CN-${cell.province}`, sector, date: cell.date });
        }
      }
      for (const s of sizesFor(left, SECTOR_SIZES, rand)) place(s, `CN-${this.#province(rand())}`, sector);
    }
    this.#specials.sort((a, b) => a.offset - b.offset);
    const special = this.#specials.reduce((n, s) => n + s.size, 0);
    if (special > P) throw new RangeError(`the targets need ${special} people outside the mainland or with a sector, more than ${P}`);
    this.#genericLeft = P - special;
    const kinds = [['corrupt', bad.corrupt], ['other-key', bad.otherKey], ['invalid', bad.invalid], ['dup', bad.duplicates]] as const;
    for (const [kind, n] of kinds) for (let k = 0; k < n; k++) this.#bads.push({ offset: rand() * P, kind });
    this.#bads.sort((a, b) => a.offset - b.offset);
  }

  /** People planned so far (good statements). */
  get people(): number {
    return this.#cum;
  }

  #masks(size: number): number[] {
    const rand = this.#rand;
    return Array.from({ length: size }, () => {
      const left = this.#t.people - this.#cum;
      const ccp = rand() * left < this.#ccpLeft;
      this.#cum++;
      let m: number;
      if (ccp) {
        this.#ccpLeft--;
        m = 1 | (rand() < CCP_ALSO.CYL ? 2 : 0) | (rand() < CCP_ALSO.CYP ? 4 : 0);
      } else {
        const r = rand();
        m = r < NON_CCP.CYLOnly ? 2 : r < NON_CCP.CYLOnly + NON_CCP.CYPOnly ? 4 : 6;
      }
      return m | (rand() < REAL_NAME_SHARE ? 8 : 0);
    });
  }

  /** Good statements of a group of `size` people, split into parts of at most 250. */
  #good(size: number, region: string, sector?: Sector, pinnedDate?: string): void {
    const date = pinnedDate ?? dateAt(this.#cum + size / 2, this.#t.people);
    const channel = this.#channel(this.#rand());
    const parts = Math.ceil(size / MAX_PEOPLE);
    const g = this.#i;
    for (let part = 1; part <= parts; part++) {
      const n = Math.floor((size * part) / parts) - Math.floor((size * (part - 1)) / parts);
      this.#queue.push({
        kind: 'good',
        i: this.#i++,
        masks: this.#masks(n),
        region,
        ...(sector ? { sector } : {}),
        channel,
        date,
        ...(parts > 1 ? { group: { g, part, parts } } : {}),
      });
    }
  }

  #bad(b: Bad): Omit<PlanItem, 'e'> {
    const rand = this.#rand;
    const last = this.#lastGood!;
    if (b.kind === 'dup') {
      const r = rand();
      if (r < 0.4) return { ...last, kind: 'copy' };
      if (r < 0.8) return { ...last, kind: 'reseal' };
      return { ...last, kind: 'same-id', i: this.#i++, idFrom: last.i, masks: last.masks.map(() => (rand() < 0.5 ? 1 : 2)) };
    }
    const size = 1 + Math.floor(rand() * 3);
    const variant = Math.floor(rand() * 5);
    const masks = Array.from({ length: size }, () => 1 + Math.floor(rand() * 7));
    return { kind: b.kind, i: this.#i++, masks, region: `CN-${this.#province(rand())}`, channel: 'internet', date: last.date, variant };
  }

  /** The next envelope of the stream, or undefined at its end. */
  next(): PlanItem | undefined {
    let item = this.#queue.shift();
    if (!item) {
      const bad = this.#bads[0];
      const special = this.#specials[0];
      if (bad && this.#lastGood && (bad.offset <= this.#cum || (this.#genericLeft === 0 && !special))) {
        item = this.#bad(this.#bads.shift()!);
      } else if (special && (special.offset <= this.#cum || this.#genericLeft === 0)) {
        this.#specials.shift();
        this.#good(special.size, special.region, special.sector, special.date);
        item = this.#queue.shift();
      } else if (this.#genericLeft > 0) {
        const size = Math.min(this.#generic(), this.#genericLeft);
        this.#genericLeft -= size;
        this.#good(size, `CN-${this.#province(this.#rand())}`);
        item = this.#queue.shift();
      }
    }
    if (!item) return undefined;
    if (item.kind === 'good') this.#lastGood = item;
    return { ...item, e: this.#e++ };
  }
}
