/**
 * The outbox module's English; the zh-CN text is in src/cli/catalog/outbox.ts (issue 7: lower
 * layers own their English, the CLI owns translation).
 */
import { english } from '../english.js';

export const messages = {
  'outbox.sealed-no-passphrase': 'outbox item {id} is encrypted and no passphrase is set (SEALPOST_PASSPHRASE)',
  'outbox.wrong-passphrase': 'outbox item {id} does not open with this passphrase (SEALPOST_PASSPHRASE)',
  'outbox.damaged': 'outbox item {id} is damaged',
} as const;

/** The English of `key`, filled from `params` (an error's `message`). */
export const englishText = english(messages);
