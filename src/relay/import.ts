/**
 * `relay import` (issue 8, build point 2; CLI spec, CSV rules): reads a CSV or JSON Lines file as a
 * stream, validates every row, seals each good row (or group) into the outbox, and writes each bad
 * row with its line and reason to `<file>.rejects.csv` as it goes. Nothing is silently dropped:
 * every row is queued, already queued, or in the rejects file.
 *
 * Memory stays flat for any file size: rows stream through; sealing runs in worker threads behind a
 * bounded queue; only the rows of groups are held until the end of the file (a group's rows may be
 * anywhere in it), and a 16-byte digest per distinct statement (the occurrence counter of the ids).
 *
 * Re-importing queues nothing new: ids derive from the relay secret (ids.ts), and each statement's
 * outbox `ref` lets `addIfNew` find it already queued, or delivered while its receipt is kept.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { sealEnvelope } from '../crypto/envelope.js';
import { bucketFor, MAX_PLAINTEXT } from '../crypto/padding.js';
import { InputError } from '../errors.js';
import { serializeStatement } from '../statement/index.js';
import { countedKeep, type CountedKeep } from '../statement/counted.js';
import { readCsv } from './csv.js';
import { groupStatements, Groups, rowStatement, type Planned } from './groups.js';
import { deriveRef, Occurrences } from './ids.js';
import { readJsonl } from './jsonl.js';
import { englishText } from './messages.js';
import { englishRejectText, RejectsWriter } from './rejects.js';
import { COLUMNS, isRejected, readHeader, readRow, type Column, type GoodRow, type Reject } from './rows.js';
import { SealPool } from './seal-pool.js';

/** The part of the outbox an import uses (src/outbox/outbox.ts). */
export interface RelayOutbox {
  addIfNew(envelope: Uint8Array, opts: { ref: string; origin: { file: string; line: number }; counted: CountedKeep }): Promise<unknown>;
  hasRef(ref: string): Promise<boolean>;
}

/** Options of {@link importRelayFile}. */
export interface ImportOptions {
  /** The input, CSV or JSON Lines (by its `.jsonl` / `.ndjson` extension unless `format`), absolute. */
  readonly file: string;
  readonly format?: 'csv' | 'jsonl';
  readonly outbox: RelayOutbox;
  /** The center's box key (the center file's `boxKey`). */
  readonly boxKey: Uint8Array;
  /** The input held in memory (the local page's upload: never written to disk); `file` then only names it. */
  readonly bytes?: Uint8Array;
  /** Where bad rows go instead of `<file>.rejects.csv` (the local page shows them, wire spec 9: no plaintext on disk). */
  readonly rejectsTo?: RejectsSink;
  /** The relay secret (secret.ts). */
  readonly secret: Uint8Array;
  /** Default `<file>.rejects.csv`. */
  readonly rejectsFile?: string;
  /** The user-language text of a reject (the CLI's); default English. */
  readonly describe?: (r: Reject) => string;
  /** `YYYY-MM-DD`, the sealing day; default today in UTC. */
  readonly today?: string;
  /** Sealing threads; 0 seals in this thread. Default: the cores. */
  readonly threads?: number;
  /** Statements sealed in this thread before the threads start (a small file needs none). Default 64. */
  readonly poolAfter?: number;
  /** The compiled seal-worker.js (default: found beside this module, see seal-pool.ts). */
  readonly workerScript?: URL;
}

/** What takes the bad rows of an import: the rejects file ({@link RejectsWriter}) or the caller's. */
export type RejectsSink = Pick<RejectsWriter, 'count' | 'path' | 'clear' | 'setColumns' | 'write' | 'close'>;

/** What an import did. `good` + `rejected` = `rows`; `queued` + `skipped` = `statements`. */
export interface ImportResult {
  readonly rows: number;
  readonly good: number;
  readonly rejected: number;
  /** Statements made from the good rows (a group is one, or one per part). */
  readonly statements: number;
  /** Newly queued in the outbox. */
  readonly queued: number;
  /** Already queued, or delivered with the receipt kept (a re-import). */
  readonly skipped: number;
  /** The rejects file, or null when no row was rejected. */
  readonly rejectsFile: string | null;
}

function formatOf(file: string): 'csv' | 'jsonl' {
  return /\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv';
}

/**
 * Imports one file into the outbox.
 * @returns the counts; a file with no good row is not an error here (the CLI exits 2 on `good === 0`)
 * @throws InputError `bad-header` for a CSV header that names no required column, an unknown or a
 *   repeated one, or that is missing; an fs error when the file cannot be read
 */
