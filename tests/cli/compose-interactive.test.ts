/**
 * Issue 8, build point 4 and its acceptance: "the interactive compose is driven in a test through
 * a pseudo-terminal in both languages and produces the same statement as the flags". The built
 * command runs on a real pty (python3's pty module: stdin and stderr are the terminal, stdout a
 * pipe), driven by keystrokes; each keystroke waits for the text of the prompt it answers (no
 * sleeps). Also: Ctrl-C and Ctrl-D leave with exit 1 and nothing written; the zh-CN questions are
 * Chinese; "change my answers" goes round again; askPassphrase reads hidden input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, sealpost } from '../harness/cli.js';
import { drive as drivePty, type Driven, type Step } from '../harness/pty.js';

const ENTER = '\r';
const DOWN = '\x1b[B';
const SPACE = ' ';
const CTRL_C = '\x03';
const CTRL_D = '\x04';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-wizard-'));
  // A center whose only route is a closed port: a submit fails at once with `refused` (exit 3).
  const made = await sealpost(['keygen', '--name', 'c.example', '--out', join(dir, 'keys'), '--url', 'http://127.0.0.1:1/']);
  expect(made.code, made.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function drive(args: readonly string[], steps: readonly Step[], env: NodeJS.ProcessEnv = {}): Promise<Driven> {
  const home = join(dir, 'home');
  return drivePty([process.execPath, BIN, ...args], steps, {
    env: { PATH: process.env.PATH ?? '', LANG: 'C', TERM: 'xterm-256color', SEALPOST_HOME: home, ...env },
    cwd: dir,
  });
}

/** The statement without its random fields (spec 2: a fresh id and tag key every time). */
function comparable(json: string): Record<string, unknown> {
  const { id, tagKey, ...rest } = JSON.parse(json) as Record<string, unknown>;
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  expect(tagKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  return rest;
}

/** Every file under the working folder, the home folder included, but the center's keys. */
async function written(): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.parentPath.includes(`${dir}/keys`)).map((e) => join(e.parentPath, e.name));
}

const FLAGS = ['--name', '小李', '--name', '老王', '--orgs', 'CYL,CYP', '--country', 'CN', '--province', '450000', '--city', '南宁', '--sector', 'education', '--text', '我退出共青团。\n  第二行', '--publish'];

/** The keystrokes that answer as FLAGS do, in either language (the prompts' texts differ). */
function answersLikeFlags(q: Record<string, string>): Step[] {
  return [
    { wait: q.kind!, send: ENTER }, // an alias, the default
    { wait: q.name!, send: `小李${ENTER}` },
    { wait: q.more!, send: `y${ENTER}` },
    { wait: q.person2!, send: `老王${ENTER}` },
    { wait: q.person3!, send: ENTER },
    { wait: q.orgs!, send: `${DOWN}${SPACE}${DOWN}${SPACE}` },
    { wait: q.cypChecked!, send: ENTER },
    { wait: q.cn!, send: ENTER }, // China, the default
    { wait: q.province!, send: 'guang' },
    { wait: q.guangxi!, send: `${DOWN}` },
    { wait: '❯ .*Guangxi|❯ 广西', send: ENTER },
    { wait: q.city!, send: `南宁${ENTER}` },
    { wait: q.sector!, send: DOWN.repeat(12) },
    { wait: q.education!, send: ENTER },
    { wait: q.text!, send: `我退出共青团。${ENTER}` },
    { wait: q.line2!, send: `  第二行${ENTER}` },
    { wait: q.line3!, send: ENTER },
    { wait: q.publish!, send: `y${ENTER}` },
    { wait: q.review!, send: ENTER },
  ];
}

const EN = {
  kind: 'alias or with your real name', name: 'Your alias', more: 'anyone else', person2: 'Name of person 2', person3: 'Name of person 3',
  orgs: 'Which organisations', cypChecked: '◉ Young Pioneers', cn: '❯ China \\(CN\\)', province: 'Province', guangxi: 'Guangxi',
  city: 'City', sector: 'sector you work in', education: '❯ education', text: 'in your own words', line2: 'line 2', line3: 'line 3',
  publish: 'May the center publish', review: 'Is this right',
};
const ZH = {
  kind: '用化名还是真名', name: '您的化名', more: '还有别人', person2: '第 2 人的姓名', person3: '第 3 人的姓名',
  orgs: '退出哪些组织', cypChecked: '◉ 少先队', cn: '❯ 中国（CN）', province: '省份', guangxi: '广西壮族自治区',
  city: '城市', sector: '所在的系统', education: '❯ 教育（education）', text: '用自己的话', line2: '第 2 行', line3: '第 3 行',
  publish: '是否同意中心公开', review: '以上内容正确吗',
};

