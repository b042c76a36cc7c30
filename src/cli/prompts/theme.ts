/**
 * @inquirer/prompts themed in the user's language: its key hints (`↑↓ navigate • ⏎ select`), its
 * yes/no words and the few English texts it writes itself (issue 8, build point 5: every prompt in
 * zh-CN and English). Prompts draw on stderr: stdout carries data only (src/cli/output.ts).
 */
import { styleText } from 'node:util';
import { getLang, t } from '../i18n/index.js';

/** Inquirer's own words in its key hints and messages -> our message keys. */
const WORDS: Readonly<Record<string, string>> = {
  navigate: 'cli.wizard.key.navigate',
  select: 'cli.wizard.key.select',
  space: 'cli.wizard.key.space',
  submit: 'cli.wizard.key.submit',
  'No results found': 'cli.wizard.no-results',
};

function word(w: string): string {
  const key = WORDS[w];
  return key === undefined ? w : t(key);
}

const keysHelpTip = (keys: [string, string][]): string =>
  keys.map(([key, action]) => `${styleText('bold', word(key))} ${styleText('dim', word(action))}`).join(styleText('dim', ' • '));

/** The theme for every prompt: translated hints, and inquirer's fixed English errors translated. */
export function theme() {
  const yes = t('cli.wizard.yes');
  const no = t('cli.wizard.no');
  return {
    style: {
      keysHelpTip,
      error: (text: string) => styleText('red', `> ${word(text)}`),
      maskedText: t('cli.passphrase.masked'),
      renderSelectedChoices: (chosen: readonly { short: string }[]) => chosen.map((c) => c.short).join(getLang() === 'zh-CN' ? '、' : ', '),
    },
    keywords: { yes, no, error: () => t('cli.wizard.yes-no-error', { yes, no }) },
  };
}
