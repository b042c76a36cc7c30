/**
 * Issue 7, acceptance: the package as npm delivers it. `npm pack` (the build is done by
 * `npm run test:package`), then two installs of the tarball into empty folders:
 * - client-only, `--omit=optional --ignore-scripts`: no better-sqlite3 or sodium-native there;
 *   `import 'sealpost'` seals; its `sealpost` bin seals, and submits through a SOCKS5 proxy to the
 *   center below, to a verified receipt; its `serve` exits 2 saying what to install, in English
 *   and in Chinese;
 * - full, with the optional dependencies: its bin runs `keygen` and `serve` (the center of the
 *   submission), and `sealpost/center` imports and serves there. `--ignore-scripts` skips
 *   better-sqlite3's compile (minutes): the addon built for this repository (same pinned version,
 *   same machine) is copied in instead, as its install script would have built it.
 * The tarball's dependencies come from the registry or npm's cache (`--prefer-offline`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readArmor } from '../../src/index.js';
import { runCommand } from '../harness/cli.js';
import { socksProxy, type SocksProxy } from '../harness/socks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ADDON = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const run = promisify(execFile);

let tmp: string;
let client: string;
let full: string;
let centerFile: string;
let centerUrl: string;
let server: ChildProcess | undefined;
let proxy: SocksProxy;
let proxied = 0;

/** `key: value` lines, as the README's session types them (CLI spec, statement on stdin). */
const STATEMENT = 'name: 小李\norgs: CYL,CYP\ncountry: CN\nprovince: 440000\n';

/** The installed bin link itself (its shebang), not `node <file>`. */
function bin(dir: string, args: readonly string[], input = '') {
  return runCommand(join(dir, 'node_modules', '.bin', 'sealpost'), args, { cwd: dir, input });
}

/** Runs an ES module in `dir` (so that `sealpost` resolves from that folder's node_modules). */
async function script(dir: string, name: string, code: string): Promise<string> {
  await writeFile(join(dir, name), code);
  const { stdout } = await run(process.execPath, [join(dir, name)], { cwd: dir });
  return stdout;
}

async function install(dir: string, tgz: string, flags: readonly string[]): Promise<void> {
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), '{ "name": "packed-test", "private": true }\n');
  await run('npm', ['install', ...flags, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tgz], { cwd: dir });
}

/** `sealpost serve` from the full install, resolved with the URL it prints when ready (CLI spec). */
function serve(args: readonly string[]): Promise<string> {
  server = spawn(join(full, 'node_modules', '.bin', 'sealpost'), ['serve', ...args], { cwd: full, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    server!.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    server!.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-packed-'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT });
  const tgz = join(tmp, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  client = join(tmp, 'client');
  full = join(tmp, 'full');
  await Promise.all([install(client, tgz, ['--omit=optional']), install(full, tgz, [])]);
  await mkdir(dirname(join(full, ADDON)), { recursive: true });
  await copyFile(join(ROOT, ADDON), join(full, ADDON));
  const keys = join(tmp, 'keys');
  const k = await bin(full, ['keygen', '--name', 'packed.test', '--out', keys]);
  expect(k.code, k.stderr).toBe(0);
  centerFile = join(keys, 'center.json');
  centerUrl = await serve(['--keys', keys, '--data', join(tmp, 'data'), '--listen', '127.0.0.1:0']);
  proxy = await socksProxy(() => proxied++);
}, 180_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  if (server && server.exitCode === null) await new Promise((r) => server!.once('exit', r));
  await proxy?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the packed package, installed without optional dependencies', () => {
  it('has no better-sqlite3 or sodium-native, and ships the bin with its chunks', () => {
    expect(existsSync(join(client, 'node_modules', 'sealpost', 'dist', 'bin', 'sealpost.mjs'))).toBe(true);
    expect(existsSync(join(client, 'node_modules', 'better-sqlite3'))).toBe(false);
    expect(existsSync(join(client, 'node_modules', 'sodium-native'))).toBe(false);
    // The full install does have them: the check above is not vacuous.
    expect(existsSync(join(full, 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(existsSync(join(full, 'node_modules', 'sodium-native'))).toBe(true);
  });

  it('imports sealpost and seals; sealpost/center imports there but cannot serve', async () => {
    const out = await script(
      client,
      'seal.mjs',
      `import { readCenterFile, composeStatement, sealEnvelope, serializeStatement } from 'sealpost';
const center = await readCenterFile(${JSON.stringify(centerFile)});
const env = sealEnvelope(serializeStatement(composeStatement({ name: ['A'], orgs: 'CYL', country: 'TW' })), center.boxKey);
const { startServe } = await import('sealpost/center');
const code = await startServe({ keysDir: 'k', dataDir: 'd' }).then(() => 'served', (e) => e.code);
console.log(env.length, code);
`,
    );
    expect(out.trim()).toBe('1073 center-deps-missing');
  });

  it('its bin seals a statement typed on stdin', async () => {
    const r = await bin(client, ['seal', '--center', centerFile, '-'], STATEMENT);
    expect(r.code, r.stderr).toBe(0);
    expect(readArmor(r.stdout).envelopes).toHaveLength(1);
  });

  it('its bin submits through a SOCKS5 proxy to the center of the full install, to a verified receipt', async () => {
    const before = proxied;
    const args = ['submit', '--json', '--center', centerFile, '--home', join(tmp, 'home'), '--only-routes', '--route', centerUrl];
    const r = await bin(client, [...args, '--proxy', `socks5h://127.0.0.1:${proxy.port}`, '-'], STATEMENT);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { delivered: boolean; route: string; receipt: string };
    expect(doc.delivered).toBe(true);
    expect(doc.route).toBe('arg-1+proxy-1');
    expect(doc.receipt).toMatch(/^sealpost\/receipt\/v1\npacked\.test\n/);
    expect(proxied).toBeGreaterThan(before);
  });

  it.each([
    ['en', /needs the optional package better-sqlite3.*npm install better-sqlite3@12\.6\.2/],
    ['zh-CN', /需要可选依赖包 better-sqlite3.*npm install better-sqlite3@12\.6\.2/],
  ])('its serve exits 2 saying what to install (%s)', async (lang, message) => {
    const r = await bin(client, ['serve', '--lang', lang, '--keys', join(tmp, 'keys'), '--data', join(tmp, 'data-client'), '--listen', '127.0.0.1:0']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sealpost: error: .*${message.source}`, 'm'));
    expect(r.stdout).toBe('');
  });

  it('its demo exits 2 the same way, before it makes anything', async () => {
    const r = await bin(client, ['demo', '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'center-deps-missing' } });
  });
});

describe('the packed package, installed with its optional dependencies', () => {
  it('sealpost/center imports and serves', async () => {
    const out = await script(
      full,
      'serve.mjs',
      `import { generateCenterKeys, startServe } from 'sealpost/center';
import { readCenterFile } from 'sealpost';
await generateCenterKeys('full.test', 'keys');
const server = await startServe({ keysDir: 'keys', dataDir: 'data', listen: '127.0.0.1:0', log: () => {} });
const res = await fetch(new URL('healthz', server.url));
await server.close();
console.log((await readCenterFile('keys/center.json')).name, server.center, res.status);
`,
    );
    expect(out.trim()).toBe('full.test full.test 200');
  });
});
