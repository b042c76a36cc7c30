/**
 * Wire spec 9 / issue 8: the passphrase is "asked on a TTY, or SEALPOST_PASSPHRASE for scripts;
 * the CLI offers to set one the first time it keeps anything" (src/cli/passphrase.ts). The built
 * command runs on a real pty (python3's pty module, as compose-interactive.test.ts does) against a
 * local center: a first `--keep-receipts` submit is offered a passphrase, the kept receipt and the
 * route health are then sealed, and the next command asks for it; without a terminal nothing is
 * asked and a warning says it is kept in the clear.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCenter, type TestCenter } from '../harness/center.js';
import { BIN, sealpost } from '../harness/cli.js';
import { drive as drivePty, type Driven, type Step } from '../harness/pty.js';

const ENTER = '\r';
let c: TestCenter;
let tmp: string;
let home: string;
let n = 0;

beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-passphrase-tty-'));
});
afterAll(async () => {
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  home = join(tmp, `home-${++n}`);
  await mkdir(home);
});

const STATEMENT = ['--name', '李口令', '--orgs', 'CYL', '--country', 'CN', '--province', '440000', '--text', '我退出共青团。'];
const good = () => ['--only-routes', '--route', c.url.href];
const common = () => ['--home', home, '--center', join(c.keysDir, 'center.json')];

function drive(args: readonly string[], steps: readonly Step[]): Promise<Driven> {
  return drivePty([process.execPath, BIN, ...common(), ...args], steps, { env: { PATH: process.env.PATH ?? '', LANG: 'C', TERM: 'xterm-256color' }, cols: 200, exitWait: 15 });
}

/** Every file under the home, by name relative to it. */
async function homeFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const e of await readdir(home, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) files.set(join(e.parentPath, e.name).slice(home.length + 1), await readFile(join(e.parentPath, e.name), 'utf8'));
  }
  return files;
}

const settings = async () => JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('the passphrase on a terminal (wire spec 9)', () => {
  it('the first kept receipt offers a passphrase; once set, the receipt and route health are sealed and the next command asks for it', async () => {
    const first = await drive(['--keep-receipts', 'submit', ...STATEMENT, ...good()], [
      { wait: 'Protect it with a passphrase', send: `y${ENTER}` },
      { wait: 'Passphrase', send: `correct horse${ENTER}` },
      { wait: 'same passphrase again', send: `correct horse${ENTER}` },
    ]);
    expect(first.failed, first.screen).toBeNull();
    expect(first.code, first.screen).toBe(0);
    expect(await settings()).toEqual({ passphrase: true });
    const files = await homeFiles();
    const all = [...files.values()].join('\n');
    // The receipt is kept (one outbox item) but only sealed: no receipt header in any file.
    expect([...files.keys()].filter((f) => f.startsWith('outbox/') && f.endsWith('.json'))).toHaveLength(1);
    expect(all).not.toContain('sealpost/receipt/v1');
    expect(all).not.toContain('李口令');
    // Route health got the same passphrase (asked once): its file is the sealed kind.
    expect(JSON.parse(files.get('health.json')!)).toHaveProperty('kdf');

    const second = await drive(['outbox', 'list', '--json'], [{ wait: 'Passphrase', send: `correct horse${ENTER}` }]);
    expect(second.failed, second.screen).toBeNull();
    expect(second.code, second.screen).toBe(0);
    expect(second.screen).not.toContain('same passphrase again');
    const items = JSON.parse(second.stdout) as { state: string; receipt?: string }[];
    expect(items).toHaveLength(1);
    expect(items[0]!.state).toBe('delivered');
    expect(items[0]!.receipt).toContain('sealpost/receipt/v1');
  });

  it('relay import creating relay.secret offers a passphrase, and the secret is written sealed', async () => {
    const csv = join(home, '..', `calls-${n}.csv`);
    await writeFile(csv, 'name,orgs,country,province,date\n王秀英,CYL,CN,440000,2024-03-01\n');
    const r = await drive(['relay', 'import', csv], [
      { wait: 'Protect it with a passphrase', send: `y${ENTER}` },
      { wait: 'Passphrase', send: `relay pass${ENTER}` },
      { wait: 'same passphrase again', send: `relay pass${ENTER}` },
    ]);
    expect(r.failed, r.screen).toBeNull();
    expect(r.code, r.screen).toBe(0);
    expect(await settings()).toEqual({ passphrase: true });
    expect(JSON.parse((await homeFiles()).get('relay.secret')!)).toHaveProperty('kdf');
  });

  it('in zh-CN, a declined offer is recorded and not made again; the receipt stays in the clear', async () => {
    const first = await drive(['--lang', 'zh-CN', '--keep-receipts', 'submit', ...STATEMENT, ...good()], [{ wait: '要用口令保护它吗', send: `n${ENTER}` }]);
    expect(first.failed, first.screen).toBeNull();
    expect(first.code, first.screen).toBe(0);
    expect(await settings()).toEqual({ passphrase: false });
    const again = await drive(['--lang', 'zh-CN', '--keep-receipts', 'submit', ...STATEMENT, ...good()], []);
    expect(again.code, again.screen).toBe(0);
    expect(again.screen).not.toContain('口令');
    expect([...(await homeFiles()).values()].join('\n')).toContain('sealpost/receipt/v1');
  });
});

