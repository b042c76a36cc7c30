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
import { hash } from 'node:crypto';
import type { IntakeDb } from '../sqlite-db.js';
import { createRequire } from 'node:module';
import { openEnvelope } from '../../crypto/envelope.js';
import { unpad } from '../../crypto/padding.js';
import { envelopeShapeError } from '../../crypto/sizes.js';
import { EnvelopeError, isEnvelopeError, isSealpostError, type OpenFailure } from '../../errors.js';
import { parseStatement } from '../../statement/codec.js';
import { countedKeep } from '../../statement/counted.js';
import type { Statement } from '../../statement/types.js';
import { validateStatement } from '../../statement/validate.js';

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
  return (envelope) => {
    const shape = envelopeShapeError(envelope);
    if (shape !== null) throw new EnvelopeError(shape);
    const sealed = envelope.subarray(1);
    // A plain Uint8Array: unpad's slice must copy (Buffer's slice is a view, zeroed below).
    const padded = new Uint8Array(sealed.length - 48);
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

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `parseStatement`, faster on the statements sealers write (a bench/tally finding: the strict
 * JSON parser cost as much as the box). JSON.parse, validate, and accept only when the text is
 * exactly the validated statement's JSON.stringify: such a text has no duplicate key, no lone
 * surrogate (validation refuses them), no BOM and nothing the strict parser would read otherwise,
 * so the strict path gives the same statement. Anything else, valid or not, takes the strict
 * path, so errors and their details are exactly parseStatement's.
 */
function parseForTally(json: Uint8Array, today: string): Statement {
  let text: string | undefined;
  try {
    text = UTF8.decode(json);
    const st = validateStatement(JSON.parse(text), { today });
    if (JSON.stringify(st) === text) return st;
  } catch {
    // the strict path below names the error
  }
  return parseStatement(json, { today });
}

const TAG_DOMAIN = Buffer.from('sealpost/tag/v1');

/**
 * src/statement/tag.ts `statementTag` with node:crypto (the same bytes, about 3 x faster than the
 * pure-JS SHA-256), for a statement already validated (id and tagKey well-formed).
 */
function tagOf(st: Statement): string {
  // One-shot crypto.hash (Node 20.12+): no Hash object per statement.
  return hash('sha256', Buffer.concat([TAG_DOMAIN, Buffer.from(st.tagKey, 'base64'), Buffer.from(st.id, 'hex')]), 'hex');
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

/**
 * Opens received entries [from, from + count) read from `db` (in the worker that opens them).
 * @returns one past the last index read, and a result per entry in index order
 * @throws Error when the log has a hole there (a damaged database: the tally stops)
 */
export function openRange(db: IntakeDb, from: number, count: number, open: Opener, today: string, names: boolean): { to: number; results: OpenResult[] } {
  const rows = db.envelopes(from, count);
  const results: OpenResult[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [index, envelope] = rows[i]!;
    if (index !== from + i) throw new Error(`the intake database has no entry ${from + i}`);
    results[i] = openForTally(envelope, open, today, names);
  }
  if (rows.length === 0) throw new Error(`the intake database has no entry ${from}`);
  return { to: from + rows.length, results };
}
