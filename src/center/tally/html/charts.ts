/**
 * The report's charts as Vega-Lite specs, one set per language (issue 10, point 3): the cumulative
 * curve of people by week with the milestones, organisations, mainland China against Hong Kong,
 * Macau, Taiwan and abroad, provinces, and the published sectors. Pure: data in, spec out; every
 * spec is deterministic (UTC time scales, data sorted here), so a resumed tally writes the same file.
 */
import type { TallyReport } from '../report.js';
import type { ChartSpec } from './render.js';
import { areaName, num, sectorName, text, type Lang } from './strings.js';

/** A chart of the report: its id (an HTML id and the test's handle), heading key and spec; null spec: no data. */
export interface Chart {
  readonly id: 'cumulative' | 'orgs' | 'areas' | 'provinces' | 'sectors';
  readonly spec: ChartSpec | null;
}

/** Milliseconds (UTC) of the Monday of an ISO week `YYYY-Www` (ISO 8601: week 1 holds 4 January). */
export function isoWeekMonday(week: string): number {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return jan4 - weekday * 86_400_000 + (Number(m[2]) - 1) * 7 * 86_400_000;
}

/** `YYYY-MM-DD` of a UTC time. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// Axis text at 12 px: Chinese at Vega's default 10 px is hard to read. The font family is the page's (CSS).
const CONFIG = { axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', titlePadding: 8 }, view: { stroke: null } };
const BAR = '#b03a2e';
const LINE = '#1f4e79';
const MARK = '#c0392b';

/** Horizontal bars with their numbers beside them, in the order given. */
function bars(lang: Lang, description: string, rows: ReadonlyArray<{ label: string; value: number }>, width = 420): ChartSpec {
  const values = rows.map((r) => ({ label: r.label, value: r.value, shown: num(r.value) }));
  const y = { field: 'label', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 260, ticks: false } };
  const x = { field: 'value', type: 'quantitative' as const, title: text(lang, 'axis.people'), axis: { format: ',d', tickMinStep: 1 } };
  return {
    description,
    config: CONFIG,
    width,
    height: { step: 22 },
    data: { values },
    encoding: { y, x },
    layer: [
      { mark: { type: 'bar', color: BAR } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 12 }, encoding: { text: { field: 'shown', type: 'nominal' } } },
    ],
  } as ChartSpec;
}

function cumulative(lang: Lang, r: TallyReport): ChartSpec | null {
  if (r.weekly.length === 0) return null;
  const weekly = r.weekly.map((w) => ({ t: isoWeekMonday(w.week), week: w.week, people: w.cumulativePeople }));
  // A milestone's mark sits on the curve at the week it was crossed (the running total of that week).
  const reached = new Map(r.weekly.map((w) => [w.week, w.cumulativePeople]));
  const milestones = r.milestones.map((m) => ({ t: isoWeekMonday(m.week), week: m.week, people: reached.get(m.week) ?? m.people, label: num(m.people) }));
  const x = {
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const },
    title: text(lang, 'axis.date'),
    // Ticks on the weeks' Mondays (Vega's own week interval starts on Sunday), at most about 12 of them.
    axis: { format: '%Y-%m-%d', labelAngle: -30, labelOverlap: true, values: weekly.filter((_, i) => i % Math.ceil(weekly.length / 12) === 0).map((w) => w.t) },
  };
  const y = { field: 'people', type: 'quantitative' as const, title: text(lang, 'axis.cumulative'), axis: { format: ',d' } };
  const layer: unknown[] = [
    { data: { values: weekly }, mark: { type: 'line', color: LINE, point: { size: 14, color: LINE } }, encoding: { x, y } },
  ];
  if (milestones.length > 0) {
    layer.push(
      { data: { values: milestones }, mark: { type: 'rule', color: MARK, strokeDash: [3, 3], opacity: 0.6 }, encoding: { x } },
      { data: { values: milestones }, mark: { type: 'point', shape: 'diamond', filled: true, size: 60, color: MARK }, encoding: { x, y } },
      {
        data: { values: milestones },
        mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -4, fontSize: 11, color: MARK },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    );
  }
  return { description: text(lang, 'h.cumulative'), config: CONFIG, width: 640, height: 300, layer } as ChartSpec;
}

/** Descending by number, then by label, so equal numbers keep a stable order. */
function ranked<T extends { label: string; value: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** The five charts of the report in `lang`. */
export function charts(lang: Lang, r: TallyReport): Chart[] {
  const orgs = (['CCP', 'CYL', 'CYP'] as const).map((o) => ({ label: text(lang, `org.${o}`), value: r.orgs[o] }));
  const areas = (['mainland', 'HK', 'MO', 'TW', 'abroad'] as const).map((a) => ({ label: areaName(lang, a), value: r.areas[a] }));
  const provinces = ranked(r.regions.filter((x) => x.area === 'mainland').map((x) => ({ label: lang === 'en' ? x.en : x.zh, value: x.people })));
  const sectors = ranked(r.sectors.map((s) => ({ label: sectorName(lang, s.sector), value: s.people })));
  return [
    { id: 'cumulative', spec: cumulative(lang, r) },
    { id: 'orgs', spec: r.totals.people > 0 ? bars(lang, text(lang, 'h.orgs'), orgs) : null },
    { id: 'areas', spec: r.totals.people > 0 ? bars(lang, text(lang, 'h.areas'), areas) : null },
    { id: 'provinces', spec: provinces.length > 0 ? bars(lang, text(lang, 'h.provinces'), provinces) : null },
    { id: 'sectors', spec: sectors.length > 0 ? bars(lang, text(lang, 'h.sectors'), sectors) : null },
  ];
}