describe('without a terminal', () => {
  for (const [lang, warning] of [['en', 'stored in the clear: a passphrase protects it'], ['zh-CN', '未加密：设置口令可以保护它']] as const) {
    it(`in ${lang}: nothing is asked, the receipt is kept in the clear, and a warning says a passphrase protects it`, async () => {
      const r = await sealpost([...common(), '--lang', lang, '--keep-receipts', 'submit', ...STATEMENT, ...good()]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.split(warning)).toHaveLength(2);
      expect(r.stderr).toContain(`warning: `);
      expect([...(await homeFiles()).values()].join('\n')).toContain('sealpost/receipt/v1');
    });
  }

  for (const [lang, text] of [['en', 'protected by a passphrase, and none was given'], ['zh-CN', '受口令保护，但没有提供口令']] as const) {
    it(`in ${lang}: a protected home without the variable stops with passphrase-needed (exit 2) and writes nothing`, async () => {
      const kept = await sealpost([...common(), '--keep-receipts', 'submit', ...STATEMENT, ...good()], { env: { SEALPOST_PASSPHRASE: 'for scripts' } });
      expect(kept.code, kept.stderr).toBe(0);
      const before = await homeFiles();
      for (const args of [['--keep-receipts', 'submit', ...STATEMENT, ...good()], ['outbox', 'list'], ['routes', 'list', ...good()]]) {
        const r = await sealpost([...common(), '--lang', lang, ...args]);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(text);
        const doc = await sealpost([...common(), '--lang', lang, '--json', ...args]);
        expect(doc.code).toBe(2);
        expect((JSON.parse(doc.stdout) as { error: { code: string } }).error.code).toBe('passphrase-needed');
      }
      // Nothing new, nothing in the clear: the same files with the same bytes.
      expect(await homeFiles()).toEqual(before);
    });
  }

  it('SEALPOST_PASSPHRASE seals without a question and records that a passphrase is set, so a terminal run asks for it', async () => {
    const r = await sealpost([...common(), '--keep-receipts', 'submit', ...STATEMENT, ...good()], { env: { SEALPOST_PASSPHRASE: 'for scripts' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('in the clear');
    expect(await settings()).toEqual({ passphrase: true });
    const tty = await drive(['outbox', 'list', '--json'], [{ wait: 'Passphrase', send: `for scripts${ENTER}` }]);
    expect(tty.failed, tty.screen).toBeNull();
    expect(tty.code, tty.screen).toBe(0);
    expect((JSON.parse(tty.stdout) as { receipt?: string }[])[0]!.receipt).toContain('sealpost/receipt/v1');
  });
});
