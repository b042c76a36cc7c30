/**
 * bench/ui (issue 11): the time from the click on "send" on the local page to the verdict shown
 * on it, against the same submission from the CLI, through the demo's censored network
 * (src/demo/peers.ts: a blackholed direct address, a mirror that resets, a mirror that lies, and
 * a SOCKS5 proxy to the center). Everything on loopback: the center (`serve`'s code) and the
 * peers run in this process; the page is a real `sealpost ui --no-open` process driven in Debian's
 * Chromium (playwright-core); the CLI is `sealpost submit --json`, a process per submission. Both
 * take their routes from the same center file and race them with their route memory, as a person
 * would run them.
 *
 * - page: from the click's event to the frame that shows the verdict, timed in the page
 *   (performance.now() in a capturing click listener and a MutationObserver on the verdict);
 *   the server was already running, as it is when a person clicks.
 * - CLI, whole process: from spawn to exit, what a person at a terminal waits for (the baseline).
 * - CLI, after Node's start-up: from a preloaded module (bench/ui-clock.ts) to exit: module
 *   loading and the submission, without Node's own boot.
 * - CLI, the submission alone: that, less `sealpost --version` timed the same way (the bundle's
 *   loading with no work): near what the page's server does per click, which has everything loaded.
 *
 * Two mixes: warm (each side's home has delivered once before, so its memory races the working
 * route first: the comparison without the order lottery) and cold (a fresh home, and a fresh
 * `ui` process, each round: unknown routes go in random order, so a run is slower by a stagger
 * when the blackholed route happens to start before the working one; the rounds are also shown
 * split that way, so that like is compared with like).
 *
 * After `npm run build`: `node dist/bench/ui.js [rounds]` (default 7; cold runs twice as many).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServe } from '../src/center/serve.js';
import { generateCenterKeys } from '../src/crypto/keys.js';
import { censoredNetwork } from '../src/demo/peers.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'dist/bin/sealpost.mjs');
const CLOCK = pathToFileURL(join(ROOT, 'dist/bench/ui-clock.js')).href;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const RUNS = Number(process.argv[2] ?? 7);

/** The statement both sides send: the page's form and the CLI's compose flags. */
const ST = { name: '基准王五', orgs: 'CYL', province: '110000', city: '北京', text: 'bench/ui' };

/** The children's environment: no proxy variable (it would replace or leave out routes). */
const ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k) && !k.startsWith('SEALPOST_')));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Attempt {
  readonly route: string;
  readonly outcome: string;
  readonly ms: number;
}

/** One submission: its time and whether the blackholed route started before the winner. */
interface Run {
  readonly ms: number;
  readonly behind: boolean;
  readonly attempts: readonly Attempt[];
  /** CLI only: after Node's start-up. */
  readonly runMs?: number;
}

function behindBlackhole(attempts: readonly Attempt[]): boolean {
  const won = attempts.findIndex((a) => a.outcome === 'delivered');
  const hole = attempts.findIndex((a) => a.route === 'direct');
  if (won < 0) throw new Error(`not delivered: ${JSON.stringify(attempts)}`);
  return hole >= 0 && hole < won;
}

/** `sealpost submit --json`, timed from spawn to exit (async: the center runs in this process). */
function cliSubmit(center: string, home: string, clockFile: string): Promise<Run> {
  const args = ['--import', CLOCK, BIN, 'submit', '--json', '--home', home, '--center', center, '--name', ST.name, '--orgs', ST.orgs, '--country', 'CN', '--province', ST.province, '--city', ST.city, '--text', ST.text];
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env: { ...ENV, SEALPOST_BENCH_CLOCK: clockFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      child.once('close', () => {
        if (code !== 0) return fail(new Error(`submit exited ${code}: ${err}`));
        const doc = JSON.parse(out) as { attempts: Attempt[] };
        const clock = JSON.parse(readFileSync(clockFile, 'utf8')) as { runMs: number };
        done({ ms, runMs: clock.runMs, behind: behindBlackhole(doc.attempts), attempts: doc.attempts });
      });
    });
  });
}

