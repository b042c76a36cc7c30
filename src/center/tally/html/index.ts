/**
 * report.html, the tally's public report for people (issue 10, point 3): the figures of tally.json
 * as charts and tables in zh-CN and English, with how to recount them, in one self-contained file.
 */
import type { TallyReport } from '../report.js';
import { charts } from './charts.js';
import { page, type RenderedChart } from './page.js';
import { renderChart } from './render.js';
import { LANGS, type Lang } from './strings.js';

export { loadCharts, renderChart } from './render.js';

/**
 * The HTML of report.html for a report. Deterministic: the same report gives the same bytes.
 * @throws InputError `center-deps-missing` when vega or vega-lite is not installed; Error when a
 * chart fails to render.
 */
export async function reportHtml(r: TallyReport, rendered?: ReportCharts): Promise<string> {
  return page(r, rendered ?? (await reportCharts(r)));
}

/** The charts of report.html in both languages (they show figures, not the logs' roots). */
export type ReportCharts = Record<Lang, RenderedChart[]>;

/**
 * The rendered charts of a report: the slow part of report.html, which the tally draws while the
 * counted log is hashed (the charts use the figures only, never the roots).
 */
export async function reportCharts(r: TallyReport): Promise<ReportCharts> {
  const rendered = {} as ReportCharts;
  // One chart at a time: vega's text-width hook is global, and the charts are small.
  for (const lang of LANGS) {
    rendered[lang] = [];
    for (const c of charts(lang, r)) rendered[lang].push({ id: c.id, svg: c.spec ? await renderChart(c.spec) : null });
  }
  return rendered;
}
