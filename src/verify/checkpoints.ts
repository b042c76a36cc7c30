/**
 * Checking checkpoints for `verify` (wire spec 5): the log key's signature, the witness policy, and
 * how two checkpoints relate (one size: the same root; two sizes: a consistency proof). Pure but
 * for the proofs, which the caller reads. Client-safe.
 */
import type { Center } from '../crypto/center-file.js';
import { VerifyError } from '../errors.js';
import { verifyCheckpoint, type SignedCheckpoint } from '../log/checkpoint.js';
import { requireCosignatures } from '../log/cosignature.js';
import { ProofError, verifyConsistency, type Hash } from '../log/merkle.js';
import { lie, type Lie } from './lies.js';

/** What checking a checkpoint needs of the center file. */
export type LogCenter = Pick<Center, 'name' | 'logKey' | 'witnesses' | 'witnessPolicy' | 'tiles'>;

/**
 * A checkpoint note the client may accept: signed by the center's log key for the origin
 * `<center>/log`, and with a `witnessPolicy`, k valid cosignatures of distinct listed witnesses.
 * @throws VerifyError `bad-note`, `bad-signature`, `unsigned`, `bad-checkpoint`, `witness-policy`
 */
export function acceptCheckpoint(note: string, center: LogCenter): SignedCheckpoint {
  const c = verifyCheckpoint(note, center.logKey, `${center.name}/log`);
  if (center.witnessPolicy > 0) requireCosignatures(note, center.witnesses.map((w) => w.key), center.witnessPolicy);
  return c;
}

/** A checkpoint signed by the log key (no witness policy): enough to prove a lie by the log. */
export function signedByLog(note: string, center: LogCenter): SignedCheckpoint | null {
  try {
    return verifyCheckpoint(note, center.logKey, `${center.name}/log`);
  } catch (err) {
    if (err instanceof VerifyError) return null;
    throw err;
  }
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** A lie when two checkpoints of one size differ, else null (also null for different sizes). */
export function splitView(a: SignedCheckpoint, b: SignedCheckpoint, names: [string, string]): Lie | null {
  if (a.size !== b.size || same(a.root, b.root)) return null;
  return lie('split-view', { size: a.size }, [
    { name: names[0], text: a.note },
    { name: names[1], text: b.note },
  ]);
}

/**
 * Checks that `older` is a prefix of `newer` with `proof` (RFC 9162 2.1.4); a failed proof is the
 * lie `inconsistent-checkpoint` with both notes. Sizes must be 1 <= older.size < newer.size.
 */
export function checkConsistency(older: SignedCheckpoint, newer: SignedCheckpoint, proof: readonly Hash[], names: [string, string]): Lie | null {
  try {
    verifyConsistency(older.size, newer.size, proof, older.root, newer.root);
    return null;
  } catch (err) {
    if (!(err instanceof ProofError)) throw err;
    return lie('inconsistent-checkpoint', { size: newer.size, kept: older.size }, [
      { name: names[0], text: older.note },
      { name: names[1], text: newer.note },
    ]);
  }
}
