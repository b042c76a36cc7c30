/**
 * Issue 7, acceptance: "a test greps zh-CN output of each command's failure paths for untranslated
 * English words". Each command's failure paths run through the built command with `--lang zh-CN`;
 * stderr may hold no run of three ASCII letters but what stays English by the output rules: the
 * `sealpost: error:` prefixes, flags, paths and URLs, file names, upper-case codes (CN, CCP, TLS),
 * route ids, the values one types (shown after their Chinese name: `教育（education）`), statement
 * field names, and the commands to run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealpost } from '../harness/cli.js';

/** Words that stay English in zh-CN output, by the output rules (CLI spec, STYLE habit 9). */
const ALLOWED = new Set([
  // the `sealpost: <level>:` prefix stays English so that scripts can grep it
  'sealpost', 'error', 'warning', 'hint',
  // commands to type
  'keygen', 'serve', 'compose', 'seal', 'submit', 'demo', 'routes', 'list', 'test', 'update', 'sign', 'import',
  'outbox', 'flush', 'show', 'wipe', 'relay', 'accept', 'report',
  'verify', 'log', 'export', 'witness', 'tally', 'recount', 'vkey',
  // the name of a published protocol (C2SP tlog-witness)
  'C2SP', 'tlog-witness', 'tlog-tiles', 'tlog-cosignature', 'Ctrl-C', 'awk',
  // CSV column names and file suffixes as typed (real_name, tag_key, .jsonl, .rejects.csv)
  'real', 'tag', 'jsonl', 'JSONL', 'rejects', 'csv', 'CSV',
  'sha256sum', 'certutil', 'hashfile', 'Windows', 'Ctrl',
  // statement fields as typed (`name: …` lines, JSON paths such as `region.province`)
  'name', 'real-name', 'orgs', 'country', 'province', 'city', 'sector', 'channel', 'date', 'text', 'publish', 'text-lang',
  'people', 'region', 'realName', 'lang', 'tagKey', 'kind', 'group',
  // center file fields (`boxKey 无效`)
  'boxKey', 'logKey', 'tallyKey', 'routesKey',
  // key: value, the syntax of a statement typed after `-`; yes / no, its booleans
  'key', 'value', 'yes',
  // a setting as typed in settings.json
  'keepReceipts', 'true',
  'IPv6',
  // tls strategies as typed (wire spec 6: split:N, tlsfrag:sni, ...)
  'split', 'tlsfrag', 'sni',
]);

/** The English words left in `stderr` once everything that stays English is taken out. */
function english(stderr: string): string[] {
  const rest = stderr
    .replace(/（[\w-]+）/g, ' ') // a value to type, after its Chinese name
    .replace(/[\w.~:+-]*\/[^\s，。；：（）、]*/g, ' ') // paths and URLs
    .replace(/(?<![\w-])--?[A-Za-z][\w-]*/g, ' ') // flags
    .replace(/\b[\w-]+\.(?:json|key|note|pem|csv|mjs|txt)\b/g, ' ') // file names
    .replace(/\b[\w.]+(?:\+[\w-]+)?-\d+\b/g, ' ') // route ids: arg-1, direct-1+proxy-1
    .replace(/\b[0-9a-f]{16,}\b/g, ' ') // envelope ids
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, ' '); // codes: CN, CCP, TLS, SHA256, SEALPOST_PASSPHRASE
  return [...rest.matchAll(/[A-Za-z][A-Za-z0-9-]*/g)].filter((m) => /[A-Za-z]{3}/.test(m[0])).map((m) => m[0]).filter((w) => !ALLOWED.has(w));
}

