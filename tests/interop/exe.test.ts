/**
 * The single executable (issue 11, build point 2 and acceptance), built once here by
 * scripts/build-exe.mjs from the tsc build (`npm run test:interop` builds it first): run with no
 * `node` on PATH, it seals and submits through a real SOCKS5 proxy to a real local center and
 * verifies the receipt; `ui --no-open` serves the page, and so does a start with no arguments (a
 * double-click); its .sha256 matches; a center's own build uses its embedded center.json and
 * route list without `--center`; center commands exit 2 as a client-only install does; a second
 * build is byte for byte the same, code cache included; and this Node accepts that code cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCenter, type TestCenter } from '../harness/center.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';
import { runCommand, sealpost, type CliResult } from '../harness/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAME = `sealpost-${{ win32: 'win', darwin: 'macos' }[process.platform as string] ?? process.platform}-${process.arch}`;
const STATEMENT = 'name: 小李\norgs: CYL,CYP\ncountry: CN\nprovince: 440000\ntext: 退出共青团和少先队\n';

let dir: string;
let center: TestCenter;
let proxy: SocksProxy;
const proxied: number[] = [];
let plain: string;
let own: string;
/** Building takes 10-30 s each on a busy 2-core machine (bundle, blob with code cache, inject). */
const BUILD_MS = 180_000;

