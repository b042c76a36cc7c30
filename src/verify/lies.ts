/**
 * The lies `verify` can prove (issue 9, build point 4; wire spec 5), each a VerifyError with a
 * stable code and the notes that prove it, which the CLI keeps as evidence. Pure; client-safe.
 */
import { VerifyError, type VerifyCode } from '../errors.js';
import type { Params } from '../errors.js';
import { englishText, type messages } from '../log/messages.js';

type LieKey = Extract<keyof typeof messages, `log.lie.${string}`>;

/** The message of each lie found by comparing or proving. */
const KEYS = {
  'smaller-checkpoint': 'log.lie.smaller-checkpoint',
  'inconsistent-checkpoint': 'log.lie.inconsistent-checkpoint',
  'split-view': 'log.lie.split-view',
  'entry-dropped': 'log.lie.entry-dropped',
  'entry-rewritten': 'log.lie.entry-rewritten',
  'not-included': 'log.lie.not-included',
  'not-covered': 'log.lie.not-covered',
} as const satisfies Partial<Record<LieKind, LieKey>>;

/**
 * What was found out, as a stable word: the VerifyError's code (any of them: a received-log lie,
 * a bad signature, or a published tally that does not recount).
 */
export type LieKind = VerifyCode;

/** A named note kept as evidence (file name → note text). */
export interface EvidenceNote {
  readonly name: string;
  readonly text: string;
}

/** A proven lie: the error (code, English message, i18n key) and the notes that prove it. */
export interface Lie {
  readonly kind: LieKind;
  readonly error: VerifyError;
  readonly notes: readonly EvidenceNote[];
  /** The envelope id of the receipt it is about, if any. */
  readonly receipt?: string;
}

/** A lie found by comparing or proving (the kinds the log itself cannot name). */
export function lie(kind: keyof typeof KEYS, params: Params, notes: readonly EvidenceNote[], receipt?: string): Lie {
  const key = KEYS[kind];
  const message = englishText(key, params);
  const error = new VerifyError(kind as VerifyCode, message, { key, params });
  return { kind, error, notes, ...(receipt ? { receipt } : {}) };
}

/** A lie from an error thrown while checking a note (bad signature, witness quorum, ...). */
export function lieFromError(err: VerifyError, notes: readonly EvidenceNote[], receipt?: string): Lie {
  return { kind: err.code as LieKind, error: err, notes, ...(receipt ? { receipt } : {}) };
}
