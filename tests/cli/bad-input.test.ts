/**
 * Issue 7, acceptance 2: every user mistake exits 2 (1 for a command line of the wrong shape) with a
 * message naming the flag or the file, in both languages, and under `--json` one error document
 * on stdout (CLI spec). `serve` is the case that matters most: it loads the unbundled intake server
 * (dist/src/center/serve.js), whose own copy of the error classes failed `instanceof` against the
 * bundle's, so every one of its mistakes exited 5 "internal error".
 *
 * Each row runs the built command twice: `--lang en` without `--json` (nothing on stdout), and
 * `--lang zh-CN --json` (the document's message is the one on stderr).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { sealpost } from '../harness/cli.js';

const TLS = (f: string) => fileURLToPath(new URL(`../fixtures/tls/${f}`, import.meta.url));

let dir: string;
let busy: Server;
/** Paths and values the rows use, filled in by beforeAll. */
const f = { keys: '', center: '', file: '', json: '', empty: '', missing: '', busy: '' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-bad-input-'));
  f.keys = join(dir, 'keys');
  await generateCenterKeys('center.test', f.keys, ['http://127.0.0.1:9/']);
  f.center = join(f.keys, 'center.json');
  f.file = join(dir, 'a-file');
  await writeFile(f.file, 'not JSON, not a key, not a folder\n');
  f.json = join(dir, 'not-routes.json');
  await writeFile(f.json, '{"routes": 7}');
  f.empty = join(dir, 'empty');
  await mkdir(f.empty);
  f.missing = join(dir, 'missing');
  busy = createServer();
  await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
  f.busy = `127.0.0.1:${(busy.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((done) => busy.close(done));
  await rm(dir, { recursive: true, force: true });
});

type Row = readonly [what: string, args: () => string[], exit: number, code: string, names: () => string[]];

let runs = 0;
/** A data folder of its own for each run: no row sees another's database. */
const data = () => join(dir, `data-${++runs}`);
const serve = (...more: string[]) => ['serve', '--keys', f.keys, '--data', data(), '--listen', '127.0.0.1:0', ...more];
const compose = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];

const rows: Row[] = [
  ['serve --listen bad:xx', () => serve('--listen', 'bad:xx'), 2, 'bad-listen', () => ['bad:xx']],
  ['serve --listen a busy port', () => serve('--listen', f.busy), 2, 'address-in-use', () => [f.busy, '--listen']],
  ['serve --keys a missing folder', () => ['serve', '--keys', f.missing, '--data', data()], 2, 'bad-key-file', () => [join(f.missing, 'log.key'), '--keys']],
  ['serve --keys a folder without log.key', () => ['serve', '--keys', f.empty, '--data', data()], 2, 'bad-key-file', () => [join(f.empty, 'log.key'), '--keys']],
  ['serve --tls-cert a missing file', () => serve('--tls-cert', '/nonexistent', '--tls-key', TLS('center-key.pem')), 2, 'unreadable', () => ['/nonexistent', '--tls-cert']],
  ['serve --tls-key a missing file', () => serve('--tls-cert', TLS('center.pem'), '--tls-key', f.missing), 2, 'unreadable', () => [f.missing, '--tls-key']],
  ['serve --tls-cert not a certificate', () => serve('--tls-cert', f.file, '--tls-key', TLS('center-key.pem')), 2, 'bad-tls', () => [f.file, '--tls-cert']],
  ['serve --tls-key not the certificate\'s', () => serve('--tls-cert', TLS('center.pem'), '--tls-key', TLS('other-key.pem')), 2, 'bad-tls', () => [TLS('other-key.pem')]],
  ['serve --tls-cert without --tls-key', () => serve('--tls-cert', TLS('center.pem')), 2, 'tls-pair', () => ['--tls-cert', '--tls-key']],
  ['serve --data a file', () => ['serve', '--keys', f.keys, '--data', f.file, '--listen', '127.0.0.1:0'], 2, 'not-a-folder', () => [f.file, '--data']],
  ['serve --routes a missing file', () => serve('--routes', f.missing), 2, 'unreadable', () => [f.missing, '--routes']],
  ['serve --routes not a route list', () => serve('--routes', f.file), 2, 'not-a-route-list', () => [f.file, '--routes']],
  ['serve --max-connections 0', () => serve('--max-connections', '0'), 2, 'bad-flag', () => ['--max-connections']],
  ['serve --behind-proxy --max-per-client', () => serve('--behind-proxy', '--max-per-client', '3'), 1, 'flag-conflict', () => ['--behind-proxy', '--max-per-client']],
  ['keygen --out existing keys', () => ['keygen', '--name', 'center.test', '--out', f.keys], 2, 'exists', () => [join(f.keys, 'box.key')]],
  ['keygen --name a bad name', () => ['keygen', '--name', 'Bad Name', '--out', f.missing], 2, 'bad-center-name', () => ['Bad Name', '--name']],
  ['compose a missing file', () => ['compose', f.missing], 2, 'unreadable', () => [f.missing]],
  ['seal a missing file', () => ['seal', '--center', f.center, f.missing], 2, 'unreadable', () => [f.missing]],
  ['seal --center a missing file', () => ['seal', '--center', f.missing, ...compose], 2, 'no-center', () => [f.missing, '--center']],
  ['seal --center not a center file', () => ['seal', '--center', f.file, ...compose], 2, 'bad-center-file', () => [f.file, '--center']],
  ['submit a missing file', () => ['submit', '--center', f.center, f.missing], 2, 'unreadable', () => [f.missing]],
  ['submit --timeout abc', () => ['submit', '--center', f.center, '--timeout', 'abc', ...compose], 2, 'bad-flag', () => ['--timeout']],
  ['submit --home a file', () => ['submit', '--center', f.center, '--home', f.file, ...compose], 2, 'not-a-folder', () => [f.file, '--home']],
  ['routes test --timeout -1', () => ['routes', 'test', '--center', f.center, '--timeout', '-1'], 2, 'bad-flag', () => ['--timeout']],
  ['routes import a missing file', () => ['routes', 'import', '--center', f.center, f.missing], 2, 'unreadable', () => [f.missing]],
  ['routes sign --in not a route list', () => ['routes', 'sign', '--keys', f.keys, '--in', f.json, '--out', join(dir, 'x.note')], 2, 'bad-routes-input', () => [f.json, '--in']],
  ['routes sign --in a missing file', () => ['routes', 'sign', '--keys', f.keys, '--in', f.missing, '--out', join(dir, 'x.note')], 2, 'unreadable', () => [f.missing, '--in']],
  ['routes sign --days -1', () => ['routes', 'sign', '--keys', f.keys, '--in', f.json, '--out', join(dir, 'x.note'), '--days', '-1'], 2, 'bad-flag', () => ['--days']],
  ['--lang fr', () => ['compose', '--lang', 'fr', ...compose], 2, 'bad-flag', () => ['--lang']],
  ['an unknown option', () => ['submit', '--bogus'], 1, 'unknown-option', () => ['--bogus']],
];

type Doc = { error: { code: string; message: string; hint: string | null } };

describe('bad input', () => {
  it.for(rows)('%s', async ([, args, exit, code, names], { expect }) => {
    // A fresh home each run: nothing a row does can leak into the next.
    const home = await mkdtemp(join(dir, 'home-'));
    const en = await sealpost(['--lang', 'en', '--home', home, ...args()]);
    expect(en.code, en.stderr).toBe(exit);
    expect(en.stdout).toBe('');
    expect(en.stderr).toMatch(/^sealpost: error: /);
    expect(en.stderr).not.toMatch(/internal error/);
    for (const name of names()) expect(en.stderr).toContain(name);

    const zh = await sealpost(['--lang', 'zh-CN', '--json', '--home', home, ...args()]);
    expect(zh.code, zh.stderr).toBe(exit);
    expect(zh.stderr).not.toMatch(/内部错误|internal error/);
    for (const name of names()) expect(zh.stderr).toContain(name);
    const doc = JSON.parse(zh.stdout) as Doc;
    expect(Object.keys(doc)).toEqual(['error']);
    expect(doc.error.code).toBe(code);
    expect(zh.stderr).toContain(`sealpost: error: ${doc.error.message}\n`);
    expect(doc.error.message).not.toBe(en.stderr.split('\n')[0]!.replace('sealpost: error: ', ''));
  });
});