/** Builds into `out` (the script prints the executable's path). */
function build(out: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-exe.mjs'), '--out', out, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-exe failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs an executable with no node anywhere on PATH, and a home of its own. */
function exe(file: string, args: readonly string[], input?: string, home = join(dir, 'home')): Promise<CliResult> {
  return runCommand(file, args, { env: { PATH: '/nonexistent', SEALPOST_HOME: home }, ...(input === undefined ? {} : { input }) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-exe-'));
  center = await startCenter();
  proxy = await socksProxy((port) => proxied.push(port));
  // The center's own route list, signed with its routes key by the npm-installed CLI: one route,
  // its intake, which the exe reaches through the proxy with nothing given on its command line.
  await writeFile(join(dir, 'routes.json'), JSON.stringify({ routes: [{ id: 'intake', kind: 'direct', url: center.url.toString() }] }));
  const signed = await sealpost(['routes', 'sign', '--keys', center.keysDir, '--in', join(dir, 'routes.json'), '--out', join(dir, 'routes.note')]);
  if (signed.code !== 0) throw new Error(`routes sign failed: ${signed.stderr}`);
  plain = build(join(dir, 'plain'));
  own = build(join(dir, 'own'), '--center', join(center.keysDir, 'center.json'), '--routes', join(dir, 'routes.note'));
}, 2 * BUILD_MS);

afterAll(async () => {
  await proxy?.close();
  await center?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the single executable', () => {
  it('runs with no node on PATH: --version', async () => {
    const r = await exe(plain, ['--version']);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    // Not node itself: the script inside answered.
    expect(r.stderr).toBe('');
  });

  it('its .sha256 beside it matches, in sha256sum format', async () => {
    const line = await readFile(`${plain}.sha256`, 'utf8');
    const sum = createHash('sha256').update(await readFile(plain)).digest('hex');
    expect(line).toBe(`${sum}  ${NAME}\n`);
  });

  it('seals and submits through a SOCKS5 proxy and verifies the receipt', async () => {
    const centerFile = join(center.keysDir, 'center.json');
    const before = proxied.length;
    const r = await exe(plain, ['--json', '--center', centerFile, 'submit', '--route', center.url.toString(), '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '-'], STATEMENT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { delivered: boolean; route: string; receipt: string; id: string };
    // A receipt is printed only once verified (exit 0); the route is the proxied one, never direct.
    expect(doc).toMatchObject({ delivered: true, route: 'arg-1+proxy-1' });
    expect(doc.receipt).toContain(`envelope ${doc.id}\n`);
    expect(proxied.length).toBeGreaterThan(before);
  });

  it('a center’s own build uses its embedded center.json and route list without --center or --route', async () => {
    const before = proxied.length;
    const r = await exe(own, ['--json', 'submit', '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '-'], STATEMENT, join(dir, 'home-own'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { route: string; receipt: string };
    expect(doc.route).toBe('intake+proxy-1');
    expect(doc.receipt).toMatch(new RegExp(`^sealpost/receipt/v1\n${center.center.name}\n`));
    expect(proxied.length).toBeGreaterThan(before);
    // The plain build has none: the same command names the missing center file (exit 2).
    const none = await exe(plain, ['submit', '-'], STATEMENT, join(dir, 'home-none'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no center file/);
  });

  // `@x`: a path in this test's folder.
  it.each([
    ['serve', '--keys', '@k', '--data', '@d'],
    ['demo'],
    ['tally', '--keys', '@k', '--data', '@d', '--out', '@o'],
  ])('%s exits 2 with center-deps-missing (the client only)', async (...args) => {
    const r = await exe(plain, ['--json', ...args.map((a) => (a.startsWith('@') ? join(dir, a.slice(1)) : a))]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('center-deps-missing');
    // Not "install better-sqlite3", which would not help here.
    expect(doc.error.message).toMatch(/single executable is the client only/);
  });

  it.each([
    ['ui --no-open', ['ui', '--no-open']],
    // A double-click: `ui`, whose browser opener is not on this PATH (a warning, and it serves on).
    ['no arguments', []],
  ])('%s prints the URL first and serves the page from the binary', async (_what, args) => {
    const child = spawn(own, args, { env: { PATH: '/nonexistent', SEALPOST_HOME: join(dir, `home-ui-${args.length}`), LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`ui exited ${code} before printing its URL`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/open\/[\w-]+$/);
      // Without the secret: refused.
      expect((await fetch(new URL('/', url))).status).toBeGreaterThanOrEqual(400);
      const first = await fetch(url, { redirect: 'manual' });
      const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
      const page = await fetch(new URL('/', url), { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script src="/page.js"');
      const js = await fetch(new URL('/page.js', url), { headers: { cookie } });
      expect(js.status).toBe(200);
      expect((await js.text()).length).toBeGreaterThan(1000);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('a second build is byte for byte the same, code cache included', async () => {
    const again = build(join(dir, 'again'));
    const parts = spawnSync(process.execPath, [join(ROOT, 'scripts', 'exe-parts.mjs'), plain, again], { encoding: 'utf8' });
    expect(parts.stdout).not.toContain('differs');
    expect(parts.stdout).toContain('same     code cache');
    expect(parts.status).toBe(0);
    // Buffer.equals: a 100 MB toEqual walks every byte through the matcher (gigabytes of memory).
    expect((await readFile(again)).equals(await readFile(plain))).toBe(true);
  }, BUILD_MS);

  it('this Node accepts the code cache inside (built with a fixed --random-seed), and rejects it under other V8 flags', () => {
    // The executable is a copy of this node: V8 checks the cache against the script and its flags.
    const check = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--input-type=module', '-e', ACCEPTED, plain], { encoding: 'utf8' });
    expect(check()).toMatchObject({ status: 0, stdout: 'rejected false\n' });
    expect(check('--liftoff-only')).toMatchObject({ status: 0, stdout: 'rejected true\n' });
  });
});

/** Compiles the executable's main script as Node's SEA loader does, with its code cache. */
const ACCEPTED = `
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { seaParts } from ${JSON.stringify(new URL('../../scripts/exe-parts.mjs', import.meta.url).href)};
const p = seaParts(readFileSync(process.argv[1]));
if (!p.codeCache) throw new Error('no code cache');
const fn = vm.compileFunction(p.main.toString('utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: p.name, cachedData: p.codeCache });
console.log('rejected', fn.cachedDataRejected);
`;
