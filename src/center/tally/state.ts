/**
 * The tally's state folder: what makes it append-only across runs and resumable within one.
 *
 *   state.json          committed: the received entries tallied (`done`), runs, rejected totals
 *   runs/<n>.jsonl      run n's journal as committed: the statements it counted (dedup of later runs)
 *   journal.jsonl       the run in progress: a header line, then each chunk of the received log
 *
 * A chunk (version 2) is a JSON line `{"from","to","n","r","rejected","details"}` followed by its
 * `n` counted statements, a record (`record.ts`, layout version `r`; 2 when absent) a line. A run
 * appends each chunk, fsync'd, to the journal; an interrupted run replays it (a cut last chunk is
 * dropped) and goes on from the next chunk, with the header's end and day, so the result is the one
 * of an uninterrupted run. Version 1 journals and run files (a chunk a JSON line with its
 * statements as objects) are still read. `state.json` is written last (atomically): it is the
 * commit point, and every file written before it is a pure function of the state and the journal.
 * The folder holds ids and days (with `--private`, names): it is never published.
 */
import { copyFile, link, mkdir, open, readFile, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { InputError } from '../../errors.js';
import { englishText } from './messages.js';
import type { RejectedReason } from '../../log/counted.js';
import type { OpenedStatement } from './open.js';
import { formatRecord, RECORD_VERSION, recordFromV2 } from './record.js';

/** The committed state (`state.json`). */
export interface TallyState {
  readonly v: 1;
  readonly center: string;
  /** Received entries [0, done) are tallied. */
  readonly done: number;
  /** Runs committed; their statements are in runs/1.jsonl … runs/<runs>.jsonl. */
  readonly runs: number;
  readonly rejected: Readonly<Record<RejectedReason, number>>;
  /** Rejected envelopes by `<reason>:<specific check>` (private report). */
  readonly details: Readonly<Record<string, number>>;
}

/** The journal's first line: the run's fixed bounds and day. */
export interface JournalHeader {
  /** 2 (records); 1 was a chunk a JSON line. */
  readonly v: 1 | 2;
  readonly run: number;
  readonly start: number;
  readonly end: number;
  /** `YYYY-MM-DD` (UTC) when the run started: the opening day of spec 2's date rule. */
  readonly today: string;
}

/** One chunk of the received log, tallied. */
export interface JournalChunk {
  readonly from: number;
  readonly to: number;
  /** How many statements it counted. */
  readonly n: number;
  readonly rejected: Record<RejectedReason, number>;
  /** For the private report: why each envelope was rejected, by the opener's specific reason. */
  readonly details: Record<string, number>;
}

/**
 * A chunk to journal ({@link StateDir.append}): its `n` records are `body` (UTF-8, joined by
 * newlines: an opening thread's answer as it came) or, when some of those were dropped, the byte
 * ranges `kept` of it (`[start, end, start, end, …]`, each whole records).
 */
export interface JournalAppend {
  readonly chunk: JournalChunk;
  readonly body?: Uint8Array;
  readonly kept?: readonly number[];
}

/** A chunk read back from a journal or a run file, with its statements' records (`record.ts`). */
export interface ReadChunk extends JournalChunk {
  /** In received-log order. */
  readonly records: string[];
}

export const EMPTY_REJECTED = (): Record<RejectedReason, number> => ({ duplicate: 0, invalid: 0, undecryptable: 0 });

const NEWLINE = Buffer.from('\n');

/** A damaged state folder, or one of another center. */
export function badState(key: 'center.tally.state-damaged' | 'center.tally.state-center' | 'center.tally.state-ahead', params: Record<string, string | number>): InputError {
  return new InputError('bad-tally-state', englishText(key, params), { key, params, field: '--state' });
}

/** The state folder of one center's tally. */
export class StateDir {
  constructor(readonly dir: string) {}

  #path(...p: string[]): string {
    return join(this.dir, ...p);
  }

  /** The committed state; a fresh one when the folder has none. Throws InputError for another center's. */
  async load(center: string): Promise<TallyState> {
    await mkdir(this.#path('runs'), { recursive: true, mode: 0o700 });
    let text: string;
    try {
      text = await readFile(this.#path('state.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { v: 1, center, done: 0, runs: 0, rejected: EMPTY_REJECTED(), details: {} };
    }
    const s = JSON.parse(text) as TallyState;
    if (s.v !== 1 || !Number.isSafeInteger(s.done) || !Number.isSafeInteger(s.runs)) throw badState('center.tally.state-damaged', { dir: this.dir, file: 'state.json' });
    if (s.center !== center) throw badState('center.tally.state-center', { dir: this.dir, other: s.center, center });
    return s;
  }

  /** Commits a run (the last write of a run). */
  async commit(s: TallyState): Promise<void> {
    await writeFileAtomic(this.#path('state.json'), `${JSON.stringify(s)}\n`, { mode: 0o600 });
  }

  /**
   * The records (`record.ts`) of the statements counted by run `run`, in the order they were
   * counted. A run file is the run's journal (a header line, then chunks); files of the first
   * version hold a statement a line.
   */
  async run(run: number): Promise<string[]> {
    const text = await readFile(this.#runFile(run), 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? badState('center.tally.state-damaged', { dir: this.dir, file: `runs/${run}.jsonl` }) : err;
    });
    const lines = text.split('\n');
    lines.pop();
    const first = lines.length > 0 ? (JSON.parse(lines[0]!) as Partial<JournalHeader>) : undefined;
    if ((first?.v === 1 || first?.v === 2) && first.run === run && typeof first.end === 'number') {
      const chunks = readChunks(lines);
      if (chunks.cut) throw badState('center.tally.state-damaged', { dir: this.dir, file: `runs/${run}.jsonl` });
      return chunks.chunks.flatMap((c) => c.records);
    }
    return lines.map((l) => formatRecord(JSON.parse(l) as OpenedStatement));
  }

  #runFile(run: number): string {
    return this.#path('runs', `${run}.jsonl`);
  }

  /**
   * Keeps run `run`'s statements: its journal as it is, under the run's name (atomically; doing it
   * again is harmless). A hard link where the file system has them (no byte is copied: the journal
   * is whole and fsync'd chunk by chunk, and it is removed only after the commit), else a copy,
   * fsync'd. No statement is serialised again (bench/tally: it was a tenth of the commit).
   */
  async writeRun(run: number): Promise<void> {
    await this.closeJournal();
    const tmp = `${this.#runFile(run)}.tmp`;
    await rm(tmp, { force: true });
    try {
      await link(this.#path('journal.jsonl'), tmp);
    } catch {
      await copyFile(this.#path('journal.jsonl'), tmp);
      const f = await open(tmp, 'r+');
      try {
        await f.sync();
      } finally {
        await f.close();
      }
    }
    await rename(tmp, this.#runFile(run));
  }

  /**
   * The journal of an interrupted run that continues `state`, with its complete chunks; null when
   * there is none (a journal of an already committed run is removed).
   */
  async resume(state: TallyState): Promise<{ header: JournalHeader; chunks: ReadChunk[] } | null> {
    let text: string;
    try {
      text = await readFile(this.#path('journal.jsonl'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const lines = text.split('\n');
    // Only newline-terminated lines were written whole (a kill can cut the last one).
    lines.pop();
    let header: JournalHeader;
    try {
      header = JSON.parse(lines[0] ?? '') as JournalHeader;
    } catch {
      await this.clear();
      return null;
    }
    if ((header.v !== 1 && header.v !== 2) || header.run !== state.runs + 1 || header.start !== state.done) {
      await this.clear();
      return null;
    }
    const { chunks, whole } = readChunks(lines);
    let at = header.start;
    for (const c of chunks) {
      if (c.from !== at) throw badState('center.tally.state-damaged', { dir: this.dir, file: 'journal.jsonl' });
      at = c.to;
    }
    // Drop a cut last chunk so that the next append starts a chunk of its own.
    const bytes = lines.slice(0, whole).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    if (bytes !== Buffer.byteLength(text)) await truncate(this.#path('journal.jsonl'), bytes);
    return { header, chunks };
  }

  /** Starts the journal of a new run. */
  async begin(header: JournalHeader): Promise<void> {
    await writeFileAtomic(this.#path('journal.jsonl'), `${JSON.stringify(header)}\n`, { mode: 0o600 });
  }

  /** The journal, open for appending while a run goes on (one open for the run, not per chunk). */
  #journal: FileHandle | null = null;

  /**
   * Appends chunks, durably (one write and one fsync for all), before the run goes on. Their
   * records are written from where they are (one gathered write), never encoded or copied again (a
   * bench/tally finding: copying 240 MB of records into one buffer first took the tally thread a
   * seventh of a second).
   */
  async append(...chunks: readonly JournalAppend[]): Promise<void> {
    this.#journal ??= await open(this.#path('journal.jsonl'), 'a', 0o600);
    const parts: Uint8Array[] = [];
    let total = 0;
    const put = (b: Uint8Array) => {
      parts.push(b);
      total += b.length;
    };
    for (const { chunk, body, kept } of chunks) {
      put(Buffer.from(`${JSON.stringify({ from: chunk.from, to: chunk.to, n: chunk.n, r: RECORD_VERSION, rejected: chunk.rejected, details: chunk.details })}\n`));
      const ranges = chunk.n === 0 || !body ? [] : (kept ?? [0, body.length]);
      for (let i = 0; i < ranges.length; i += 2) {
        put(body!.subarray(ranges[i], ranges[i + 1]));
        put(NEWLINE);
      }
    }
    const { bytesWritten } = await this.#journal.writev(parts);
    // A short write (rare: a full disk, a signal) is finished from one buffer of what is left.
    if (bytesWritten < total) {
      const rest = Buffer.concat(parts).subarray(bytesWritten);
      for (let at = 0; at < rest.length; ) at += (await this.#journal.write(rest, at, rest.length - at)).bytesWritten;
    }
    await this.#journal.datasync();
  }

  /** Closes the journal after the last append of a run (or when it stops). */
  async closeJournal(): Promise<void> {
    const f = this.#journal;
    this.#journal = null;
    await f?.close();
  }

  /** Removes the journal (after the commit, or a stale one). */
  async clear(): Promise<void> {
    await this.closeJournal();
    await rm(this.#path('journal.jsonl'), { force: true });
  }
}

/**
 * The chunks of a journal's lines (the header first): version 2 chunks (a JSON line, then `n`
 * record lines) and version 1 chunks (one JSON line with `counted` statements). `whole` is the
 * number of lines up to the end of the last whole chunk; `cut` tells that lines follow it.
 */
function readChunks(lines: readonly string[]): { chunks: ReadChunk[]; whole: number; cut: boolean } {
  const chunks: ReadChunk[] = [];
  let i = 1;
  let whole = 1;
  while (i < lines.length) {
    let c: { from: number; to: number; n?: number; r?: number; counted?: OpenedStatement[]; rejected: JournalChunk['rejected']; details: JournalChunk['details'] };
    try {
      c = JSON.parse(lines[i]!) as typeof c;
    } catch {
      break;
    }
    let records: string[];
    if (Array.isArray(c.counted)) {
      records = c.counted.map(formatRecord);
      i += 1;
    } else if (typeof c.n === 'number' && i + 1 + c.n <= lines.length) {
      records = lines.slice(i + 1, i + 1 + c.n);
      // Version 2 records (chunks without `r`): this version's layout.
      if (c.r !== RECORD_VERSION) records = records.map(recordFromV2);
      i += 1 + c.n;
    } else break;
    chunks.push({ from: c.from, to: c.to, n: records.length, records, rejected: c.rejected, details: c.details });
    whole = i;
  }
  return { chunks, whole, cut: whole < lines.length };
}
