/**
 * Opening one stored envelope for the tally (wire spec 3 and 8): open, validate, and keep what
 * the counts need. Runs in the tally's worker threads, or on the main thread when there are none.
 *
 * libsodium (`sodium-native`'s `crypto_box_seal_open`, about 20 x tweetnacl here) opens the
 * `sealed` part, which spec 3 makes byte for byte a sealed box. libsodium refuses an all-zero
 * shared secret as spec 3 requires, but says only "failed": on that path `crypto_scalarmult` tells
 * a low-order key from a box that does not open, so both openers report the same reason for every
 * input (tests/tally/open.test.ts).
 */
import type { CountedFields } from '../../statement/counted.js';
import { IntakeDb } from '../sqlite-db.js';
import { createRequire } from 'node:module';
import { openEnvelope } from '../../crypto/envelope.js';
import { LENGTH_PREFIX, unpadView } from '../../crypto/padding.js';
import { envelopeShapeError } from '../../crypto/sizes.js';
import { EnvelopeError, isEnvelopeError, isSealpostError, type OpenFailure } from '../../errors.js';
import { parseStatement } from '../../statement/codec.js';
import { countedKeep } from '../../statement/counted.js';
import { canonicalMaxDate, scanCanonical, statementOfScan } from './canonical.js';
import { CanonicalView, latin1 } from './canonical-view.js';
import { canonicalRecordRoom, M_DATE, M_LINE_END, M_REGION, M_REGION_END, marks, writeCanonicalRecord } from './canonical-record.js';
import { statementTag } from '../../statement/tag.js';
import { Sums, type SumsData } from './sums.js';
import { META, metaAt, recordMeta, recordRoom, writeRecord } from './record.js';

