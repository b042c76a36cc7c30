/**
 * What a correct tally of a `bench/gen` dataset finds (issue 10 acceptance), accumulated from the
 * plan as it streams: the note's figures (spec 8: totals, organisations, regions, published
 * sectors after suppression, milestones), the areas, every sector before suppression and the
 * private figures (real names, channels), and the rejected envelopes by reason.
 */
import { isoWeek } from '../src/statement/counted.js';
import { byteOrder } from '../src/log/counted.js';
import { REPORT_PEOPLE } from './gen-data.js';
import { curveDay, type BadCounts, type GenTargets } from './gen-plan.js';
import type { PlanItem } from './gen-seal.js';

/** Spec 8: a sector is published when at least this many entries of a batch share region, sector and week. */
const CELL_MIN = 10;

/** The expected figures (written as JSON beside the dataset). */
export interface Expected {
  readonly v: 1;
  readonly seed: string;
  readonly targets: GenTargets;
  readonly bad: BadCounts;
  /** Envelopes in the received log. */
  readonly received: number;
  readonly statements: number;
  readonly people: number;
  readonly orgs: { CCP: number; CYL: number; CYP: number };
  readonly areas: { mainland: number; HK: number; MO: number; TW: number; abroad: number };
  /** People and statements per region code, codes in byte order. */
  readonly regions: Record<string, { people: number; statements: number }>;
  /** People per sector before suppression (the private report's). */
  readonly sectors: Record<string, number>;
  /** People per sector in the published (not suppressed) cells: the note's `sector` lines. */
  readonly publishedSectors: Record<string, number>;
  /** The cells that reach spec 8's threshold. */
  readonly publishedCells: Array<{ region: string; sector: string; week: string; statements: number; people: number }>;
  /** People per ISO week, ascending. */
  readonly weeks: Array<[string, number]>;
  readonly milestoneStep: number;
  /** The note's milestone lines: `[k x step, week]`. */
  readonly milestones: Array<[number, string]>;
  /** The weeks in which the report's curve, scaled, crosses each milestone (what the generator aimed at). */
  readonly plannedMilestones: Array<[number, string]>;
  readonly rejected: { duplicate: number; invalid: number; undecryptable: number };
  /** Rejected envelopes by `<reason>:<check>`, as the tally's private `rejected-details.csv` names them. */
  readonly details: Record<string, number>;
  readonly names: { real: number; alias: number };
  readonly channels: Record<string, number>;
  /** Groups split over several envelopes. */
  readonly splitGroups: number;
}

const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
const sortedObject = <V>(m: Map<string, V>) => Object.fromEntries([...m].sort((a, b) => byteOrder(a[0], b[0])));

/** The milestones of a weekly series: the first week whose running total reaches each k x step. */
export function milestonesOf(weeks: ReadonlyArray<readonly [string, number]>, step: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let running = 0;
  for (const [week, n] of weeks) {
    running += n;
    while ((out.length + 1) * step <= running) out.push([(out.length + 1) * step, week]);
  }
  return out;
}

/** Why the tally rejects a bad planned envelope (spec 3's order; src/center/tally/open.ts names the check). */
function rejection(it: PlanItem): ['duplicate' | 'invalid' | 'undecryptable', string] {
  const v = it.variant ?? 0;
  if (it.kind === 'corrupt') return ['undecryptable', v === 3 ? 'bad-version' : v === 4 ? 'bad-length' : 'box'];
  if (it.kind === 'other-key') return ['undecryptable', 'box'];
  if (it.kind === 'invalid') return ['invalid', ['bad-json', 'invalid-statement:people[0].orgs[0]', 'bad-padding', 'bad-length-prefix', 'invalid-statement:date'][v]!];
  return ['duplicate', 'id'];
}

