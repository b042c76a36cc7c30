/**
 * Issue 10, point 3: report.html from a tally.json-shaped report. The page is well-formed, has one
 * SVG with marks per chart in each language, both languages' headings, no script and no URL, every
 * figure, and how to recount; a broken chart spec fails instead of shipping an empty chart.
 * (tests/interop/report-browser.test.ts opens it in Chromium.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTally } from '../../src/center/tally/run.js';
import { fill, makeDataFolder, newLedger } from './fixture.js';
import { reportHtml, renderChart } from '../../src/center/tally/html/index.js';
import { charts, isoWeekMonday, isoDate } from '../../src/center/tally/html/charts.js';
import { estimateTextWidth } from '../../src/center/tally/html/render.js';
import { LANGS, num, sectorName, text, type TextKey } from '../../src/center/tally/html/strings.js';
import { AWK_TOTALS_LINE } from '../../src/log/recount.js';
import { SECTORS } from '../../src/statement/types.js';
import { values } from '../../src/cli/catalog/values.js';
import type { TallyReport } from '../../src/center/tally/report.js';
import { SAMPLE } from './report-sample.js';

const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link', 'wbr']);

/** Checks that every tag is closed in order (HTML void elements and `/>` aside); returns the problem or null. */
function unbalanced(html: string): string | null {
  const stack: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>/, '');
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) return `stray < or > before offset ${m.index}: ${JSON.stringify(between.slice(0, 80))}`;
    last = m.index + m[0].length;
    const [, close, name, , self] = m;
    const n = name!.toLowerCase();
    if (self || (VOID.has(n) && !close)) continue;
    if (!close) stack.push(n);
    else if (stack.pop() !== n) return `</${n}> at offset ${m.index} closes nothing open`;
  }
  if (/[<>]/.test(body.slice(last))) return 'stray < or > at the end';
  return stack.length ? `unclosed: ${stack.join(' ')}` : null;
}

/** The SVG markup of each chart figure, by language and chart id. */
function figures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const article of html.matchAll(/<article class="doc" lang="([^"]+)">([\s\S]*?)<\/article>/g)) {
    for (const f of article[2]!.matchAll(/<figure class="chart" data-chart="(\w+)">([\s\S]*?)<\/figure>/g)) out.set(`${article[1]}/${f[1]}`, f[2]!);
  }
  return out;
}

let html: string;
beforeAll(async () => {
  html = await reportHtml(SAMPLE);
}, 60_000);

describe('report.html', () => {
  it('is well-formed HTML with a doctype, a charset and a language switch that needs no script', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(unbalanced(html)).toBeNull();
    expect(html.match(/<input class="lang" type="radio" name="lang" id="lang-(zh-CN|en)"/g)).toHaveLength(2);
    expect(html).toMatch(/#lang-zh-CN:checked~\.doc\[lang="en"\],#lang-en:checked~\.doc\[lang="zh-CN"\]\{display:none\}/);
  });

  it('has one SVG with marks per chart in each language', () => {
    const f = figures(html);
    expect([...f.keys()].sort()).toEqual(LANGS.flatMap((l) => ['areas', 'cumulative', 'orgs', 'provinces', 'sectors'].map((c) => `${l}/${c}`)).sort());
    for (const [key, svg] of f) {
      expect(svg.match(/<svg[\s>]/g), key).toHaveLength(1);
      expect(svg, key).toMatch(/class="mark-(rect|line|symbol)[^"]*"[^>]*>\s*<path/);
    }
    // The bars carry their numbers; the curve its milestone labels.
    expect(f.get('en/orgs')).toContain('>7,421</text>');
    expect(f.get('zh-CN/provinces')).toContain('>北京市</text>');
    expect(f.get('en/provinces')).toContain('>Beijing</text>');
    expect(f.get('en/cumulative')).toContain('>10,000</text>');
    expect(f.get('zh-CN/sectors')).toContain('>政府机关</text>');
  });

  it('has every heading in both languages', () => {
    const keys: TextKey[] = ['title', 'h.cumulative', 'h.orgs', 'h.areas', 'h.provinces', 'h.sectors', 'h.regions', 'h.milestones', 'h.rejected', 'h.weekly', 'h.recount'];
    for (const lang of LANGS) {
      const article = html.match(new RegExp(`<article class="doc" lang="${lang}">([\\s\\S]*?)</article>`))![1]!;
      for (const k of keys) expect(article, `${lang} ${k}`).toMatch(new RegExp(`<h[123]>${text(lang, k).replaceAll('(', '\\(').replaceAll(')', '\\)')}</h[123]>`));
    }
  });

  it('loads nothing: no script, no URL, no external resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href|action|srcset)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed|<img/i);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it('shows every figure of the report', () => {
    const r = SAMPLE;
    for (const n of [r.orgs.CCP, r.orgs.CYL, r.orgs.CYP, ...Object.values(r.areas), ...Object.values(r.rejected)]) {
      expect(html, String(n)).toContain(`<td class="n">${num(n)}</td>`);
    }
    for (const x of r.regions) expect(html).toContain(`<tr><td>${x.code}</td><td>${x.zh}</td><td>${x.en.replaceAll("'", '&#39;')}</td>`);
    for (const x of r.regions) expect(html).toContain(`<td class="n">${num(x.people)}</td><td class="n">${num(x.statements)}</td></tr>`);
    for (const s of r.sectors) expect(html).toContain(`<td class="n">${num(s.people)}</td>`);
    for (const m of r.milestones) expect(html).toContain(`<tr><td class="n">${num(m.people)}</td><td>${m.week}</td><td>${isoDate(isoWeekMonday(m.week))}</td></tr>`);
    for (const w of r.weekly) expect(html).toContain(`<td>${w.week}</td>`);
    expect(html).toContain(`<strong>${num(r.totals.people)}</strong>`);
    expect(html).toContain(`<strong>${num(r.totals.statements)}</strong>`);
    expect(html).toContain(r.counted.root);
    expect(html).toContain(r.received.root);
  });

  it('says how to recount: sealpost recount and the awk line of src/log/recount.ts', () => {
    const escaped = AWK_TOTALS_LINE.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    expect(html.split(`<pre><code>${escaped}</code></pre>`)).toHaveLength(3);
    expect(html.split('<pre><code>sealpost recount .</code></pre>')).toHaveLength(3);
  });

  it('is the same bytes for the same report (a resumed tally rewrites the same file)', async () => {
    expect(await reportHtml(SAMPLE)).toBe(html);
  });

  it('escapes the center name', async () => {
    const page = await reportHtml({ ...SAMPLE, center: 'x<script>"&' });
    expect(page).not.toContain('<script>');
    expect(page).toContain('x&#60;script&#62;&#34;&#38;');
  });

  it('says "no data" instead of drawing an empty chart', async () => {
    const empty: TallyReport = {
      ...SAMPLE,
      totals: { statements: 0, people: 0 },
      orgs: { CCP: 0, CYL: 0, CYP: 0 },
      areas: { mainland: 0, HK: 0, MO: 0, TW: 0, abroad: 0 },
      regions: [],
      sectors: [],
      milestones: [],
      weekly: [],
    };
    const page = await reportHtml(empty);
    expect(page).not.toContain('<svg');
    expect(page.split(`<p class="note">${text('en', 'note.no-data')}</p>`)).toHaveLength(6);
    expect(unbalanced(page)).toBeNull();
  });
});

