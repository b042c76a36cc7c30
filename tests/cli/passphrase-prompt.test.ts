/**
 * askPassphrase (src/cli/prompts/passphrase.ts; wire spec 9: the passphrase is "asked on a TTY"):
 * hidden input in the user's language, asked twice when one is being set, Ctrl-C leaves with the
 * `aborted` UsageError. Driven in-process through a terminal-like stream, each keystroke sent once
 * the prompt it answers is drawn (no sleeps).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { setLang } from '../../src/cli/i18n/index.js';
import { Output } from '../../src/cli/output.js';
import { askPassphrase } from '../../src/cli/prompts/passphrase.js';

function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  // Each inquirer prompt ends the stream it draws on; process.stderr ignores that, so does this one.
  const stderr = Object.assign(new PassThrough(), { end: () => stderr });
  let screen = '';
  let mark = 0;
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  stderr.setEncoding('utf8').on('data', (d: string) => {
    screen += d;
    for (const w of [...waiters]) {
      if (w.re.test(screen.slice(mark))) {
        waiters.splice(waiters.indexOf(w), 1);
        mark = screen.length;
        w.resolve();
      }
    }
  });
  const out = new Output({ stdin, stdout: new PassThrough(), stderr, env: {} }, false);
  /** Types `keys` once `re` shows in what was drawn since the last keystroke. */
  const type = async (re: RegExp, keys: string) => {
    if (!re.test(screen.slice(mark))) await new Promise<void>((resolve) => waiters.push({ re, resolve }));
    else mark = screen.length;
    stdin.write(keys);
  };
  return { out, type, screen: () => screen };
}

afterEach(() => setLang('en'));

describe('askPassphrase', () => {
  it('reads a hidden passphrase in zh-CN, asks again when the two differ, and never echoes it', async () => {
    setLang('zh-CN');
    const term = terminal();
    const asked = askPassphrase(term.out, { confirm: true });
    await term.type(/口令/, 'secret 口令\r');
    await term.type(/再输入一次口令/, 'secret typo\r');
    await term.type(/两次输入的口令不一致[\s\S]*口令/, 'secret 口令\r');
    await term.type(/再输入一次口令/, 'secret 口令\r');
    await expect(asked).resolves.toBe('secret 口令');
    expect(term.screen()).toContain('［输入内容已隐藏］');
    expect(term.screen()).not.toMatch(/secret|\*\*\*/);
  });

  it('refuses an empty passphrase, in English', async () => {
    const term = terminal();
    const asked = askPassphrase(term.out);
    await term.type(/Passphrase/, '\r');
    await term.type(/must not be empty/, 'x\r');
    await expect(asked).resolves.toBe('x');
  });

  it('Ctrl-C leaves with the aborted UsageError (exit 1)', async () => {
    const term = terminal();
    const asked = askPassphrase(term.out);
    await term.type(/Passphrase/, 'abc\x03');
    await expect(asked).rejects.toMatchObject({ name: 'UsageError', code: 'aborted', key: 'cli.wizard.aborted' });
  });
});
