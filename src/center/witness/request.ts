/**
 * The body of a C2SP tlog-witness `add-checkpoint` request (c2sp.org/tlog-witness), parsed strictly:
 *
 *   old <size>\n            decimal, no leading zeroes
 *   <base64 hash>\n         0 to 63 consistency proof lines
 *   \n
 *   <checkpoint note>       a signed note (C2SP signed-note) whose text is a checkpoint
 *
 * Pure; the witness's checks that need its state are in witness.ts.
 */
import { fromBase64 } from '../../crypto/base64.js';
import { parseNote } from '../../crypto/note.js';
import { parseCheckpointText, type Checkpoint } from '../../log/checkpoint.js';
import { HASH_SIZE, type Hash } from '../../log/merkle.js';
import { englishText, type messages } from './messages.js';

/** C2SP tlog-witness: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;

type Key = keyof typeof messages;

/** A refused request: the HTTP status and the reason (English, `key` for a translation). */
export class WitnessRefusal extends Error {
  override name = 'WitnessRefusal' as const;
  constructor(
    readonly status: number,
    readonly key: Key,
    readonly params: Record<string, string | number> = {},
  ) {
    super(englishText(key, params));
  }
}

/** A parsed add-checkpoint request. */
export interface AddCheckpoint {
  /** The size the client believes the witness holds. */
  readonly old: number;
  readonly proof: readonly Hash[];
  /** The checkpoint note as sent (all its signatures). */
  readonly note: string;
  /** The note's text (what a cosignature signs). */
  readonly text: string;
  readonly checkpoint: Checkpoint;
}

const bad = (why: string) => new WitnessRefusal(400, 'center.witness.bad-request', { why });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses an add-checkpoint body.
 * @throws WitnessRefusal 400 `center.witness.bad-request` naming the first thing that is wrong
 *   (not UTF-8, the old size line, a proof line, more than 63 of them, the note, the checkpoint)
 */
export function parseAddCheckpoint(body: Uint8Array): AddCheckpoint {
  let s: string;
  try {
    s = utf8.decode(body);
  } catch {
    throw bad('not UTF-8');
  }
  const firstEnd = s.indexOf('\n');
  const m = firstEnd < 0 ? null : /^old (0|[1-9][0-9]{0,15})$/.exec(s.slice(0, firstEnd));
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw bad('the first line must be "old <size>"');
  const old = Number(m[1]);
  const proof: Hash[] = [];
  let at = firstEnd + 1;
  for (;;) {
    const end = s.indexOf('\n', at);
    if (end < 0) throw bad('no empty line before the checkpoint');
    const line = s.slice(at, end);
    at = end + 1;
    if (line === '') break;
    if (proof.length === MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} proof lines`);
    const h = fromBase64(line, HASH_SIZE);
    if (!h) throw bad(`proof line ${proof.length + 1} is not the base64 of a 32-byte hash`);
    proof.push(h);
  }
  const note = s.slice(at);
  let text: string;
  let checkpoint: Checkpoint;
  try {
    text = parseNote(note).text;
    checkpoint = parseCheckpointText(text);
  } catch (err) {
    throw bad(err instanceof Error ? err.message : 'bad checkpoint');
  }
  return { old, proof, note, text, checkpoint };
}
