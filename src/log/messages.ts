/**
 * The log module's English (received and counted logs, proofs, tiles, witnesses); the zh-CN text is
 * in src/cli/catalog/log.ts (issue 7: lower layers own their English, the CLI owns translation).
 */
import { english } from '../english.js';

export const messages = {
  'log.bad-checkpoint': 'malformed checkpoint ({why})',
  'log.witness-policy': 'the checkpoint carries {got} valid witness cosignatures; the center file requires {need}',
  // The lies `verify` proves (src/verify/lies.ts, issue 9 build point 4).
  'log.lie.smaller-checkpoint': 'the log served a checkpoint of size {size}, smaller than the one of size {kept} seen before (a frozen or rolled-back log)',
  'log.lie.inconsistent-checkpoint': 'the checkpoint of size {size} is not consistent with the one of size {kept} seen before: the log rewrote its history (a fork or rollback)',
  'log.lie.split-view': 'two signed checkpoints of size {size} with different roots: the log shows different histories to different people (a split view)',
  'log.lie.entry-dropped': 'the log dropped an entry: the entry of receipt {id} (index {index}) now sits at index {at}',
  'log.lie.entry-rewritten': 'the log holds another entry at index {index} instead of the one of receipt {id}: the entry was rewritten (or dropped)',
  'log.lie.not-included': 'receipt {id} (index {index}) is NOT included in the log of size {size}: its entry was dropped or rewritten',
  'log.lie.not-covered': 'receipt {id} (index {index}) is still not covered by the log (size {size}) more than 24 hours after its hour: a broken promise',
} as const;

/** English text of a log message key. */
export const englishText = english(messages);
