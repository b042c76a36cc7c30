/**
 * The tally's public report (issue 10, point 2): `tally.json` and CSV tables, every figure
 * computed from the counted entries (so anyone can recompute it), plus the rejected counts and the
 * received log's size and root of the note.
 */
import { countedFigures, type TallyNote } from '../../log/counted.js';
import type { CountedFields } from '../../statement/counted.js';
import { countryName, provinceName } from '../../statement/regions.js';

/** Mainland China, Hong Kong, Macau, Taiwan, abroad (issue 10: the invariant's five parts). */
export type Area = 'mainland' | 'HK' | 'MO' | 'TW' | 'abroad';

/** The area of a counted entry's region code. */
export function areaOf(region: string): Area {
  if (region.startsWith('CN-')) return 'mainland';
  return region === 'HK' || region === 'MO' || region === 'TW' ? region : 'abroad';
}

/** A region's names: a province by its GB/T 2260 code, a country or territory by ISO 3166-1. */
export function regionNames(region: string): { zh: string; en: string } {
  const code = region.startsWith('CN-') ? region.slice(3) : region;
  const name = region.startsWith('CN-') ? provinceName : countryName;
  return { zh: name(code, 'zh-CN') ?? region, en: name(code, 'en') ?? region };
}

/** `tally.json` (version 1). */
export interface TallyReport {
  readonly v: 1;
  readonly center: string;
  readonly counted: { readonly size: number; readonly root: string };
  readonly received: { readonly size: number; readonly root: string };
  readonly totals: { readonly statements: number; readonly people: number };
  readonly orgs: { readonly CCP: number; readonly CYL: number; readonly CYP: number };
  readonly areas: Readonly<Record<Area, number>>;
  readonly regions: ReadonlyArray<{ code: string; area: Area; zh: string; en: string; people: number; statements: number }>;
  /** Published sectors only (spec 8 suppression); people. */
  readonly sectors: ReadonlyArray<{ sector: string; people: number }>;
  readonly rejected: { readonly duplicate: number; readonly invalid: number; readonly undecryptable: number };
  readonly milestoneStep: number;
  readonly milestones: ReadonlyArray<{ people: number; week: string }>;
  /** Per ISO week: people and statements that week, and the running totals. */
  readonly weekly: ReadonlyArray<{ week: string; people: number; statements: number; cumulativePeople: number; cumulativeStatements: number }>;
}

/** An entry of the counted log, or the sums of `statements` entries of the same fields. */
export type ReportEntry = CountedFields & { readonly statements?: number };

/** The report of a tally note's figures and its counted entries. */
export function buildReport(note: Omit<TallyNote, 'weeks'>, entries: readonly ReportEntry[]): TallyReport {
  const f = countedFigures(entries, note.milestoneStep);
  const statementsBy = (key: (e: ReportEntry) => string) => {
    const m = new Map<string, number>();
    for (const e of entries) m.set(key(e), (m.get(key(e)) ?? 0) + (e.statements ?? 1));
    return m;
  };
  const regionStatements = statementsBy((e) => e.region);
  const weekStatements = statementsBy((e) => e.week);
  const areas: Record<Area, number> = { mainland: 0, HK: 0, MO: 0, TW: 0, abroad: 0 };
  for (const [code, n] of f.regions) areas[areaOf(code)] += n;
  let cp = 0;
  let cs = 0;
  return {
    v: 1,
    center: note.center,
    counted: note.counted,
    received: note.received,
    totals: { statements: f.statements, people: f.people },
    orgs: f.orgs,
    areas,
    regions: f.regions.map(([code, people]) => ({ code, area: areaOf(code), ...regionNames(code), people, statements: regionStatements.get(code) ?? 0 })),
    sectors: f.sectors.map(([sector, people]) => ({ sector, people })),
    rejected: note.rejected,
    milestoneStep: note.milestoneStep,
    milestones: f.milestones.map(([people, week]) => ({ people, week })),
    weekly: f.weeks.map(([week, people]) => {
      const statements = weekStatements.get(week) ?? 0;
      cp += people;
      cs += statements;
      return { week, people, statements, cumulativePeople: cp, cumulativeStatements: cs };
    }),
  };
}

/** RFC 4180 CSV: a header row, then the rows; fields quoted when they need it. */
export function csv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const field = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => `${r.map(field).join(',')}\r\n`).join('');
}

/** The public CSV tables of a report, by file name. */
export function reportTables(r: TallyReport): Record<string, string> {
  return {
    'orgs.csv': csv(['org', 'people'], (['CCP', 'CYL', 'CYP'] as const).map((o) => [o, r.orgs[o]])),
    'areas.csv': csv(['area', 'people'], Object.entries(r.areas)),
    'regions.csv': csv(['code', 'area', 'name_zh', 'name_en', 'people', 'statements'], r.regions.map((x) => [x.code, x.area, x.zh, x.en, x.people, x.statements])),
    'sectors.csv': csv(['sector', 'people'], r.sectors.map((x) => [x.sector, x.people])),
    'weekly.csv': csv(
      ['week', 'people', 'statements', 'cumulative_people', 'cumulative_statements'],
      r.weekly.map((x) => [x.week, x.people, x.statements, x.cumulativePeople, x.cumulativeStatements]),
    ),
    'milestones.csv': csv(['people', 'week'], r.milestones.map((x) => [x.people, x.week])),
    'rejected.csv': csv(['reason', 'envelopes'], Object.entries(r.rejected)),
  };
}

/**
 * The invariants every run checks (issue 10, point 2). Throws Error naming the first that fails:
 * a failure is a bug of the tally, never the data's.
 */
export function checkInvariants(r: TallyReport): void {
  // A failed invariant is a bug of the tally (exit 5, English like every internal error), not a reason to translate.
  const broken = (what: string) => {
    throw new Error(`tally invariant failed: ${what}`);
  };
  const areaSum = Object.values(r.areas).reduce((a, b) => a + b, 0);
  if (areaSum !== r.totals.people) broken(`mainland + HK + MO + TW + abroad = ${areaSum}, total people ${r.totals.people}`);
  const rejected = r.rejected.duplicate + r.rejected.invalid + r.rejected.undecryptable;
  if (r.totals.statements + rejected !== r.received.size) broken(`statements ${r.totals.statements} + rejected ${rejected} != received ${r.received.size}`);
  if (r.totals.statements !== r.counted.size) broken(`statements ${r.totals.statements} != counted log size ${r.counted.size}`);
  for (const o of ['CCP', 'CYL', 'CYP'] as const) if (r.orgs[o] > r.totals.people) broken(`org ${o} ${r.orgs[o]} > people ${r.totals.people}`);
  const regionSum = r.regions.reduce((a, x) => a + x.people, 0);
  if (regionSum !== r.totals.people) broken(`regions sum to ${regionSum}, total people ${r.totals.people}`);
}
