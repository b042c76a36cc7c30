/**
 * Interop (issue 10, acceptance): the report.html that `tally` writes opens in Debian's headless
 * Chromium, driven by playwright-core, offline and with JavaScript off, with every chart rendered
 * and Chinese drawn with a CJK font (fonts-noto-cjk), in both languages; a screenshot of each is
 * kept in artifacts/. `.ci/run` installs chromium and fonts-noto-cjk with apt-get; the suite fails
 * in CI when the browser is missing and skips elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runTally } from '../../src/center/tally/run.js';
import { fill, makeDataFolder, newLedger, type DataFolder } from '../tally/fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('artifacts');
const CHARTS = ['cumulative', 'orgs', 'areas', 'provinces', 'sectors'];

if (!existsSync(CHROMIUM) && process.env.CI) throw new Error(`${CHROMIUM} missing (see .ci/run: apt-get install chromium fonts-noto-cjk)`);

let f: DataFolder;
let profile: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  f = await makeDataFolder();
  await fill(f, 7, 200, newLedger());
  await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: join(f.dir, 'out'), threads: 0, today: '2026-11-30', milestoneStep: 50 });
  profile = await mkdtemp(join(tmpdir(), 'sealpost-chromium-'));
  // A fresh profile each run; playwright passes it as --user-data-dir (launch() may not take that flag).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    javaScriptEnabled: false,
    viewport: { width: 1000, height: 900 },
    offline: true,
  });
  // Anything but the file itself would be a resource fetched at view time.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(pathToFileURL(join(f.dir, 'out', 'report.html')).href);
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await f?.store.close();
  if (f) await rm(f.dir, { recursive: true, force: true });
});

interface Visible {
  langs: string[];
  charts: Array<{ id: string; width: number; height: number; marks: number }>;
}

/**
 * The charts of the visible article: size of each SVG and number of drawn marks (items of Vega's
 * mark containers with a non-empty box). Page code as a string: the tests compile without the DOM lib.
 */
const VISIBLE_CHARTS = `(() => {
  const docs = [...document.querySelectorAll('article.doc')].filter((a) => getComputedStyle(a).display !== 'none');
  return {
    langs: docs.map((d) => d.getAttribute('lang')),
    charts: docs.flatMap((d) => [...d.querySelectorAll('figure.chart')].map((fig) => {
      const svg = fig.querySelector('svg');
      const box = svg.getBoundingClientRect();
      const marks = [...svg.querySelectorAll('.role-mark > *')].filter((m) => {
        const b = m.getBBox();
        return b.width > 0 || b.height > 0;
      });
      return { id: fig.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length };
    })),
  };
})()`;

const visibleCharts = (p: Page) => p.evaluate(VISIBLE_CHARTS) as Promise<Visible>;

/** The platform fonts Chromium used for the text of the first node matching `selector`, with glyph counts. */
async function fontsOf(p: Page, selector: string): Promise<Array<{ familyName: string; glyphCount: number }>> {
  const cdp = await p.context().newCDPSession(p);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    expect(nodeId, selector).toBeGreaterThan(0);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts;
  } finally {
    await cdp.detach();
  }
}

async function shoot(lang: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `report-${lang}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`report.html screenshot (${lang}): ${path}`);
}

describe.skipIf(!existsSync(CHROMIUM))('report.html in Debian chromium', () => {
  it('opens in Chinese first, every chart drawn, Chinese in a CJK font, nothing fetched', async () => {
    const v = await visibleCharts(page);
    expect(v.langs).toEqual(['zh-CN']);
    expect(v.charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of v.charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(40);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    // Drawn with real glyphs of a CJK font, not tofu: every character of the heading found a glyph in it.
    const h1 = await fontsOf(page, 'article.doc[lang="zh-CN"] h1');
    const cjk = h1.filter((x) => /CJK|Han|Hei|Song|Ming/i.test(x.familyName));
    expect(cjk.length, JSON.stringify(h1)).toBeGreaterThan(0);
    const title = await page.textContent('article.doc[lang="zh-CN"] h1');
    expect(cjk.reduce((a, x) => a + x.glyphCount, 0)).toBe([...title!].length);
    // ... and so are the charts' Chinese labels (SVG text).
    const label = await fontsOf(page, 'article.doc[lang="zh-CN"] figure[data-chart="orgs"] .role-axis-label text');
    expect(label.some((x) => /CJK|Han|Hei|Song|Ming/i.test(x.familyName)), JSON.stringify(label)).toBe(true);
    await shoot('zh');
    expect(requests).toEqual([]);
  });

  it('switches to English without script, every chart drawn', async () => {
    await page.click('label[for="lang-en"]');
    const v = await visibleCharts(page);
    expect(v.langs).toEqual(['en']);
    expect(v.charts.map((c) => c.id)).toEqual(CHARTS);
    for (const c of v.charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.marks, c.id).toBeGreaterThan(0);
    }
    // The English page's table keeps the Chinese names, drawn in a CJK font too.
    const zhName = await fontsOf(page, 'section#regions-en tbody tr td:nth-child(2)');
    expect(zhName.some((x) => /CJK|Han|Hei|Song|Ming/i.test(x.familyName)), JSON.stringify(zhName)).toBe(true);
    const h1 = await fontsOf(page, 'article.doc[lang="en"] h1');
    expect(h1.reduce((a, x) => a + x.glyphCount, 0)).toBe([...(await page.textContent('article.doc[lang="en"] h1'))!].length);
    expect(await page.isVisible('text=How to recount')).toBe(true);
    expect(await page.isVisible('text=如何自己重新计算')).toBe(false);
    await shoot('en');
    expect(requests).toEqual([]);
  });
});
