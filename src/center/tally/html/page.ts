/**
 * The HTML of report.html (issue 10, point 3): one file with its CSS and inline SVG, no script and
 * no URL, so it opens offline in any browser. Both languages are in the page; two radio buttons and
 * CSS sibling selectors show one at a time (zh-CN first), which needs no script. Without CSS both
 * languages show, one after the other.
 */
import { AWK_TOTALS_LINE } from '../../../log/recount.js';
import type { TallyReport } from '../report.js';
import type { Chart } from './charts.js';
import { isoDate, isoWeekMonday } from './charts.js';
import { LANGS, areaName, num, sectorName, text, type Lang, type TextKey } from './strings.js';

/** Text escaped for HTML content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A rendered chart: its id and SVG markup (null: no data to draw). */
export interface RenderedChart {
  readonly id: Chart['id'];
  readonly svg: string | null;
}

const HEADINGS: Record<Chart['id'], TextKey> = {
  cumulative: 'h.cumulative',
  orgs: 'h.orgs',
  areas: 'h.areas',
  provinces: 'h.provinces',
  sectors: 'h.sectors',
};

const CSS = `
:root{--zh:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif;--en:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,var(--zh)}
body{margin:0;color:#1b1b1b;background:#fff;line-height:1.5}
[lang="zh-CN"]{font-family:var(--zh)}[lang="en"]{font-family:var(--en)}
.doc svg text{font-family:inherit}
.lang{position:absolute;opacity:0;pointer-events:none}
.switch{position:sticky;top:0;display:flex;gap:.5rem;justify-content:flex-end;padding:.5rem 1rem;background:#f4f1ec;border-bottom:1px solid #ddd}
.switch label{cursor:pointer;padding:.1rem .6rem;border:1px solid #bbb;border-radius:3px;background:#fff}
#lang-zh-CN:checked~.switch label[for="lang-zh-CN"],#lang-en:checked~.switch label[for="lang-en"]{background:#1f4e79;color:#fff;border-color:#1f4e79}
#lang-zh-CN:focus-visible~.switch label[for="lang-zh-CN"],#lang-en:focus-visible~.switch label[for="lang-en"]{outline:2px solid #1f4e79}
#lang-zh-CN:checked~.doc[lang="en"],#lang-en:checked~.doc[lang="zh-CN"]{display:none}
.doc{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.7rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd}
.big{display:flex;flex-wrap:wrap;gap:1rem 3rem;margin:1rem 0}.big div{font-size:.95rem}.big strong{display:block;font-size:2rem}
.logs{font-size:.85rem;color:#444;word-break:break-all}
figure{margin:.5rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{padding:.2rem .6rem;border-bottom:1px solid #e4e4e4;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.88rem}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all}
@media print{.switch{display:none}.doc{display:block!important;page-break-after:always}}
`;

type Cell = string | number;