describe('compose on a terminal asks step by step', () => {
  let fromFlags: Record<string, unknown>;
  beforeAll(async () => {
    const r = await sealpost(['compose', ...FLAGS], { env: { SEALPOST_HOME: join(dir, 'home') } });
    expect(r.code, r.stderr).toBe(0);
    fromFlags = comparable(r.stdout);
  });

  for (const [lang, q] of [['en', EN], ['zh-CN', ZH]] as const) {
    it(`in ${lang}: the answers make the flags' statement, shown before it is printed`, async () => {
      const r = await drive(['--lang', lang, 'compose'], answersLikeFlags(q));
      expect(r.failed, r.screen).toBeNull();
      expect(r.code, r.screen).toBe(0);
      expect(comparable(r.stdout)).toEqual(fromFlags);
      // The review shows the statement in the user's language before it is printed.
      if (lang === 'zh-CN') expect(r.screen).toMatch(/姓名：小李、老王（化名）[\s\S]*退出：共青团、少先队[\s\S]*省份：广西壮族自治区（450000）[\s\S]*系统：教育（education）[\s\S]*公开姓名和内容：是/);
      else expect(r.screen).toMatch(/Names: 小李, 老王 \(alias\)[\s\S]*Leaves: Communist Youth League, Young Pioneers[\s\S]*Province: 广西壮族自治区 \(450000\)/);
      expect(await written()).toEqual([]);
    });
  }
});

/** Words of three letters or more left in zh-CN prompts once what stays English is taken out. */
function english(screen: string, typed: readonly string[]): string[] {
  const rest = screen
    .replace(/（[\w-]+）/g, ' ') // a value to type, after its Chinese name
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ') // codes: CN, CCP
    .replace(/^sealpost: (?:hint|error|warning):/gm, ' '); // the prefix stays English (src/cli/output.ts)
  // What was typed is echoed letter by letter: `g`, `gu`, `gua`, ….
  const allowed = new Set(['Ctrl-C', ...typed.flatMap((w) => [...w].map((_, i) => w.slice(0, i + 1)))]);
  return [...rest.matchAll(/[A-Za-z][A-Za-z-]{2,}/g)].map((m) => m[0]).filter((w) => !allowed.has(w));
}

describe('on a terminal, in the user\'s language', () => {
  it('the zh-CN questions, hints and review are Chinese (no English word but codes and what was typed)', async () => {
    const r = await drive(['--lang', 'zh-CN', 'compose'], answersLikeFlags(ZH));
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain('↑↓ 移动 • 空格 选择 • ⏎ 完成');
    expect(english(r.screen, ['guang'])).toEqual([]);
    // The checker sees what inquirer writes untranslated.
    expect(english('? 省份\n↑↓ navigate • ⏎ select\n> No results found', [])).toEqual(['navigate', 'select', 'results', 'found']);
  });

  it('an answer the statement rules refuse is named in Chinese; a search that matches nothing says so; Chinese names find their province', async () => {
    const r = await drive(['--lang', 'zh-CN', 'compose'], [
      { wait: ZH.kind, send: ENTER }, { wait: ZH.name, send: `${'李'.repeat(65)}${ENTER}` },
      { wait: '姓名 最多只能有 64 个字符', send: `\x15小李${ENTER}` }, { wait: ZH.more, send: ENTER },
      { wait: ZH.orgs, send: SPACE }, { wait: '◉ 中国共产党', send: ENTER }, { wait: ZH.cn, send: ENTER },
      { wait: ZH.province, send: 'zzz' }, { wait: '没有匹配项', send: '\x7f\x7f\x7f四川' }, { wait: '❯ 四川省（510000）', send: ENTER },
      { wait: ZH.city, send: CTRL_C },
    ]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.screen).toContain('✔ 省份（可输入文字搜索） 四川省');
    expect(r.code).toBe(1);
  });
});

