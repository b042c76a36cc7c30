/**
 * The log module's English (received and counted logs, proofs, tiles, witnesses); the zh-CN text is
 * in src/cli/catalog/log.ts (issue 7: lower layers own their English, the CLI owns translation).
 */
import { english } from '../english.js';

export const messages = {
  'log.bad-checkpoint': 'malformed checkpoint ({why})',
  'log.witness-policy': 'the checkpoint carries {got} valid witness cosignatures; the center file requires {need}',
} as const;

/** English text of a log message key. */
export const englishText = english(messages);
