/**
 * Opening one stored envelope for the tally (wire spec 3 and 8): open, validate, and keep what
 * the counts need. Runs in the tally's worker threads, or on the main thread when there are none.
 *
 * libsodium (`sodium-native`'s `crypto_box_seal_open`, about 20 x tweetnacl here) opens the
 * `sealed` part, which spec 3 makes byte for byte a sealed box. libsodium refuses an all-zero
 * shared secret as spec 3 requires, but says only "failed": on that (rare) path the reference
 * opener runs again to name the reason, so both openers report the same reason for every input.
 */
import type { CountedFields } from '../../statement/counted.js';
import type { IntakeDb } from '../sqlite-db.js';
import { createRequire } from 'node:module';
import { openEnvelope } from '../../crypto/envelope.js';
import { unpad } from '../../crypto/padding.js';
import { envelopeShapeError } from '../../crypto/sizes.js';
import { EnvelopeError, isEnvelopeError, isSealpostError, type OpenFailure } from '../../errors.js';
import { parseStatement } from '../../statement/codec.js';
import { countedKeep } from '../../statement/counted.js';
import type { Statement } from '../../statement/types.js';
import { canonicalMaxDate, parseCanonical } from './canonical.js';
import { sha256Into, type Sha256Into } from './sha256.js';
import { Sums, type SumsData } from './sums.js';
import { formatRecord } from './record.js';

/** The X25519 box key pairs the tally opens with (rotation: several, tried in order, spec 3). */
export interface BoxKey {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Opens an envelope to its statement's JSON bytes; throws EnvelopeError (spec 3's order). */
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
}

/** The reference opener (tweetnacl, src/crypto/envelope.ts). */
export function referenceOpener(keys: readonly BoxKey[]): Opener {
  const secrets = keys.map((k) => k.secretKey);
  return (envelope) => openEnvelope(envelope, secrets);
}

/**
 * The libsodium opener, or null when sodium-native cannot be loaded (the tally then uses the
 * reference opener: same results, about 20 times slower).
 */
export function sodiumOpener(keys: readonly BoxKey[]): Opener | null {
  let sodium: Sodium;
  try {
    sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return null;
  }
  const reference = referenceOpener(keys);
  const pairs = keys.map((k) => ({ pk: Buffer.from(k.publicKey), sk: Buffer.from(k.secretKey) }));
  // One plaintext buffer per bucket size, reused (zeroed after each envelope): no allocation per envelope.
  const buffers = new Map<number, Uint8Array>();
  return (envelope) => {
    const shape = envelopeShapeError(envelope);
    if (shape !== null) throw new EnvelopeError(shape);
    const sealed = envelope.subarray(1);
    let padded = buffers.get(sealed.length);
    // A plain Uint8Array: unpad's slice must copy.
    if (!padded) buffers.set(sealed.length, (padded = new Uint8Array(sealed.length - 48)));
    for (const { pk, sk } of pairs) {
      if (sodium.crypto_box_seal_open(padded, sealed, pk, sk)) {
        try {
          return unpad(padded);
        } finally {
          padded.fill(0);
        }
      }
    }
    // Failed: let the reference opener name why (all-zero shared secret or the box), as spec 3 orders.
    return reference(envelope);
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

/**
 * `parseStatement`, fast on the statements sealers write (a bench/tally finding: the general
 * parser and validator cost more than the box): the canonical scanner (`canonical.ts`) accepts
 * exactly the canonical bytes of a valid statement and gives the strict path's statement; anything
 * else, valid or not, takes the strict path, so errors and their details are exactly parseStatement's.
 */
function parseForTally(json: Uint8Array, today: string): Statement {
  if (day?.today !== today) day = { today, maxDate: canonicalMaxDate(today) };
  return parseCanonical(json, day.maxDate) ?? parseStatement(json, { today });
}

const TAG_DOMAIN = 'sealpost/tag/v1';
/** domain (15 bytes) || tag key (32) || id (16), rewritten for each statement. */
const tagInput = Buffer.alloc(TAG_DOMAIN.length + 32 + 16);
tagInput.write(TAG_DOMAIN, 0, 'latin1');
const tagOutput = Buffer.alloc(32);
let sha256: Sha256Into | undefined;

/**
 * src/statement/tag.ts `statementTag` with native SHA-256 (the same bytes, several times faster
 * than the pure-JS one), for a statement already validated (id and tagKey well-formed).
 */
function tagOf(st: Statement): string {
  sha256 ??= sha256Into();
  tagInput.write(st.tagKey, TAG_DOMAIN.length, 'base64');
  tagInput.write(st.id, TAG_DOMAIN.length + 32, 'hex');
  sha256(tagOutput, tagInput);
  return tagOutput.toString('hex');
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
    const detail = detailOf(err);
    const reason = isEnvelopeError(err) ? (err as EnvelopeError).tallyReason : 'invalid';
    return { ok: false, reason, detail };
  }
  try {
    const st = parseForTally(json, today);
    const k = countedKeep(st);
    return {
      ok: true,
      statement: {
        id: st.id,
        tag: tagOf(st),
        week: k.week,
        people: k.people,
        ccp: k.ccp,
        cyl: k.cyl,
        cyp: k.cyp,
        region: k.region,
        sector: k.sector,
        date: st.date,
        channel: st.channel,
        realNames: st.people.filter((p) => p.realName === true).length,
        ...(st.group ? { group: `${st.group.id} ${st.group.part}/${st.group.parts}` } : {}),
        ...(names ? { names: st.people.map((p) => p.name) } : {}),
      },
    };
  } catch (err) {
    return { ok: false, reason: 'invalid', detail: detailOf(err) };
  } finally {
    json.fill(0);
  }
}

/** A range of the received log, opened (what an opening thread answers). */
export interface OpenedRange {
  /** One past the last index read. */
  readonly to: number;
  /** The valid statements' records (`record.ts`) in received-log order, joined by newlines. */
  readonly records: string;
  /** How many records `records` holds. */
  readonly valid: number;
  /** Envelopes rejected before dedup, by reason and by `<reason>:<specific check>`. */
  readonly rejected: { undecryptable: number; invalid: number };
  readonly details: Record<string, number>;
  /** The valid statements' sums (`sums.ts`). */
  readonly sums: SumsData;
}

/**
 * Opens received entries [from, from + count) read from `db` (in the thread that opens them).
 * @throws Error when the log has a hole there (a damaged database: the tally stops)
 */
export function openRange(db: IntakeDb, from: number, count: number, open: Opener, today: string, names: boolean): OpenedRange {
  const rows = db.envelopes(from, count);
  if (rows.length === 0) throw new Error(`the intake database has no entry ${from}`);
  const records: string[] = [];
  const rejected = { undecryptable: 0, invalid: 0 };
  const details: Record<string, number> = {};
  const sums = new Sums();
  for (let i = 0; i < rows.length; i++) {
    const [index, envelope] = rows[i]!;
    if (index !== from + i) throw new Error(`the intake database has no entry ${from + i}`);
    const r = openForTally(envelope, open, today, names);
    if (r.ok) {
      records.push(formatRecord(r.statement));
      sums.add(r.statement);
    } else {
      rejected[r.reason]++;
      const d = `${r.reason}:${r.detail}`;
      details[d] = (details[d] ?? 0) + 1;
    }
  }
  return { to: from + rows.length, records: records.join('\n'), valid: records.length, rejected, details, sums: sums.data() };
}