/** The X25519 box key pairs the tally opens with (rotation: several, tried in order, spec 3). */
export interface BoxKey {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/**
 * Opens an envelope to its statement's JSON bytes; throws EnvelopeError (spec 3's order). The
 * bytes may be a view of the opener's own buffer: the caller reads them before the next call and
 * then zeroes them.
 */
export type Opener = (envelope: Uint8Array) => Uint8Array;

/** What the tally keeps of an opened, valid statement. Names only when `private` asked for them. */
export interface OpenedStatement extends CountedFields {
  readonly id: string;
  readonly tag: string;
  // `sector` is the statement's own, never suppressed here (suppression is per batch), `-` when none.
  readonly date: string;
  readonly channel: string;
  /** People who gave their real name (the others gave an alias). */
  readonly realNames: number;
  /** `<group id> <part>/<parts>` of a split group. */
  readonly group?: string;
  /** The people's names (for the private list of likely duplicates). */
  readonly names?: readonly string[];
}

/** An envelope the tally rejects before dedup: its reason (spec 3) and the specific check. */
export interface OpenRejected {
  readonly reason: 'undecryptable' | 'invalid';
  readonly detail: string;
}

export type OpenResult = { readonly ok: true; readonly statement: OpenedStatement } | ({ readonly ok: false } & OpenRejected);

interface Sodium {
  crypto_box_seal_open(m: Uint8Array, c: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
  /** Throws when the shared secret is all zero (a low-order point). */
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
}

/** The reference opener (tweetnacl, src/crypto/envelope.ts). */
export function referenceOpener(keys: readonly BoxKey[]): Opener {
  const secrets = keys.map((k) => k.secretKey);
  return (envelope) => openEnvelope(envelope, secrets);
}

/** sodium-native, or null when it cannot be loaded here. */
function loadSodium(): Sodium | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
}

/** Whether sodium-native loads here (then {@link sodiumOpener} gives the libsodium opener). */
export const hasSodium = (): boolean => loadSodium() !== null;

/**
 * The libsodium opener, or null when sodium-native cannot be loaded (the tally then uses the
 * reference opener: same results, about 20 times slower).
 */
export function sodiumOpener(keys: readonly BoxKey[]): Opener | null {
  const sodium = loadSodium();
  if (!sodium) return null;
  if (keys.length === 0) throw new RangeError('keys: expected at least one key');
  const pairs = keys.map((k) => ({ pk: Buffer.from(k.publicKey), sk: Buffer.from(k.secretKey) }));
  // One plaintext buffer per bucket size, reused (zeroed after each envelope): no allocation per envelope.
  const buffers = new Map<number, Uint8Array>();
  const shared = Buffer.alloc(32);
  return (envelope) => {
    const shape = envelopeShapeError(envelope);
    if (shape !== null) throw new EnvelopeError(shape);
    const sealed = envelope.subarray(1);
    let padded = buffers.get(sealed.length);
    if (!padded) buffers.set(sealed.length, (padded = new Uint8Array(sealed.length - 48)));
    for (const { pk, sk } of pairs) {
      if (sodium.crypto_box_seal_open(padded, sealed, pk, sk)) {
        try {
          const json = unpadView(padded);
          // The prefix is read; the padding is zero: only the JSON is left, which the caller zeroes.
          padded.fill(0, 0, LENGTH_PREFIX);
          return json;
        } catch (err) {
          padded.fill(0);
          throw err;
        }
      }
    }
    // Failed: name why in spec 3's order, as the reference opener does. With clamped scalars a
    // low-order ephemeral key gives the all-zero shared secret under every key, and libsodium's
    // crypto_scalarmult refuses exactly that; otherwise no key opened the box.
    try {
      sodium.crypto_scalarmult(shared, pairs[0]!.sk, sealed.subarray(0, 32));
    } catch {
      throw new EnvelopeError('low-order-key');
    } finally {
      shared.fill(0);
    }
    throw new EnvelopeError('box');
  };
}

function detailOf(err: unknown): string {
  if (isEnvelopeError(err)) return (err as EnvelopeError & { reason: OpenFailure }).reason;
  if (isSealpostError(err)) {
    const field = (err as { field?: string }).field;
    return field ? `${err.code}:${field}` : err.code;
  }
  throw err;
}

/** The last opening day and its latest statement date (one day for millions of statements). */
let day: { today: string; maxDate: string } | undefined;

/** canonicalMaxDate of the opening day (memoised). */
function maxDateOf(today: string): string {
  if (day?.today !== today) day = { today, maxDate: canonicalMaxDate(today) };
  return day.maxDate;
}

/**
 * Opens, validates and summarises one envelope. Never throws for a bad envelope: a failure of
 * version, length or box is `undecryptable`, of length prefix, padding, UTF-8, JSON or statement
 * `invalid` (spec 3).
 * @param today `YYYY-MM-DD`, the day of opening: a statement may be dated at most one day later
 * @param names keep the people's names (only for `--private`)
 */
export function openForTally(envelope: Uint8Array, open: Opener, today: string, names: boolean): OpenResult {
  let json: Uint8Array;
  try {
    json = open(envelope);
  } catch (err) {
    return openFailure(err);
  }
  try {
    return openedFrom(json, today, names, scanCanonical(json, maxDateOf(today), view));
  } finally {
    json.fill(0);
  }
}

/** An opener's failure as the tally counts it. */
function openFailure(err: unknown): { readonly ok: false } & OpenRejected {
  const detail = detailOf(err);
  const reason = isEnvelopeError(err) ? (err as EnvelopeError).tallyReason : 'invalid';
  return { ok: false, reason, detail };
}

/**
 * Validates and summarises an opened statement's JSON (the caller zeroes it). `scanned`: the
 * canonical scanner's view of it (`canonical.ts`), when it accepted the bytes, which then give the
 * strict path's statement (a bench/tally finding: the general parser and validator cost more than
 * the box); anything else, valid or not, takes the strict path, so errors and their details are
 * exactly parseStatement's.
 */
function openedFrom(json: Uint8Array, today: string, names: boolean, scanned: CanonicalView | undefined): OpenResult {
  try {
    const st = (scanned && statementOfScan(json, scanned)) ?? parseStatement(json, { today });
    const k = countedKeep(st);
    let realNames = 0;
    for (const p of st.people) if (p.realName === true) realNames++;
    // One shape for every statement (no spread, group and names undefined when absent): a
    // bench/tally finding, the spreads and the filter were a tenth of a record's cost.
    return {
      ok: true,
      statement: {
        id: st.id,
        tag: statementTag(st),
        week: k.week,
        people: k.people,
        ccp: k.ccp,
        cyl: k.cyl,
        cyp: k.cyp,
        region: k.region,
        sector: k.sector,
        date: st.date,
        channel: st.channel,
        realNames,
        group: st.group ? `${st.group.id} ${st.group.part}/${st.group.parts}` : undefined,
        names: names ? st.people.map((p) => p.name) : undefined,
      },
    };
  } catch (err) {
    return { ok: false, reason: 'invalid', detail: detailOf(err) };
  }
}

/** What a run opens with (`pool.ts` begin): its box keys, opening day and hash seed (`hash-index.ts`). */
export interface RunOptions {
  readonly keys: readonly BoxKey[];
  /** `YYYY-MM-DD`, the opening day (spec 2's date rule). */
  readonly today: string;
  readonly seed: number;
}

/** A run ready to open ranges ({@link openRange}'s arguments but the range). */
export interface OpeningRun {
  readonly open: Opener;
  readonly db: IntakeDb;
  readonly today: string;
  readonly seed: number;
}

/** Readies a run: the fastest opener there is, and the intake database `file` opened read-only. */
export function beginRun(file: string, { keys, today, seed }: RunOptions): OpeningRun {
  return { open: sodiumOpener(keys) ?? referenceOpener(keys), db: new IntakeDb(file, { readonly: true }), today, seed };
}

/** A range of the received log, opened (what an opening thread answers). */
export interface OpenedRange {
  /** One past the last index read. */
  readonly to: number;
  /** The valid statements' records (`record.ts`) in received-log order, UTF-8, joined by newlines. */
  readonly bytes: Uint8Array<SharedArrayBuffer>;
  /** How many records `bytes` holds. */
  readonly valid: number;
  /** Each record's {@link META} values (its hashes, its end in `bytes`, its order), record by record. */
  readonly meta: Int32Array<ArrayBuffer>;
  /** Envelopes rejected before dedup, by reason and by `<reason>:<specific check>`. */
  readonly rejected: { undecryptable: number; invalid: number };
  readonly details: Record<string, number>;
  /** The valid statements' sums (`sums.ts`). */
  readonly sums: SumsData;
}

/** Where a range's records are written before the answer gets its own copy (reused, grown as needed). */
let scratch = Buffer.alloc(1 << 16);

/** Grows the scratch to at least `size` bytes, keeping its first `kept`. */
function room(size: number, kept: number): void {
  if (size <= scratch.length) return;
  const grown = Buffer.alloc(Math.max(2 * scratch.length, size));
  scratch.copy(grown, 0, 0, kept);
  scratch = grown;
}

/** The scanner's view of the statement being opened (one a thread). */
const view = new CanonicalView();

/**
 * Opens received entries [from, from + count) read from `db` (in the thread that opens them).
 * @throws Error when the log has a hole there (a damaged database: the tally stops)
 */
export function openRange(db: IntakeDb, from: number, count: number, open: Opener, today: string, names: boolean, seed: number): OpenedRange {
  const envelopes = readRange(db, from, count);
  const rejected = { undecryptable: 0, invalid: 0 };
  const details: Record<string, number> = {};
  const sums = new Sums();
  const meta = new Int32Array(envelopes.length * META);
  let valid = 0;
  let at = 0;
  const reject = (r: OpenRejected) => {
    rejected[r.reason]++;
    const d = `${r.reason}:${r.detail}`;
    details[d] = (details[d] ?? 0) + 1;
  };
  const maxDate = maxDateOf(today);
  for (const envelope of envelopes) {
    let json: Uint8Array;
    try {
      json = open(envelope);
    } catch (err) {
      reject(openFailure(err));
      continue;
    }
    try {
      // A newline between records, then the record: written from the canonical bytes, or else
      // from the statement the strict path reads (which names the error of an invalid one).
      const start = valid > 0 ? at + 1 : at;
      room(start + canonicalRecordRoom(json), at);
      const scanned = scanCanonical(json, maxDate, view);
      let end = scanned ? writeCanonicalRecord(json, scanned, scratch, start, names) : -1;
      if (end >= 0) {
        sums.addView(view, view.groupAt >= 0 ? latin1(json, view.groupAt, view.groupAt + 32) : undefined);
        metaAt(scratch, start, end, seed, meta, valid * META, marks[M_LINE_END]!, names ? marks[M_REGION]! : -1, marks[M_REGION_END]!, marks[M_DATE]!);
      } else {
        const r = openedFrom(json, today, names, scanned);
        if (!r.ok) {
          reject(r);
          continue;
        }
        room(start + recordRoom(r.statement), at);
        end = writeRecord(r.statement, scratch, start);
        sums.add(r.statement);
        recordMeta(scratch, start, end, seed, meta, valid * META);
      }
      if (valid > 0) scratch[at] = 0x0a;
      valid++;
      at = end;
    } finally {
      json.fill(0);
    }
  }
  // Its own memory, exactly sized and shared: the tally thread keeps it, and at the commit the
  // opening threads copy the counted log's entries out of it (`roots.ts` copyUnit).
  const bytes = new Uint8Array(new SharedArrayBuffer(at));
  bytes.set(scratch.subarray(0, at));
  return { to: from + envelopes.length, bytes, valid, meta: meta.slice(0, valid * META), rejected, details, sums: sums.data() };
}

/**
 * The envelopes of received entries [from, from + count), fewer at the end of the log.
 * @throws Error when the log has a hole there
 */
function readRange(db: IntakeDb, from: number, count: number): Uint8Array[] {
  const packed = db.envelopeRange(from, count);
  if (packed && packed.length > 0) return packed;
  // Empty, a hole or rows out of order: read row by row, naming the first entry missing.
  const rows = db.envelopes(from, count);
  if (rows.length === 0) throw new Error(`the intake database has no entry ${from}`);
  return rows.map(([index, envelope], i) => {
    if (index !== from + i) throw new Error(`the intake database has no entry ${from + i}`);
    return envelope;
  });
}