/** A table; number cells are right-aligned and grouped by thousands. */
function table(lang: Lang, cols: ReadonlyArray<TextKey>, rows: ReadonlyArray<ReadonlyArray<Cell>>): string {
  const cell = (tag: 'th' | 'td', v: Cell) => (typeof v === 'number' ? `<${tag} class="n">${num(v)}</${tag}>` : `<${tag}>${esc(v)}</${tag}>`);
  const head = cols.map((c, i) => (typeof rows[0]?.[i] === 'number' ? `<th class="n">` : '<th>') + esc(text(lang, c)) + '</th>').join('');
  const body = rows.map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figure(lang: Lang, c: RenderedChart | undefined): string {
  if (!c?.svg) return `<p class="note">${esc(text(lang, 'note.no-data'))}</p>`;
  return `<figure class="chart" data-chart="${c.id}">${c.svg}</figure>`;
}

function section(lang: Lang, key: TextKey, id: string, body: string): string {
  return `<section id="${id}-${lang}">\n<h2>${esc(text(lang, key))}</h2>\n${body}\n</section>`;
}

/** One language's document. */
function doc(lang: Lang, r: TallyReport, charts: readonly RenderedChart[]): string {
  const t = (key: TextKey, params?: Record<string, string | number>) => esc(text(lang, key, params));
  const chart = (id: Chart['id']) => figure(lang, charts.find((c) => c.id === id));
  const note = (key: TextKey, params?: Record<string, string | number>) => `<p class="note">${t(key, params)}</p>`;
  const parts = [
    `<h1>${t('title')}</h1>`,
    `<p>${t('intro', { center: r.center })}</p>`,
    `<div class="big"><div>${t('summary.people')}<strong>${num(r.totals.people)}</strong></div><div>${t('summary.statements')}<strong>${num(r.totals.statements)}</strong></div></div>`,
    `<p class="logs">${t('summary.counted')}: ${t('summary.size-root', { size: num(r.counted.size), root: r.counted.root })}<br>${t('summary.received')}: ${t('summary.size-root', { size: num(r.received.size), root: r.received.root })}</p>`,
    section(lang, HEADINGS.cumulative, 'cumulative', [
      chart('cumulative'),
      `<h3>${t('h.milestones')}</h3>`,
      note('note.milestones', { step: num(r.milestoneStep) }),
      table(lang, ['col.milestone', 'col.week', 'col.monday'], r.milestones.map((m) => [m.people, m.week, isoDate(isoWeekMonday(m.week))])),
    ].join('\n')),
    section(lang, HEADINGS.orgs, 'orgs', [
      chart('orgs'),
      table(lang, ['col.org', 'col.people'], (['CCP', 'CYL', 'CYP'] as const).map((o) => [`${text(lang, `org.${o}`)} (${o})`, r.orgs[o]])),
      note('note.orgs'),
    ].join('\n')),
    section(lang, HEADINGS.areas, 'areas', [
      chart('areas'),
      table(lang, ['col.area', 'col.people'], (['mainland', 'HK', 'MO', 'TW', 'abroad'] as const).map((a) => [areaName(lang, a), r.areas[a]])),
    ].join('\n')),
    section(lang, HEADINGS.provinces, 'provinces', chart('provinces')),
    section(lang, 'h.regions', 'regions', table(
      lang,
      ['col.code', 'col.name-zh', 'col.name-en', 'col.area', 'col.people', 'col.statements'],
      r.regions.map((x) => [x.code, x.zh, x.en, areaName(lang, x.area), x.people, x.statements]),
    )),
    section(lang, HEADINGS.sectors, 'sectors', [
      chart('sectors'),
      table(lang, ['col.sector', 'col.people'], r.sectors.map((s) => [`${sectorName(lang, s.sector)} (${s.sector})`, s.people])),
      note('note.sectors'),
    ].join('\n')),
    section(lang, 'h.rejected', 'rejected', [
      table(lang, ['col.reason', 'col.envelopes'], (['duplicate', 'invalid', 'undecryptable'] as const).map((k) => [`${text(lang, `rejected.${k}`)} (${k})`, r.rejected[k]])),
      note('note.rejected'),
    ].join('\n')),
    section(lang, 'h.weekly', 'weekly', `<details><summary>${t('h.weekly')} (${num(r.weekly.length)})</summary>\n${table(
      lang,
      ['col.week', 'col.monday', 'col.people', 'col.statements', 'col.cumulative'],
      r.weekly.map((w) => [w.week, isoDate(isoWeekMonday(w.week)), w.people, w.statements, w.cumulativePeople]),
    )}\n</details>`),
    section(lang, 'h.recount', 'recount', [
      `<p>${t('recount.files')}</p>`,
      `<p>${t('recount.sealpost')}</p>`,
      '<pre><code>sealpost recount .</code></pre>',
      `<p>${t('recount.awk')}</p>`,
      `<pre><code>${esc(AWK_TOTALS_LINE)}</code></pre>`,
      `<p>${t('recount.own')}</p>`,
    ].join('\n')),
  ];
  return `<article class="doc" lang="${lang}">\n${parts.join('\n')}\n</article>`;
}

/** The whole page, from the report and each language's rendered charts. */
export function page(r: TallyReport, charts: Readonly<Record<Lang, readonly RenderedChart[]>>): string {
  const radios = LANGS.map((l, i) => `<input class="lang" type="radio" name="lang" id="lang-${l}"${i === 0 ? ' checked' : ''}>`).join('\n');
  const labels = LANGS.map((l) => `<label for="lang-${l}" lang="${l}">${l === 'en' ? 'English' : '中文'}</label>`).join('');
  const title = LANGS.map((l) => text(l, 'title')).join(' · ');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${radios}
<nav class="switch" aria-label="${esc(LANGS.map((l) => text(l, 'switch.label')).join(' / '))}">${labels}</nav>
${LANGS.map((l) => doc(l, r, charts[l])).join('\n')}
</body>
</html>
`;
}