let dir: string;
let center: string;
let busy: Server;
let busyPort: number;
const STATEMENT = ['--name', '小李', '--orgs', 'CYL', '--country', 'CN', '--province', '110000'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-zh-'));
  // A center whose only route is a closed port: delivery fails at once with `refused` (exit 3).
  const made = await sealpost(['keygen', '--name', 'c.example', '--out', join(dir, 'keys'), '--url', 'http://127.0.0.1:1/']);
  expect(made.code).toBe(0);
  center = join(dir, 'keys', 'center.json');
  await writeFile(join(dir, 'empty.json'), '{}');
  await writeFile(join(dir, 'not-json.json'), 'not json');
  await writeFile(join(dir, 'bad-box.json'), JSON.stringify({ v: 1, name: 'c.example', boxKey: 'x' }));
  await writeFile(join(dir, 'routes-bad.json'), '{"nope": 1}');
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

type Case = readonly [name: string, args: () => string[], exit: number, input?: string];

const CASES: readonly Case[] = [
  // commander's own errors
  ['unknown option', () => ['--bogus'], 1],
  ['unknown option of a command', () => ['submit', '--bogus'], 1],
  ['missing required option', () => ['keygen'], 1],
  ['option without its value', () => ['keygen', '--name'], 1],
  ['missing argument', () => ['routes', 'import'], 1],
  ['too many arguments', () => ['compose', 'a', 'b'], 1],
  // compose: statement fields, enum values, files, stdin lines
  ['no statement', () => ['compose'], 1],
  ['bad orgs', () => ['compose', '--name', 'a', '--orgs', 'XX', '--country', 'CN', '--province', '110000'], 2],
  ['bad sector', () => ['compose', ...STATEMENT, '--sector', 'farming'], 2],
  ['bad channel', () => ['compose', ...STATEMENT, '--channel', 'pigeon'], 2],
  ['bad country', () => ['compose', '--name', 'a', '--orgs', 'CYL', '--country', 'ZZ'], 2],
  ['province outside CN', () => ['compose', '--name', 'a', '--orgs', 'CYL', '--country', 'HK', '--province', '110000'], 2],
  ['bad date', () => ['compose', ...STATEMENT, '--date', '2024-02-30'], 2],
  ['missing statement file', () => ['compose', join(dir, 'nothing.json')], 2],
  ['unknown field on stdin', () => ['compose', '-'], 2, 'name: 小李\nzz: 1\n'],
  ['bad JSON on stdin', () => ['compose', '-'], 2, '{"v": 1,'],
  ['statement JSON with a bad sector', () => ['compose', '-'], 2, '{"v":1,"kind":"withdrawal","sector":"farming"}'],
  // seal and submit: center files, flags, routes
  ['no center file', () => ['seal', ...STATEMENT], 2],
  ['missing center file', () => ['submit', '--center', join(dir, 'nothing.json'), ...STATEMENT], 2],
  ['center file that is not JSON', () => ['submit', '--center', join(dir, 'not-json.json'), ...STATEMENT], 2],
  ['center file of an unknown version', () => ['submit', '--center', join(dir, 'empty.json'), ...STATEMENT], 2],
  ['center file with a bad key', () => ['submit', '--center', join(dir, 'bad-box.json'), ...STATEMENT], 2],
  ['bad timeout', () => ['submit', '--center', center, '--timeout', 'abc', ...STATEMENT], 2],
  ['bad route', () => ['submit', '--center', center, '--route', 'ftp://x', ...STATEMENT], 2],
  ['bad proxy', () => ['submit', '--center', center, '--proxy', 'ftp://x:1', ...STATEMENT], 2],
  ['plaintext proxy off this machine', () => ['submit', '--center', center, '--proxy', 'http://u:p@198.51.100.1:3128', ...STATEMENT], 2],
  ['every route refused: the attempts table', () => ['submit', '--center', center, '--timeout', '5', ...STATEMENT], 3],
  // serve
  ['serve: bad listen address', () => ['serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', 'x:y'], 2],
  ['serve: missing keys folder', () => ['serve', '--keys', join(dir, 'nothing'), '--data', join(dir, 'data')], 2],
  ['serve: missing certificate', () => ['serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--tls-cert', join(dir, 'no.pem'), '--tls-key', join(dir, 'no.pem')], 2],
  ['serve: port in use', () => ['serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', `127.0.0.1:${busyPort}`], 2],
  // keygen
  ['keygen: bad center name', () => ['keygen', '--name', 'BAD', '--out', join(dir, 'k1')], 2],
  ['keygen: bad url', () => ['keygen', '--name', 'ok.example', '--out', join(dir, 'k2'), '--url', 'ftp://x'], 2],
  ['keygen: keys exist', () => ['keygen', '--name', 'c.example', '--out', join(dir, 'keys')], 2],
  // routes
  ['routes test: every route refused', () => ['routes', 'test', '--center', center, '--timeout', '5'], 3],
  ['routes sign: missing keys', () => ['routes', 'sign', '--keys', join(dir, 'nothing'), '--in', join(dir, 'routes-bad.json'), '--out', join(dir, 'r.note')], 2],
  ['routes sign: bad input', () => ['routes', 'sign', '--keys', join(dir, 'keys'), '--in', join(dir, 'routes-bad.json'), '--out', join(dir, 'r.note')], 2],
  ['routes import: missing file', () => ['routes', 'import', '--center', center, join(dir, 'nothing.note')], 2],
];

describe('zh-CN output of the failure paths has no untranslated English', () => {
  for (const [name, args, exit, input] of CASES) it(name, async () => {
    const r = await sealpost(['--lang', 'zh-CN', ...args()], {
      env: { SEALPOST_HOME: join(dir, 'home') },
      ...(input === undefined ? {} : { input }),
    });
    expect(r.stderr).toMatch(/\p{Script=Han}/u);
    expect(english(r.stderr), r.stderr).toEqual([]);
    // `routes test` prints its table as data, on stdout (CLI spec).
    if (exit === 3) expect(english(r.stdout), r.stdout).toEqual([]);
    expect(r.code, r.stderr).toBe(exit);
  });

  const COMMANDS = [[], ['keygen'], ['serve'], ['compose'], ['seal'], ['submit'], ['demo'], ['routes'], ['routes', 'list'], ['routes', 'test'], ['routes', 'update'], ['routes', 'sign'], ['routes', 'import'], ['outbox', 'flush'], ['relay', 'import'], ['verify'], ['log', 'export'], ['witness', 'serve'], ['tally'], ['recount'], ['wipe'], ['ui']];
  for (const cmd of COMMANDS) {
    it(`help of sealpost ${cmd.join(' ')}`, async () => {
      const r = await sealpost(['--lang', 'zh-CN', ...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(english(r.stdout), r.stdout).toEqual([]);
    });
  }

  it('LANGUAGE picks zh-CN before LANG (gettext order)', async () => {
    const r = await sealpost(['compose', ...STATEMENT, '--sector', 'farming'], {
      env: { SEALPOST_HOME: join(dir, 'home'), LANGUAGE: 'zh_CN:en', LANG: 'en_US.UTF-8' },
    });
    expect(r.stderr).toContain('教育（education）');
    expect(english(r.stderr)).toEqual([]);
  });

  it('the attempts table shows outcomes in Chinese, and --json keeps the stable words', async () => {
    const human = await sealpost(['--lang', 'zh-CN', 'submit', '--center', center, '--timeout', '5', ...STATEMENT], { env: { SEALPOST_HOME: join(dir, 'home') } });
    expect(human.stderr).toMatch(/direct-1 +连接被拒绝/);
    const json = await sealpost(['--lang', 'zh-CN', 'submit', '--json', '--center', center, '--timeout', '5', ...STATEMENT], { env: { SEALPOST_HOME: join(dir, 'home') } });
    expect((JSON.parse(json.stdout) as { attempts: { outcome: string }[] }).attempts.map((a) => a.outcome)).toEqual(['refused']);
  });

  it('the checker finds English words (it would fail against the output before issue 7)', () => {
    expect(english('sealpost: error: --sector 必须是以下之一：government, public-security')).toEqual(['government', 'public-security']);
    expect(english('direct-1  refused (连接被拒绝)  5')).toEqual(['refused']);
    expect(english('sealpost: error: /tmp/c.json：不是有效的中心文件（unknown version）')).toEqual(['unknown', 'version']);
    expect(english('sealpost: error: 缺少必需的选项 --name <center name>')).toEqual(['center']);
  });
});