describe('leaving the questions: nothing is written or sent', () => {
  it('Ctrl-C at any question exits 1, says so, prints no statement and writes no file', async () => {
    const r = await drive(['--lang', 'zh-CN', 'compose'], [{ wait: ZH.kind, send: ENTER }, { wait: ZH.name, send: `小李${ENTER}` }, { wait: ZH.more, send: CTRL_C }]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.screen).toContain('sealpost: error: 已取消：没有写入或发送任何内容');
    expect(await written()).toEqual([]);
  });

  it('Ctrl-D (end of input) exits 1 too, not 0 with nothing done', async () => {
    const r = await drive(['compose'], [{ wait: EN.kind, send: ENTER }, { wait: EN.name, send: CTRL_D }]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.code, r.screen).toBe(1);
    expect(r.screen).toContain('sealpost: error: cancelled: nothing was written or sent');
    expect(r.stdout).toBe('');
  });

  it('"cancel" at the review exits 1; submit then queues nothing', async () => {
    const steps = answersLikeFlags(EN);
    steps[steps.length - 1] = { wait: EN.review, send: `${DOWN}${DOWN}` };
    const r = await drive(['submit', '--center', join(dir, 'keys', 'center.json')], [...steps, { wait: '❯ cancel', send: ENTER }]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.code, r.screen).toBe(1);
    expect(r.screen).toContain('cancelled: nothing was written or sent');
    expect(await written()).toEqual([]);
  });
});

describe('submit on a terminal', () => {
  it('asks, then seals and queues the statement; no file holds a name or the text', async () => {
    const r = await drive(['--lang', 'zh-CN', 'submit', '--center', join(dir, 'keys', 'center.json'), '--timeout', '5'], answersLikeFlags(ZH));
    expect(r.failed, r.screen).toBeNull();
    expect(r.screen).toContain('direct-1');
    expect(r.code, r.screen).toBe(3); // queued, the only route refused
    const files = await written();
    expect(files.some((f) => f.includes(`${join(dir, 'home', 'outbox')}`))).toBe(true);
    const { readFile } = await import('node:fs/promises');
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      for (const secret of ['小李', '老王', '南宁', '第二行']) expect(text, f).not.toContain(secret);
    }
    await rm(join(dir, 'home'), { recursive: true, force: true });
  });
});

describe('"change my answers"', () => {
  it('asks again with the previous answers filled in: Enter keeps one, the edited one changes', async () => {
    const first = answersLikeFlags(EN);
    first[first.length - 1] = { wait: EN.review, send: DOWN };
    const again: Step[] = [
      { wait: '❯ no, change my answers', send: ENTER },
      { wait: EN.kind, send: ENTER },
      { wait: `${EN.name} 小李`, send: ENTER },
      { wait: EN.more, send: ENTER }, // default now yes
      { wait: `${EN.person2}.* 老王`, send: ENTER },
      { wait: EN.person3, send: ENTER },
      { wait: '◉ Young Pioneers', send: ENTER },
      { wait: '❯ China', send: ENTER },
      { wait: '❯ Guangxi', send: ENTER },
      { wait: `${EN.city}.* 南宁`, send: `\x7f\x7f桂林${ENTER}` },
      { wait: EN.education, send: ENTER },
      { wait: `${EN.text}.* 我退出共青团。`, send: ENTER },
      { wait: `${EN.line2}.*第二行`, send: ENTER },
      { wait: EN.line3, send: ENTER },
      { wait: EN.publish, send: ENTER },
      { wait: EN.review, send: ENTER },
    ];
    const r = await drive(['compose'], [...first, ...again]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.code, r.screen).toBe(0);
    const st = JSON.parse(r.stdout) as { region: { city: string }; people: unknown[]; text: string; publish: boolean };
    expect(st.region).toEqual({ country: 'CN', province: '450000', city: '桂林' });
    expect(st.people).toHaveLength(2);
    expect(st.text).toBe('我退出共青团。\n  第二行');
    expect(st.publish).toBe(true);
  });
});

describe('not on a terminal, nothing is asked', () => {
  it('compose without a statement exits 1 naming the flags', async () => {
    const r = await sealpost(['compose'], { env: { SEALPOST_HOME: join(dir, 'home') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--name <alias>');
  });
});