export async function importRelayFile(opts: ImportOptions): Promise<ImportResult> {
  const rejects: RejectsSink = opts.rejectsTo ?? new RejectsWriter(opts.rejectsFile ?? `${opts.file}.rejects.csv`, opts.describe ?? englishRejectText);
  await rejects.clear();
  const counts = { rows: 0, good: 0, statements: 0, queued: 0, skipped: 0 };
  const occ = new Occurrences();
  const groups = new Groups();
  const threads = opts.threads ?? availableParallelism();
  const poolAfter = opts.poolAfter ?? 64;
  let pool: SealPool | null = null;
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  const dateOpts = opts.today === undefined ? {} : { today: opts.today };

  const queue = async (p: Planned, bytes: Uint8Array): Promise<void> => {
    const ref = deriveRef(opts.secret, p.statement.id);
    if (await opts.outbox.hasRef(ref)) {
      counts.skipped++;
      return;
    }
    const envelope = pool ? await pool.seal(bytes) : sealEnvelope(bytes, opts.boxKey);
    const added = await opts.outbox.addIfNew(envelope, { ref, origin: { file: opts.file, line: p.line }, counted: countedKeep(p.statement) });
    if (added === null) counts.skipped++;
    else counts.queued++;
  };

  /** Starts sealing `p`; waits while the bounded queue is full. */
  const submit = async (p: Planned, bytes: Uint8Array): Promise<void> => {
    counts.statements++;
    if (pool === null && threads > 0 && counts.statements > poolAfter) pool = SealPool.start(opts.boxKey, threads, 8, opts.workerScript);
    if (pool === null) return queue(p, bytes);
    const task: Promise<void> = queue(p, bytes)
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inflight.delete(task));
    inflight.add(task);
    while (inflight.size >= threads * 8) await Promise.race(inflight);
    if (failure) throw failure;
  };

  /** A row outside any group: sealed now, or rejected when its statement is over the largest bucket. */
  const single = async (row: GoodRow): Promise<Reject | null> => {
    const p = rowStatement(row, opts.secret, occ);
    const bytes = serializeStatement(p.statement, dateOpts);
    if (bucketFor(bytes.length) === undefined) return { code: 'too-large', key: 'relay.reject.too-large', params: { max: MAX_PLAINTEXT } };
    await submit(p, bytes);
    return null;
  };

  const take = async (values: Partial<Record<Column, string>>, line: number, original: readonly string[]): Promise<void> => {
    counts.rows++;
    const row = readRow(values, line, opts.today);
    let reject: Reject | null = isRejected(row) ? row : null;
    if (!isRejected(row)) reject = row.group !== undefined ? groups.add(row as GoodRow & { group: string }) : await single(row);
    if (reject) await rejects.write(line, reject, original);
    else counts.good++;
  };

  try {
    if ((opts.format ?? formatOf(opts.file)) === 'jsonl') await readJsonlRows(input(opts), rejects, take, counts);
    else await readCsvRows(input(opts), opts.file, rejects, take, counts);
    for (const rows of groups.all()) for (const p of groupStatements(rows, opts.secret, occ)) await submit(p, serializeStatement(p.statement, dateOpts));
    await Promise.all(inflight);
    if (failure) throw failure;
  } finally {
    await Promise.allSettled(inflight);
    await (pool as SealPool | null)?.close();
    await rejects.close();
  }
  return { ...counts, rejected: rejects.count, rejectsFile: rejects.count > 0 ? rejects.path : null };
}

type Take = (values: Partial<Record<Column, string>>, line: number, original: readonly string[]) => Promise<void>;

async function* held(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const input = (opts: ImportOptions): AsyncIterable<Uint8Array> => (opts.bytes ? held(opts.bytes) : createReadStream(opts.file, { highWaterMark: 64 * 1024 }));

function headerError(key: 'relay.header.empty' | 'relay.header.bad', file: string): InputError {
  return new InputError('bad-header', englishText(key, { file }), { key, params: { file } });
}

async function readCsvRows(source: AsyncIterable<Uint8Array>, file: string, rejects: RejectsSink, take: Take, counts: { rows: number }): Promise<void> {
  let columns: Column[] | null = null;
  for await (const rec of readCsv(source)) {
    if (columns === null) {
      if (rec.problem) throw headerError('relay.header.bad', file);
      columns = readHeader(rec.fields, file);
      rejects.setColumns(rec.fields);
      continue;
    }
    if (rec.problem) {
      counts.rows++;
      await rejects.write(rec.line, problemReject(rec.problem), rec.fields);
    } else if (rec.fields.length !== columns.length) {
      counts.rows++;
      await rejects.write(rec.line, { code: 'bad-columns', key: 'relay.reject.bad-columns', params: { found: rec.fields.length, expected: columns.length } }, rec.fields);
    } else {
      const values: Partial<Record<Column, string>> = {};
      columns.forEach((c, i) => (values[c] = rec.fields[i]!));
      await take(values, rec.line, rec.fields);
    }
  }
  if (columns === null) throw headerError('relay.header.empty', file);
}

async function readJsonlRows(source: AsyncIterable<Uint8Array>, rejects: RejectsSink, take: Take, counts: { rows: number }): Promise<void> {
  rejects.setColumns(['json']);
  for await (const rec of readJsonl(source)) {
    const unknown = rec.fields ? Object.keys(rec.fields).find((k) => !(COLUMNS as readonly string[]).includes(k)) : undefined;
    let reject: Reject | null = null;
    if (rec.problem === 'bad-type') reject = { code: `bad-value:${rec.key}`, key: 'relay.reject.bad-type', params: { column: rec.key ?? '' } };
    else if (rec.problem) reject = problemReject(rec.problem);
    else if (unknown !== undefined) reject = { code: `unknown-field:${unknown}`, key: 'relay.reject.unknown-field', params: { column: unknown } };
    if (reject) {
      counts.rows++;
      await rejects.write(rec.line, reject, [rec.text]);
    } else {
      await take(rec.fields as Partial<Record<Column, string>>, rec.line, [rec.text]);
    }
  }
}

function problemReject(problem: 'bad-utf8' | 'bad-quote' | 'too-long' | 'bad-json'): Reject {
  if (problem === 'too-long') return { code: 'too-long', key: 'relay.reject.too-long', params: { max: 64 * 1024 } };
  const key = { 'bad-utf8': 'relay.reject.bad-utf8', 'bad-quote': 'relay.reject.bad-quote', 'bad-json': 'relay.reject.bad-json' }[problem];
  return { code: problem, key, params: {} };
}
