/**
 * Interop (issue 11, build point 3): the local page of `sealpost ui` in Debian's headless Chromium,
 * driven by playwright-core, against a real local center: in zh-CN a person composes and sends a
 * statement and sees the verified receipt; a volunteer enters 20 statements by keyboard alone and
 * imports a CSV with bad rows; every request the page makes goes to 127.0.0.1; axe-core finds no
 * serious or critical violation in either language; afterwards no statement text is in the browser
 * profile or the home folder. Screenshots go to docs/ui-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { UiEngine } from '../../src/ui/engine.js';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { censoredNetwork, type CensoredNetwork } from '../../src/demo/peers.js';
import { engineOptions } from '../ui/engine-options.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { loadRelaySecret } from '../../src/relay/secret.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = resolve('docs');
const have = existsSync(CHROMIUM);
if (!have && process.env.CI) throw new Error(`${CHROMIUM} missing (see .ci/run: apt-get install chromium fonts-noto-cjk)`);

const MARK = 'BROWSER-MARK-7f3a 我退出了';
const NAME = '浏览器李四';
const PASS = 'browser 口令 staple-7c1d';

let tc: TestCenter;
let home: string;
let lockedHome: string | undefined;
let profile: string;
let ui: UiServer;
let context: BrowserContext;
let page: Page;
let net: CensoredNetwork | undefined;
const requests: string[] = [];

beforeAll(async () => {
  if (!have) return;
  tc = await startCenter();
  // The demo's censored network (src/demo/peers.ts), in the demo's order: blackholed, reset, lying, and Tor-like SOCKS5.
  net = await censoredNetwork(tc.center.name, Number(tc.url.port));
  home = await mkdtemp(join(tmpdir(), 'sealpost-ui-home-'));
  const engine = new UiEngine(engineOptions(home, tc.center, { routes: net.routes.map((r) => parseRoute(r)) }));
  ui = await startUiServer({ engine, lang: 'zh-CN' });
  profile = await mkdtemp(join(tmpdir(), 'sealpost-ui-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 1100 },
    locale: 'zh-CN',
  });
  context.on('request', (r) => requests.push(r.url()));
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(ui.url);
  await page.waitForSelector('h1:has-text("sealpost")');
}, 60_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await ui?.close();
  await tc?.close();
  await net?.close();
  for (const d of [home, profile, lockedHome]) if (d) await rm(d, { recursive: true, force: true });
});

/** axe-core's serious and critical violations on the page, as `rule: targets`. */
const SERIOUS = `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`;
const tab = (id: string) => page.click(`.tab[aria-controls="${id}"]`);
const shot = (name: string) => page.screenshot({ path: join(DOCS, `ui-${name}.png`), fullPage: true });

