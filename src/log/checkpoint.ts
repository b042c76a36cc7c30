/**
 * C2SP tlog-checkpoint notes (wire spec 5): the signed head of a log.
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[extension lines\n]
 *
 * signed as a C2SP signed note (spec 4) by the log key (received log: origin `<center name>/log`;
 * counted log: `<center name>/counted`, tally key). Pure; client-safe.
 */
import { VerifyError } from '../errors.js';
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { parseNote, verifyNote, type NoteSigner, type Verifier } from '../crypto/note.js';
import { HASH_SIZE, type Hash } from './merkle.js';

/** A checkpoint's fields. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  /** Extension lines (C2SP: opaque, kept as they are). */
  readonly extensions: readonly string[];
}

/** A verified checkpoint and the whole note it came in (kept as evidence). */
export interface SignedCheckpoint extends Checkpoint {
  readonly note: string;
}

function bad(why: string): VerifyError {
  return new VerifyError('bad-checkpoint', `malformed checkpoint: ${why}`, { key: 'log.bad-checkpoint', params: { why } });
}

/** The note text of a checkpoint. */
export function checkpointBody(c: Pick<Checkpoint, 'origin' | 'size' | 'root'> & { extensions?: readonly string[] }): string {
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError(`bad tree size ${c.size}`);
  if (c.root.length !== HASH_SIZE) throw new RangeError('root must be 32 bytes');
  if (!c.origin || /[\n\r]/.test(c.origin)) throw new RangeError('bad origin');
  const ext = (c.extensions ?? []).map((l) => `${l}\n`).join('');
  return `${c.origin}\n${c.size}\n${toBase64(c.root)}\n${ext}`;
}

/** Signs a checkpoint with the log's key (its name must be the origin: spec 1). */
export function signCheckpoint(signer: NoteSigner, c: Pick<Checkpoint, 'origin' | 'size' | 'root'>): string {
  if (signer.name !== c.origin) throw new RangeError(`key ${signer.name} does not sign origin ${c.origin}`);
  return signer.sign(checkpointBody(c));
}

/** Parses a checkpoint's note text (no signature check). Throws VerifyError `bad-checkpoint`. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw bad('fewer than three lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!origin) throw bad('empty origin');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw bad('tree size');
  const root = fromBase64(rootText, HASH_SIZE);
  if (!root) throw bad('root hash');
  return { origin, size: Number(sizeText), root, extensions: lines.slice(3, -1) };
}

/**
 * Verifies a checkpoint note: signed by `key` (whose name must be `origin`), its origin the
 * expected one; signatures by `others` (e.g. witnesses' Ed25519 keys) must verify when present.
 * Throws VerifyError (`bad-note`, `bad-signature`, `unsigned`, `bad-checkpoint`).
 */
export function verifyCheckpoint(note: string, key: Verifier, origin: string = key.name): SignedCheckpoint {
  const text = verifyNote(note, key);
  const c = parseCheckpointText(text);
  if (c.origin !== origin) throw bad(`origin ${c.origin}, expected ${origin}`);
  return { ...c, note };
}

/** The checkpoint text of a note, unverified (to keep a rejected one as evidence). */
export function checkpointText(note: string): string {
  return parseNote(note).text;
}
