/**
 * The witness's English (wire spec 5, C2SP tlog-witness): the reasons of its 4xx answers (text/plain,
 * one line) and of `witness serve`'s startup errors. The zh-CN is in src/cli/catalog/witness.ts
 * (issue 7: lower layers own their English, the CLI owns translation).
 */
import { english } from '../../english.js';

export const messages = {
  'center.witness.bad-request': 'malformed add-checkpoint request: {why}',
  'center.witness.unknown-log': 'this witness does not follow the log {origin}',
  'center.witness.unsigned': 'the checkpoint has no valid signature by the key of {origin}',
  'center.witness.bad-proof': 'the consistency proof from size {old} to {size} does not verify ({why})',
  'center.witness.root-conflict': 'this witness holds another root hash for size {size} of {origin}',
  'center.witness.too-large': 'the request body is larger than {max} bytes',
  'center.witness.not-found': 'no such resource: POST add-checkpoint',
  'center.witness.method': 'method not allowed: POST add-checkpoint',
  'center.witness.timeout': 'the request was too slow',
  'center.witness.internal': 'internal error',
  'center.witness.no-logs': 'no log to witness: give --log with a center file or --log-key with a log key',
  'center.witness.bad-log-key': 'bad log key {key}: expected the vkey of an Ed25519 note key',
  'center.witness.duplicate-log': 'the log {origin} is given twice',
  'center.witness.busy': 'the data folder {dir} is used by another witness (process {pid})',
  'center.witness.bad-state': 'the witness state file {file} is damaged ({why}); it is kept as it is, restore it from a backup',
  'center.witness.bad-name': 'bad witness name {name}: it must be non-empty, without spaces or +',
  'center.witness.state-failed': 'deciding an add-checkpoint failed (nothing was cosigned): {message}',
  'center.witness.evidence-failed': 'keeping a refused checkpoint as evidence failed: {message}',
  'center.witness.no-cosignature': 'witness {name} gave no cosignature: {why}',
} as const;

/** The English of `key`, filled from `params`. */
export const englishText = english(messages);
