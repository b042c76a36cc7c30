/**
 * CLI spec: with `--json`, a command that fails before it has a result (exit 1, 2 or 5) prints one
 * document `{"error": {"code", "message", "hint"}}` on stdout, in the user's language (`--lang`,
 * else LANGUAGE, LC_ALL, LC_MESSAGES, LANG in gettext's order). A table of bad inputs, run through
 * the built command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sealpost } from '../harness/cli.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-json-errors-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

const CENTER = fileURLToPath(new URL('../../config/center.example.json', import.meta.url));
type Doc = { error: { code: string; message: string; hint: string | null } };

describe('--json error documents', () => {
  it.each([
    [['submit', '--json', '--bogus'], 1, 'unknown-option', /unknown option --bogus/, /未知选项 --bogus/],
    [['routes', 'sign', '--json', '--keys', 'k', '--in', 'i', '--out', 'o', '--days', '-1'], 2, 'bad-flag', /--days needs a positive number/, /--days 需要一个正数/],
    [['submit', '--json', '--name', 'A', '--orgs', 'CYL', '--country', 'TW'], 2, 'no-center', /no center file/, /中心文件/],
    [['routes', 'list', '--json', '--center', CENTER, '--proxy', 'ftp://x:1'], 2, 'bad-proxy', /--proxy/, /--proxy/],
    [['routes', 'list', '--json', '--center', CENTER, '--proxy', 'http://u:secret@198.51.100.1:3128'], 2, 'plain-proxy', /plaintext proxy/, /明文代理/],
  ] as const)('%j exits %i with one error document', async (args, exit, code, en, zh) => {
    for (const [lang, text] of [['en', en], ['zh-CN', zh]] as const) {
      const r = await sealpost(['--home', home, ...args, '--lang', lang]);
      expect(r.code).toBe(exit);
      const doc = JSON.parse(r.stdout) as Doc;
      expect(Object.keys(doc)).toEqual(['error']);
      expect(doc.error.code).toBe(code);
      expect(doc.error.message).toMatch(text);
      expect(r.stdout).not.toContain('secret');
      expect(r.stderr).toContain('sealpost: error: ');
    }
  });

  it('LANGUAGE comes first in gettext order (its first entry we have)', async () => {
    const r = await sealpost(['submit', '--json', '--home', home, '--name', 'A', '--orgs', 'CYL', '--country', 'TW'], { env: { LANGUAGE: 'fr:zh_CN', LANG: 'en_US.UTF-8' } });
    expect((JSON.parse(r.stdout) as Doc).error.message).toMatch(/中心文件/);
  });
});