describe('report charts', () => {
  it('a broken spec fails: an unknown mark, an unknown field type, an unknown scale type', async () => {
    const good = charts('en', SAMPLE).find((c) => c.id === 'orgs')!.spec!;
    await expect(renderChart(good)).resolves.toMatch(/^<svg /);
    await expect(renderChart({ ...good, layer: undefined, mark: 'bogus' } as never)).rejects.toThrow(/report chart failed/);
    await expect(renderChart({ data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nonsense' } } } as never)).rejects.toThrow(/report chart failed/);
    await expect(renderChart({ data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'nope' } } } } as never)).rejects.toThrow(
      /report chart failed/,
    );
  });

  it('ISO weeks start on their Monday (ISO 8601: week 1 holds 4 January)', () => {
    expect(isoDate(isoWeekMonday('2005-W16'))).toBe('2005-04-18');
    expect(isoDate(isoWeekMonday('2005-W01'))).toBe('2005-01-03');
    expect(isoDate(isoWeekMonday('2009-W53'))).toBe('2009-12-28');
    expect(isoDate(isoWeekMonday('2026-W01'))).toBe('2025-12-29');
  });

  it('measures Chinese text wider than Latin text of the same length (no canvas package)', () => {
    expect(estimateTextWidth('黑龙江省', 11)).toBe(44);
    expect(estimateTextWidth('Heil', 11)).toBeLessThan(30);
  });

  it('names sectors and organisations as the CLI catalog does', () => {
    const en = values.en as Record<string, string>;
    const zh = values['zh-CN'] as Record<string, string>;
    for (const s of SECTORS) {
      expect(sectorName('en', s).toLowerCase()).toBe(en[`value.sector.${s}`]!.toLowerCase());
      expect(sectorName('zh-CN', s)).toBe(zh[`value.sector.${s}`]);
    }
    for (const o of ['CCP', 'CYL', 'CYP'] as const) {
      expect(text('en', `org.${o}`)).toBe(en[`value.org.${o}`]);
      expect(text('zh-CN', `org.${o}`)).toBe(zh[`value.org.${o}`]);
    }
  });
});

describe('sealpost tally', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('writes report.html into --out from the same report as tally.json', async () => {
    const f = await makeDataFolder();
    cleanup.push(async () => {
      await f.store.close();
      await rm(f.dir, { recursive: true, force: true });
    });
    await fill(f, 3, 60, newLedger());
    const out = join(f.dir, 'out');
    await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: out, threads: 0, today: '2026-11-30', milestoneStep: 20 });
    const report = JSON.parse(await readFile(join(out, 'tally.json'), 'utf8')) as TallyReport;
    const page = await readFile(join(out, 'report.html'), 'utf8');
    expect(page).toBe(await reportHtml(report));
    expect(page).toContain(`<strong>${num(report.totals.people)}</strong>`);
    expect(report.milestones.length).toBeGreaterThan(0);
  }, 60_000);
});