/** Accumulates {@link Expected} from the planned items. */
export class ExpectedTally {
  #received = 0;
  #statements = 0;
  #people = 0;
  readonly #orgs = { CCP: 0, CYL: 0, CYP: 0 };
  readonly #areas = { mainland: 0, HK: 0, MO: 0, TW: 0, abroad: 0 };
  readonly #regions = new Map<string, { people: number; statements: number }>();
  readonly #sectors = new Map<string, number>();
  readonly #cells = new Map<string, { statements: number; people: number }>();
  readonly #weeks = new Map<string, number>();
  readonly #rejected = { duplicate: 0, invalid: 0, undecryptable: 0 };
  readonly #names = { real: 0, alias: 0 };
  readonly #channels = new Map<string, number>();
  readonly #groups = new Set<number>();
  readonly #details = new Map<string, number>();

  /** Counts one planned envelope. */
  add(it: PlanItem): void {
    this.#received++;
    if (it.kind !== 'good') {
      const [reason, check] = rejection(it);
      this.#rejected[reason]++;
      return void add(this.#details, `${reason}:${check}`, 1);
    }
    const n = it.masks.length;
    this.#statements++;
    this.#people += n;
    for (const m of it.masks) {
      this.#orgs.CCP += m & 1;
      this.#orgs.CYL += (m >> 1) & 1;
      this.#orgs.CYP += (m >> 2) & 1;
      if (m & 8) this.#names.real++;
      else this.#names.alias++;
    }
    const area = it.region.startsWith('CN-') ? 'mainland' : it.region === 'HK' || it.region === 'MO' || it.region === 'TW' ? it.region : 'abroad';
    this.#areas[area] += n;
    const r = this.#regions.get(it.region) ?? { people: 0, statements: 0 };
    r.people += n;
    r.statements++;
    this.#regions.set(it.region, r);
    const week = isoWeek(it.date);
    add(this.#weeks, week, n);
    add(this.#channels, it.channel, n);
    if (it.group) this.#groups.add(it.group.g);
    if (it.sector) {
      add(this.#sectors, it.sector, n);
      const key = `${it.region} ${it.sector} ${week}`;
      const c = this.#cells.get(key) ?? { statements: 0, people: 0 };
      c.statements++;
      c.people += n;
      this.#cells.set(key, c);
    }
  }

  /** The figures, milestones at `step` people. */
  result(seed: string, targets: GenTargets, bad: BadCounts, step: number): Expected {
    const publishedCells = [...this.#cells]
      .filter(([, c]) => c.statements >= CELL_MIN)
      .map(([k, c]) => {
        const [region, sector, week] = k.split(' ') as [string, string, string];
        return { region, sector, week, ...c };
      })
      .sort((a, b) => byteOrder(a.region, b.region) || byteOrder(a.sector, b.sector) || byteOrder(a.week, b.week));
    const published = new Map<string, number>();
    for (const c of publishedCells) add(published, c.sector, c.people);
    const weeks = [...this.#weeks].sort((a, b) => byteOrder(a[0], b[0]));
    const planned: Array<[number, string]> = [];
    for (let k = step; k <= targets.people; k += step) {
      const day = curveDay((k / targets.people) * REPORT_PEOPLE);
      planned.push([k, isoWeek(new Date(Math.floor(day) * 86_400_000).toISOString().slice(0, 10))]);
    }
    return {
      v: 1,
      seed,
      targets,
      bad,
      received: this.#received,
      statements: this.#statements,
      people: this.#people,
      orgs: { ...this.#orgs },
      areas: { ...this.#areas },
      regions: sortedObject(this.#regions),
      sectors: sortedObject(this.#sectors),
      publishedSectors: sortedObject(published),
      publishedCells,
      weeks,
      milestoneStep: step,
      milestones: milestonesOf(weeks, step),
      plannedMilestones: planned,
      rejected: { ...this.#rejected },
      details: sortedObject(this.#details),
      names: { ...this.#names },
      channels: sortedObject(this.#channels),
      splitGroups: this.#groups.size,
    };
  }
}
