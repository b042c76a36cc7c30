/**
 * The passphrase asked on a terminal (wire spec 9: "asked on a TTY, or SEALPOST_PASSPHRASE for
 * scripts"): hidden as it is typed, in the user's language, drawn on stderr. The caller decides
 * when to ask (stdin is a TTY and SEALPOST_PASSPHRASE is not set); it never reads the variable.
 */
import { t } from '../i18n/index.js';
import type { Output } from '../output.js';
import { answer, promptContext } from './abort.js';
import { theme } from './theme.js';

export interface AskPassphraseOptions {
  /** Ask twice and compare, for a passphrase being set (a typo would lock the files away). */
  readonly confirm?: boolean;
}

/**
 * Asks for the passphrase on the terminal of `out.io.stdin`. Nothing of it is echoed, not even its
 * length. Empty is refused (it would be no passphrase at all); with `confirm`, two answers that
 * differ print a warning and ask again.
 * @throws UsageError `aborted` (exit 1) on Ctrl-C or Ctrl-D.
 */
export async function askPassphrase(out: Output, opts: AskPassphraseOptions = {}): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  const ctx = promptContext(out);
  const th = theme();
  const nonEmpty = (v: string) => v !== '' || t('cli.passphrase.empty');
  for (;;) {
    const first = await answer(password({ message: t('cli.passphrase.ask'), validate: nonEmpty, toggleMask: false, theme: th }, ctx));
    if (opts.confirm !== true) return first;
    const again = await answer(password({ message: t('cli.passphrase.again'), toggleMask: false, theme: th }, ctx));
    if (again === first) return first;
    out.warning('cli.passphrase.mismatch');
  }
}