/** `sealpost --version` after Node's start-up (bench/ui-clock.ts): the CLI's own loading, no work. */
function cliLoad(clockFile: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', CLOCK, BIN, '--version'], { env: { ...ENV, SEALPOST_BENCH_CLOCK: clockFile }, stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done((JSON.parse(readFileSync(clockFile, 'utf8')) as { runMs: number }).runMs) : fail(new Error(`--version exited ${code}`))));
  });
}

/** A running `sealpost ui --no-open` and its URL (the first line on stdout). */
interface UiProcess {
  readonly url: string;
  stop(): Promise<void>;
}

function startUi(center: string, home: string): Promise<UiProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'ui', '--no-open', '--home', home, '--center', center], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => fail(new Error(`ui exited ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0 && out.startsWith('http')) {
        done({
          url: out.slice(0, nl).trim(),
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

/** Fills the Send form, shows what will be sealed, then times the click on "send" to the verdict. */
async function pageSend(page: Page): Promise<Run> {
  await page.fill('#s-name', ST.name);
  await page.check('#s-cyl');
  await page.selectOption('#s-province', ST.province);
  await page.fill('#s-city', ST.city);
  await page.fill('#s-text', ST.text);
  await page.click('#compose button[type=submit]');
  await page.waitForSelector('#go:visible');
  // Installed first (and awaited), so that the click below is the one it times. A string: the
  // bench is compiled without the DOM's types.
  await page.evaluate(TIMER);
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/send'));
  await page.click('#go');
  const body = (await (await sent).json()) as { attempts: Attempt[] };
  const v = (await page.evaluate('window.benchVerdict')) as { ms: number; key: string | null };
  if (v.key !== 'ui.send.verdict-ok') throw new Error(`page verdict ${v.key}: ${JSON.stringify(body)}`);
  return { ms: v.ms, behind: behindBlackhole(body.attempts), attempts: body.attempts };
}

/**
 * Sets `window.benchVerdict`: resolves with the ms from the next click on "send" (a capturing
 * listener, before the page's own) to the frame after the verdict's text is set, and its key.
 */
const TIMER = `window.benchVerdict = new Promise((done) => {
  const go = document.getElementById('go'), verdict = document.getElementById('verdict');
  let t0 = NaN;
  go.addEventListener('click', () => { t0 = performance.now(); }, { once: true, capture: true });
  const seen = new MutationObserver(() => {
    if (Number.isNaN(t0) || !verdict.textContent) return;
    seen.disconnect();
    requestAnimationFrame(() => done({ ms: performance.now() - t0, key: verdict.getAttribute('data-key') }));
  });
  seen.observe(verdict, { childList: true, characterData: true, subtree: true, attributes: true });
}); undefined`;

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ locale: 'zh-CN' });
  await page.goto(url);
  await page.waitForSelector('#s-province option[value="110000"]', { state: 'attached' });
  return page;
}

const attempts = (r: Run) => r.attempts.map((a) => `${a.route} ${a.outcome} ${a.ms} ms`).join(', ');
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

function report(title: string, page: readonly Run[], cli: readonly Run[], load: number): string[] {
  const P = median(page.map((r) => r.ms));
  const C = median(cli.map((r) => r.ms));
  const R = median(cli.map((r) => r.runMs!));
  const d = P - C;
  const lines = [
    `${title}`,
    `  CLI, whole process (baseline)     ${fmt(C)}   1.00 x`,
    `  CLI, after Node's start-up        ${fmt(R)}   ${(R / C).toFixed(2)} x`,
    `  CLI, the submission alone         ${fmt(R - load)}   ${((R - load) / C).toFixed(2)} x   (after start-up minus loading: \`--version\` after start-up, ${load.toFixed(0)} ms)`,
    `  page, click to verdict shown      ${fmt(P)}   ${(P / C).toFixed(2)} x   page - CLI: ${d >= 0 ? '+' : ''}${d.toFixed(0)} ms ` +
      `(target <= +100 ms: ${d <= 100 ? 'met' : 'MISSED'}); page - CLI submission alone: ${P - R + load >= 0 ? '+' : ''}${(P - R + load).toFixed(0)} ms`,
  ];
  const split = (rs: readonly Run[], behind: boolean) => rs.filter((r) => r.behind === behind);
  if (page.some((r) => r.behind) || cli.some((r) => r.behind)) {
    for (const behind of [false, true]) {
      const p = split(page, behind);
      const c = split(cli, behind);
      const m = (rs: readonly Run[], f: (r: Run) => number) => (rs.length ? fmt(median(rs.map(f))).trim() : '-');
      lines.push(
        `  blackholed route started ${behind ? 'before' : 'after '} the winner: page ${p.length} runs, median ${m(p, (r) => r.ms)}; ` +
          `CLI ${c.length} runs, whole ${m(c, (r) => r.ms)}, after start-up ${m(c, (r) => r.runMs!)}`,
      );
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-ui-'));
  let browser: Browser | undefined;
  let net: Awaited<ReturnType<typeof censoredNetwork>> | undefined;
  let server: Awaited<ReturnType<typeof startServe>> | undefined;
  const uis: UiProcess[] = [];
  try {
    const keys = join(dir, 'keys');
    await generateCenterKeys('bench.sealpost.test', keys);
    server = await startServe({ keysDir: keys, dataDir: join(dir, 'data'), listen: '127.0.0.1:0' });
    const base = JSON.parse(readFileSync(join(keys, 'center.json'), 'utf8')) as { name: string };
    net = await censoredNetwork(base.name, Number(server.url.port));
    const center = join(dir, 'center.json');
    writeFileSync(center, JSON.stringify({ ...base, routes: net.routes }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const clock = join(dir, 'clock.json');

    // Warm: one home each, seeded by one delivery; one page open throughout, as a person keeps it.
    const ui = await startUi(center, join(dir, 'home-page'));
    uis.push(ui);
    const page = await openPage(browser, ui.url);
    await pageSend(page);
    await cliSubmit(center, join(dir, 'home-cli'), clock);
    const warmPage: Run[] = [];
    const warmCli: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      warmPage.push(await pageSend(page));
      warmCli.push(await cliSubmit(center, join(dir, 'home-cli'), clock));
    }
    await page.close();
    await ui.stop();
    uis.pop();

    // Cold: a fresh home and a fresh `ui` each round.
    const coldPage: Run[] = [];
    const coldCli: Run[] = [];
    for (let i = 0; i < 2 * RUNS; i++) {
      const u = await startUi(center, join(dir, `home-page-${i}`));
      uis.push(u);
      const p = await openPage(browser, u.url);
      coldPage.push(await pageSend(p));
      await p.close();
      await u.stop();
      uis.pop();
      coldCli.push(await cliSubmit(center, join(dir, `home-cli-${i}`), clock));
    }

    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) loads.push(await cliLoad(clock));
    const load = median(loads);
    const out = [
      `bench/ui: click on "send" to the verdict on the page vs the same submission by \`sealpost submit\`, through the demo's censored mix ` +
        `(blackholed direct, resetting mirror, lying mirror, SOCKS5 to the center), medians`,
      ...report(`warm (each home delivered once before), ${RUNS} rounds:`, warmPage, warmCli, load),
      ...report(`cold (fresh home, fresh \`ui\` each round, random route order), ${2 * RUNS} rounds:`, coldPage, coldCli, load),
      `attempts, last warm round: page ${attempts(warmPage.at(-1)!)}; CLI ${attempts(warmCli.at(-1)!)}`,
      'attempts, cold rounds:',
      ...coldPage.map((p, i) => `  page ${fmt(p.ms)}: ${attempts(p)}\n  CLI  ${fmt(coldCli[i]!.ms)}: ${attempts(coldCli[i]!)}`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    for (const u of uis) await u.stop();
    await browser?.close();
    await net?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/ui: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
