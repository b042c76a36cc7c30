/**
 * The witness's state (c2sp.org/tlog-witness: "the latest checkpoint it observed and verified" per
 * log origin): one file per origin, `<dir>/<hex SHA-256 of the origin>.json`, holding the size,
 * root and the log-signed note it cosigned (kept as evidence). Each write is a temp file, fsync,
 * rename (write-file-atomic) and an fsync of the folder, done before the cosignature is returned:
 * a crash at any point leaves either the old record or the new one, and a cosignature is only
 * ever given for a record that is durable, so no acknowledged checkpoint is lost or rolled back.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InputError } from '../../errors.js';
import { fromBase64, toBase64 } from '../../crypto/base64.js';
import { fsyncDir } from '../../outbox/durable.js';
import { HASH_SIZE, type Hash } from '../../log/merkle.js';
import { parseCheckpointText } from '../../log/checkpoint.js';
import { parseNote } from '../../crypto/note.js';

/** What the witness holds for one log. */
export interface LogState {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  /** The checkpoint note (with the log's signature) this state came from. */
  readonly note: string;
}

const FILE = /^[0-9a-f]{64}\.json$/;

function fileOf(origin: string): string {
  return `${createHash('sha256').update(origin, 'utf8').digest('hex')}.json`;
}

function damaged(file: string, why: string): InputError {
  // A damaged state must stop the witness: starting from nothing would cosign a rolled-back log.
  return new InputError('unreadable', `witness state ${file} is damaged: ${why}`, { key: 'center.witness.bad-state', params: { file, why }, field: '--data' });
}

/** Parses one state file; the note must be the checkpoint it records. */
function parseState(text: string, file: string, name: string): LogState {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw damaged(file, 'not JSON');
  }
  const r = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
  if (r.v !== 1 || typeof r.origin !== 'string' || typeof r.note !== 'string' || typeof r.root !== 'string') throw damaged(file, 'missing fields');
  const root = fromBase64(r.root, HASH_SIZE);
  if (!root || !Number.isSafeInteger(r.size) || (r.size as number) < 0) throw damaged(file, 'bad size or root');
  if (fileOf(r.origin) !== name) throw damaged(file, 'origin does not match the file name');
  try {
    const c = parseCheckpointText(parseNote(r.note).text);
    if (c.origin !== r.origin || c.size !== r.size || toBase64(c.root) !== r.root) throw new Error('mismatch');
  } catch {
    throw damaged(file, 'the note is not the recorded checkpoint');
  }
  return { origin: r.origin, size: r.size as number, root, note: r.note };
}

/** The witness's per-origin records, all in memory, each write durable before it resolves. */
export class StateStore {
  readonly #dir: string;
  readonly #logs = new Map<string, LogState>();

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * Opens (making it, mode 0700) the state folder and reads every record.
   * @throws InputError `unreadable` (key `center.witness.bad-state`) for a damaged record
   */
  static async open(dir: string): Promise<StateStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const store = new StateStore(dir);
    for (const name of await readdir(dir)) {
      // Anything else is write-file-atomic's temp file of a write a crash cut short: never acknowledged.
      if (!FILE.test(name)) continue;
      const file = join(dir, name);
      const s = parseState(await readFile(file, 'utf8'), file, name);
      store.#logs.set(s.origin, s);
    }
    return store;
  }

  /** The record of `origin`, if the witness ever cosigned a checkpoint of it. */
  get(origin: string): LogState | undefined {
    return this.#logs.get(origin);
  }

  /** Makes `s` the record of its origin, durably (folder entry included), then in memory. */
  async put(s: LogState): Promise<void> {
    const text = `${JSON.stringify({ v: 1, origin: s.origin, size: s.size, root: toBase64(s.root), note: s.note })}\n`;
    await writeFileAtomic(join(this.#dir, fileOf(s.origin)), text, { mode: 0o600, fsync: true });
    await fsyncDir(this.#dir);
    this.#logs.set(s.origin, s);
  }
}
