/**
 * Issue 6, finding 4: a statement given with flags sits in `ps`, `/proc/<pid>/cmdline` and the
 * shell's history. The CLI warns on a terminal, and the documented way is the statement typed or
 * pasted on stdin (`submit -`), as `key: value` lines or JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArmor } from '../../src/crypto/armor.js';
import { openEnvelopeText } from '../../src/crypto/envelope.js';
import { readSecretKeyFile } from '../../src/crypto/keys.js';
import { parseStatementLines } from '../../src/cli/statement-lines.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { BIN, sealpost } from '../harness/cli.js';

let c: TestCenter;
let tmp: string;
let centerFile: string;

beforeAll(async () => {
  c = await startCenter();
  centerFile = join(c.keysDir, 'center.json');
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-stdin-'));
});
afterAll(async () => {
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

const NAME = '李秘密名';
const TEXT = 'Qjxzv private words 声明私密正文';
const FLAGS = ['--name', NAME, '--orgs', 'CYL,CYP', '--country', 'CN', '--province', '440000', '--text', TEXT];
const LINES = `name: ${NAME}\norgs: CYL,CYP\ncountry: CN\nprovince: 440000\ntext: ${TEXT}\n`;

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built CLI on a real pseudo-terminal (util-linux `script`): stdin, stdout and stderr are
 * the terminal, and `input` is what a person types; `\x04` (Ctrl-D) on an empty line ends it.
 */