describe.skipIf(!have)('the local page in Chromium', () => {
  it('in zh-CN: compose, see what is sealed, send, and see the verified receipt', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.fill('#s-name', NAME);
    await page.check('#s-ccp');
    await page.check('#s-cyl');
    await page.selectOption('#s-province', '440000');
    await page.fill('#s-city', '广州');
    await page.fill('#s-text', MARK);
    await page.check('#s-publish');
    await shot('send');
    await page.click('#compose button[type=submit]');
    await expect.poll(() => page.textContent('#sealed')).toContain(NAME);
    expect(await page.textContent('#sealed')).toContain('"440000"');
    await page.click('#go');
    await expect.poll(() => page.textContent('#verdict'), { timeout: 20_000 }).toBe('已送达，回执已验证');
    expect(await page.inputValue('#receipt')).toMatch(/sealpost\/receipt\/v1/);
    // Each route's state, live: the reset mirror blocked, the forging mirror lying, Tor through.
    // (textContent with a short timeout: a missing line fails at once instead of waiting out the test.)
    const line = (id: string) => page.textContent(`#rs-${id}`, { timeout: 2000 });
    await expect.poll(() => line('mirror-1')).toMatch(/^mirror-1: 被封锁/);
    await expect.poll(() => line('mirror-2')).toMatch(/^mirror-2: 作假/);
    expect(await line('tor-1')).toMatch(/^tor-1: 已送达/);
    // The blackholed route never answered: stopped once Tor got through, never shown as delivered.
    expect(await line('direct')).toMatch(/^direct: (尝试中|已停止|被封锁)/);
    // The form no longer holds the statement.
    expect(await page.inputValue('#s-text')).toBe('');
    await page.click('#qr');
    await page.waitForSelector('#qr-img:not([hidden])');
    await shot('verdict');
  });

  it('the volunteer desk takes 20 statements by keyboard alone', async () => {
    await tab('desk');
    await page.focus('#d-name');
    const k = page.keyboard;
    for (let i = 1; i <= 20; i++) {
      await k.type(`来电者${i}`);
      await k.press('Tab'); // real name
      await k.press('Tab'); // 党
      await k.press('Space');
      await k.press('Tab'); // 团
      await k.press('Tab'); // 队
      await k.press('Tab'); // province
      await k.press('ArrowDown');
      await k.press('Tab'); // city
      await k.type('某市');
      await k.press('Enter');
      await expect.poll(() => page.textContent('#desk-status')).toContain(`${i} `);
      expect(await page.evaluate('document.activeElement.id')).toBe('d-name');
    }
    await shot('desk');
  });

  it('imports a CSV with bad rows and shows the rejects by line', async () => {
    const csv = ['name,orgs,country,province,date', '甲,CCP,CN,110000,2024-01-01', '乙,XYZ,CN,110000,2024-01-01', '丙,CYL,CN,999999,2024-01-01', '丁,CCP,CN,120000,2024-01-01'].join('\n');
    await page.setInputFiles('#csv-file', { name: 'calls.csv', mimeType: 'text/csv', buffer: Buffer.from(`${csv}\n`) });
    await page.click('#csv-form button[type=submit]');
    await page.waitForSelector('#rejects:not([hidden])');
    const lines = await page.$$eval('#reject-rows tr td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(lines).toEqual(['3', '4']);
    await shot('desk-csv');
  });

  it('lists the outbox and retries', async () => {
    await tab('outbox');
    await page.click('#retry');
    await expect.poll(() => page.textContent('#outbox-status'), { timeout: 20_000 }).not.toBe('');
    await expect.poll(() => page.$$eval('#outbox-rows tr', (rows) => rows.length)).toBeGreaterThanOrEqual(23);
    await shot('outbox');
    await tab('connection');
    await page.waitForSelector('#route-rows tr');
    await shot('connection');
    await tab('safety');
    await shot('safety');
  });

  it('axe-core finds no serious or critical violation, in zh-CN and in English', async () => {
    // Runtime.evaluate is not subject to the page's CSP: axe is injected as page code, not a <script>.
    await page.evaluate(await readFile(resolve('node_modules/axe-core/axe.min.js'), 'utf8'));
    for (const lang of ['zh-CN', 'en']) {
      if (lang === 'en') {
        await page.click('#lang-switch');
        await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
      }
      for (const id of ['send', 'outbox', 'connection', 'desk', 'safety']) {
        await tab(id);
        const bad = (await page.evaluate(SERIOUS)) as string[];
        expect(bad, `${lang} ${id}`).toEqual([]);
      }
    }
    await tab('send');
    expect(await page.textContent('h1')).toBe('sealpost — send a withdrawal statement');
    // What was already on the page is redrawn in the new language.
    expect(await page.textContent('#verdict')).toBe('Delivered, receipt verified');
    expect(await page.textContent('#route-states')).toContain('delivered');
    await shot('send-en');
  });

  it('every request the page made went to 127.0.0.1 at the page port', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((u) => !u.startsWith(`http://127.0.0.1:${ui.port}/`) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  });

  it('on a protected home started without a terminal, asks for the passphrase first, by keyboard', async () => {
    lockedHome = await mkdtemp(join(tmpdir(), 'sealpost-ui-locked-'));
    await loadRelaySecret(lockedHome, { passphrase: PASS });
    const locked = await startUiServer({ engine: new UiEngine(engineOptions(lockedHome, tc.center, { locked: true, routes: net!.routes.map((r) => parseRoute(r)) })), lang: 'zh-CN' });
    const p = await context.newPage();
    try {
      await p.goto(locked.url);
      await p.waitForSelector('#passphrase:visible');
      expect(await p.evaluate('document.activeElement.id')).toBe('passphrase');
      // Only the passphrase and Safety (wipe needs no passphrase) until it is given.
      expect(await p.isVisible('.tab[aria-controls="send"]')).toBe(false);
      expect(await p.isVisible('.tab[aria-controls="safety"]')).toBe(true);
      await p.screenshot({ path: join(DOCS, 'ui-unlock.png'), fullPage: true });
      await p.evaluate(await readFile(resolve('node_modules/axe-core/axe.min.js'), 'utf8'));
      expect(await p.evaluate(SERIOUS)).toEqual([]);
      await p.keyboard.type('wrong horse');
      await p.keyboard.press('Enter');
      await expect.poll(() => p.textContent('#unlock-error'), { timeout: 10_000 }).toMatch(/口令/);
      expect(await p.inputValue('#passphrase')).toBe('');
      await p.keyboard.type(PASS);
      await p.keyboard.press('Enter');
      await p.waitForSelector('#compose:visible', { timeout: 10_000 });
      expect(await p.isVisible('.tab[aria-controls="unlock"]')).toBe(false);
      expect(await p.isVisible('.tab[aria-controls="desk"]')).toBe(true);
      expect(await p.evaluate('document.activeElement.id')).toBe('s-name');
    } finally {
      await p.close();
      await locked.close();
    }
  });

  it('leaves no statement text in the browser profile or the home folder', async () => {
    await context.close();
    for (const dir of [profile, home, lockedHome ?? home]) {
      for (const f of await allFiles(dir)) {
        const bytes = await readFile(f).catch(() => Buffer.alloc(0));
        for (const s of [MARK, NAME, '来电者1', 'BROWSER-MARK-7f3a', PASS]) {
          expect(bytes.includes(Buffer.from(s)), `${f} holds ${s}`).toBe(false);
          expect(bytes.includes(Buffer.from(s, 'utf16le')), `${f} holds ${s} (UTF-16)`).toBe(false);
        }
      }
    }
  });
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
