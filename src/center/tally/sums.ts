/**
 * The sums a run's figures are made of, kept as the tally counts instead of going over a million
 * statements again at the commit (a bench/tally finding: re-reading them there was a third of the
 * run). Every published figure of spec 8 is a sum over counted entries, and an entry's sector is
 * suppressed by its batch's (week, region, sector) cell size, so a batch's figures follow from its
 * cells; the private tables are sums too (channels, people per statement, days, real names).
 * The opening threads sum each chunk; the tally thread adds them up and takes out the duplicates
 * it drops (rare), so the sums are those of the counted statements.
 */
import type { CanonicalView } from './canonical-view.js';
import type { OpenedStatement } from './open.js';

/** Spec 8: a sector is published only when at least this many entries of the batch share region, sector and week. */
export const SECTOR_CELL_MIN = 10;

/** The sums of one cell. */
export interface CellSums {
  statements: number;
  people: number;
  ccp: number;
  cyl: number;
  cyp: number;
}

/** Cells by `<week>\t<region>\t<sector>` (sector `-` when the statement names none). */
export type Cells = Map<string, CellSums>;

/** Statements and people. */
export interface Count {
  statements: number;
  people: number;
}

/** What a chunk's sums are as they cross a thread (plain data). */
export interface SumsData {
  readonly cells: Array<[string, number, number, number, number, number]>;
  readonly channels: Array<[string, number, number]>;
  readonly sizes: Array<[number, number, number]>;
  readonly days: Array<[string, number, number]>;
  readonly real: number;
  readonly alias: number;
  /** Group ids of split groups, each once. */
  readonly groups: string[];
}

function bump<K>(m: Map<K, Count>, key: K, statements: number, people: number): void {
  const c = m.get(key);
  if (c) {
    c.statements += statements;
    c.people += people;
  } else m.set(key, { statements, people });
}

/** A run's (or a chunk's) sums. */
export class Sums {
  readonly cells: Cells = new Map();
  readonly channels = new Map<string, Count>();
  readonly sizes = new Map<number, Count>();
  readonly days = new Map<string, Count>();
  real = 0;
  alias = 0;
  /** Split groups' ids with the number of counted statements of each. */
  readonly groups = new Map<string, number>();

  /** Cells by a number made of the week, region and sector's indexes ({@link addView}). */
  readonly #cellsByCode = new Map<number, CellSums>();

  /**
   * Adds the statement scanned into `v` (as {@link add} adds its OpenedStatement), finding its cell
   * by a number rather than a string made for each statement. `group` is its split group's id.
   */
  addView(v: CanonicalView, group: string | undefined): void {
    // Below 2^53: weeks are (year * 100 + week) < 10^6, regions < 1024, sectors + 1 < 32.
    const code = (v.day.weekCode * 1024 + v.regionIndex) * 32 + v.sectorIndex;
    let c = this.#cellsByCode.get(code);
    if (!c) {
      const key = `${v.day.week}\t${v.region}\t${v.sector ?? '-'}`;
      c = this.cells.get(key);
      if (!c) this.cells.set(key, (c = { statements: 0, people: 0, ccp: 0, cyl: 0, cyp: 0 }));
      this.#cellsByCode.set(code, c);
    }
    this.#count(c, 1, v.people, v.ccp, v.cyl, v.cyp, v.channel, v.day.date, v.realNames, group);
  }

  /** Adds (`sign` 1) or takes out (-1) one counted statement. */
  add(s: OpenedStatement, sign = 1): void {
    const key = `${s.week}\t${s.region}\t${s.sector}`;
    let c = this.cells.get(key);
    if (!c) this.cells.set(key, (c = { statements: 0, people: 0, ccp: 0, cyl: 0, cyp: 0 }));
    this.#count(c, sign, s.people, s.ccp, s.cyl, s.cyp, s.channel, s.date, s.realNames, s.group?.slice(0, s.group.indexOf(' ')));
  }

  /** Counts (`sign` 1) or takes out (-1) a statement of cell `c`; `group` is its split group's id. */
  #count(c: CellSums, sign: number, people: number, ccp: number, cyl: number, cyp: number, channel: string, date: string, realNames: number, group: string | undefined): void {
    c.statements += sign;
    c.people += sign * people;
    c.ccp += sign * ccp;
    c.cyl += sign * cyl;
    c.cyp += sign * cyp;
    bump(this.channels, channel, sign, sign * people);
    bump(this.sizes, people, sign, sign * people);
    bump(this.days, date, sign, sign * people);
    this.real += sign * realNames;
    this.alias += sign * (people - realNames);
    if (group !== undefined) this.groups.set(group, (this.groups.get(group) ?? 0) + sign);
  }

  /** The sums as plain data (to post to another thread). */
  data(): SumsData {
    return {
      cells: [...this.cells].map(([k, c]) => [k, c.statements, c.people, c.ccp, c.cyl, c.cyp]),
      channels: [...this.channels].map(([k, c]) => [k, c.statements, c.people]),
      sizes: [...this.sizes].map(([k, c]) => [k, c.statements, c.people]),
      days: [...this.days].map(([k, c]) => [k, c.statements, c.people]),
      real: this.real,
      alias: this.alias,
      groups: [...this.groups].flatMap(([id, n]) => Array<string>(n).fill(id)),
    };
  }

  /** Adds another thread's sums. */
  addData(d: SumsData): void {
    for (const [key, statements, people, ccp, cyl, cyp] of d.cells) {
      const c = this.cells.get(key);
      if (c) {
        c.statements += statements;
        c.people += people;
        c.ccp += ccp;
        c.cyl += cyl;
        c.cyp += cyp;
      } else this.cells.set(key, { statements, people, ccp, cyl, cyp });
    }
    for (const [k, s, p] of d.channels) bump(this.channels, k, s, p);
    for (const [k, s, p] of d.sizes) bump(this.sizes, k, s, p);
    for (const [k, s, p] of d.days) bump(this.days, k, s, p);
    this.real += d.real;
    this.alias += d.alias;
    for (const id of d.groups) this.groups.set(id, (this.groups.get(id) ?? 0) + 1);
  }

  /** Adds another run's sums (the private tables cover every run). */
  addSums(o: Sums): void {
    this.addData(o.data());
  }
}

/** Whether a cell's sector is published (spec 8: at least {@link SECTOR_CELL_MIN} entries of the batch share it). */
export function publishedCell(key: string, c: CellSums): boolean {
  return c.statements >= SECTOR_CELL_MIN && !key.endsWith('\t-');
}

/** One batch's figures' terms: each cell with its sector as published (`-` when suppressed), weighted by its statements. */
export interface WeightedEntry {
  readonly week: string;
  readonly region: string;
  readonly sector: string;
  readonly people: number;
  readonly ccp: number;
  readonly cyl: number;
  readonly cyp: number;
  readonly statements: number;
}

/** A batch's cells as the weighted entries its figures sum over (empty cells dropped). */
export function weightedEntries(cells: Cells): WeightedEntry[] {
  const out: WeightedEntry[] = [];
  for (const [key, c] of cells) {
    if (c.statements === 0) continue;
    const [week, region, sector] = key.split('\t') as [string, string, string];
    out.push({ week, region, sector: publishedCell(key, c) ? sector : '-', people: c.people, ccp: c.ccp, cyl: c.cyl, cyp: c.cyp, statements: c.statements });
  }
  return out;
}