async function onTty(args: readonly string[], input = ''): Promise<{ code: number | null; out: string }> {
  const child = spawn('script', ['-qec', [process.execPath, BIN, ...args].map(shq).join(' '), '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', LANG: 'C', SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out: out.replace(/\r\n/g, '\n') };
}

describe('a statement on the command line (issue 6, finding 4)', () => {
  it.each([
    ['en', /^sealpost: warning: the statement is on the command line: anyone on this machine can read it in the process list \(ps, \/proc\), and it stays in your shell's history$/m, /^sealpost: hint: .*sealpost compose -/m],
    ['zh-CN', /^sealpost: warning: 声明写在了命令行上：本机上任何人都能在进程列表（ps、\/proc）中看到它，它也会留在 shell 的历史记录里$/m, /^sealpost: hint: .*sealpost compose -/m],
  ])('compose with flags on a terminal warns in %s and names the safe way', async (lang, warning, hint) => {
    const r = await onTty(['--lang', lang, 'compose', ...FLAGS]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(warning);
    expect(r.out).toMatch(hint);
  });

  it('submit with flags on a terminal warns before anything else, even when the statement is then refused', async () => {
    const r = await onTty(['submit', '--home', join(tmp, 'home-flags'), '--center', centerFile, '--route', c.url.toString(), '--name', NAME, '--orgs', 'XYZ', '--country', 'CN']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^sealpost: warning: the statement is on the command line/m);
    expect(r.out).toMatch(/^sealpost: hint: .*sealpost submit -/m);
  });

  it('off a terminal (a script, a pipe) the flags still work and no warning is printed', async () => {
    const r = await sealpost(['compose', ...FLAGS]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('submit - on a terminal: a hint says what to type and how to end, the typed lines are delivered, and no warning', async () => {
    const home = join(tmp, 'home-tty');
    const r = await onTty(['submit', '-', '--home', home, '--center', centerFile, '--route', c.url.toString()], `${LINES}\x04`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sealpost: hint: type or paste the statement, one field a line .*Ctrl-D/m);
    expect(r.out).not.toMatch(/warning/);
    expect(r.out).toMatch(/delivered over arg-1; receipt verified for envelope [0-9a-f]{64}/);
    expect(await readdir(join(home, 'outbox'))).toEqual([]);
  });

  it('the hint for stdin is in zh-CN too', async () => {
    const r = await onTty(['--lang', 'zh-CN', 'seal', '-', '--center', centerFile], `${LINES}\x04`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sealpost: hint: 请输入或粘贴声明，每行一项.*Ctrl-D/m);
    expect(r.out).not.toMatch(/warning/);
  });
});

describe('submit - with the statement on stdin', () => {
  it('delivers to a real center, and the statement is in no process command line while the CLI reads it', async () => {
    const home = join(tmp, 'home-pipe');
    const child = spawn(process.execPath, [BIN, 'submit', '-', '--json', '--home', home, '--center', centerFile, '--route', c.url.toString()], {
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // The statement is written but stdin is still open, so the CLI is alive and waiting: look at
    // every command line on this machine now.
    await new Promise<void>((r) => child.stdin.write(LINES, () => r()));
    const own = await readFile(`/proc/${child.pid}/cmdline`, 'utf8');
    expect(own.split('\0')).toContain('submit');
    const needles = [NAME, TEXT, 'Qjxzv', '声明私密正文'];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const line = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      for (const n of needles) expect(line.includes(n), `process ${pid}: ${line}`).toBe(false);
    }
    child.stdin.end();
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.toMatch(/warning/);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { delivered: boolean; route: string };
    expect(doc).toMatchObject({ delivered: true, route: 'arg-1' });
  });

  it('seal - maps every key: value line to its field (continued text, a group, booleans, a full-width colon)', async () => {
    const input = [
      '# comment lines and blank lines are skipped',
      '',
      `name: ${NAME}`,
      'Name：小王',
      'orgs: 团 队',
      'country: cn',
      'province: 广东',
      'city: 深圳',
      'real-name: yes',
      'publish: no',
      'text-lang: zh_CN',
      'text: first line',
      '  second line: with a colon',
      '',
    ].join('\n');
    const r = await sealpost(['seal', '-', '--center', centerFile], { input });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const box = await readSecretKeyFile(join(c.keysDir, 'box.key'), 'box');
    const st = JSON.parse(openEnvelopeText(readArmor(r.stdout).envelopes[0]!, [box.secretKey])) as Record<string, unknown>;
    expect(st).toMatchObject({
      people: [
        { name: NAME, realName: true, orgs: ['CYL', 'CYP'] },
        { name: '小王', realName: true, orgs: ['CYL', 'CYP'] },
      ],
      region: { country: 'CN', province: '440000', city: '深圳' },
      text: 'first line\nsecond line: with a colon',
      lang: 'zh-CN',
      channel: 'internet',
    });
    expect(st.publish).toBeUndefined();
  });

  it.each([
    ['nick: x\n', 2, /line 1: unknown field nick/],
    ['name: a\norgs: CCP\norgs: CYL\ncountry: US\n', 2, /line 3: orgs is given twice/],
    ['name: a\norgs: CCP\ncountry: US\npublish: maybe\n', 2, /line 4: publish must be yes or no/],
    ['just words\n', 2, /line 1: not a field: write name: value/],
    ['orgs: CCP\ncountry: US\n', 2, /missing a name: line/],
    ['name: a\norgs: XYZ\ncountry: US\n', 2, /orgs must be one of/],
    ['', 2, /no statement given/],
  ])('seal - refuses %j with exit %i', async (input, code, message) => {
    const r = await sealpost(['seal', '-', '--center', centerFile], { input });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a statement from stdin and compose flags together is a usage error, not a silent choice', async () => {
    const r = await sealpost(['seal', '-', '--center', centerFile, '--orgs', 'CCP'], { input: LINES });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sealpost: error: give the statement either as a file \(or - for stdin\) or with the compose flags, not both$/m);
  });

  it('compose - prints the full statement built from the lines', async () => {
    const r = await sealpost(['compose', '-'], { input: LINES });
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout) as { people: unknown[]; id: string; tagKey: string };
    expect(st.people).toEqual([{ name: NAME, orgs: ['CYL', 'CYP'] }]);
    expect(st.id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('parseStatementLines', () => {
  it('reads keys in any case, with - or _, and both colons', () => {
    expect(parseStatementLines('NAME: a\nReal_Name: 1\ncountry：US\norgs:CCP\n')).toEqual({ name: ['a'], realName: true, country: 'US', orgs: 'CCP' });
  });
  it('joins indented lines to the field above with a newline, and keeps CRLF input working', () => {
    expect(parseStatementLines('text: a\r\n\tb\r\n  c\r\nname: x\r\n')).toEqual({ text: 'a\nb\nc', name: ['x'] });
  });
  it('keeps blank lines between continued lines (paragraphs), drops them before the next key', () => {
    expect(parseStatementLines('text:\n  p1\n\n  p2\n\nname: x\n')).toEqual({ text: 'p1\n\np2', name: ['x'] });
  });
  it('refuses an indented first line', () => {
    expect(() => parseStatementLines('  name: x\n')).toThrow(/line 1/);
  });
});
