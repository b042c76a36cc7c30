/**
 * `verify --counted` as a library (wire spec 8 and 9, issue 10 build point 4): in a published
 * tally (`tally.note`, `counted/entries`, `counted/checkpoint`), check what the tally key signed
 * (the public recount, src/log/recount.ts), then find each of the submitter's own statements by
 * its tag and compare the entry with what was sent. Pure and client-safe: the CLI reads the files
 * and the outbox, and keeps the evidence (src/verify/state.ts).
 *
 * Verdicts are per statement, not per envelope: a statement sent twice is counted once and its
 * other envelope is a `duplicate` (spec 8), which the submitter cannot tell from outside.
 */
import { toHex } from '../crypto/base64.js';
import { verifyNote, type Verifier } from '../crypto/note.js';
import { parseReceiptText } from '../crypto/receipt.js';
import { english } from '../english.js';
import { VerifyError } from '../errors.js';
import { formatCountedEntry } from '../log/counted.js';
import { recount, type RecountResult, type TallyFiles } from '../log/recount.js';
import type { CountedFields, CountedKeep } from '../statement/counted.js';
import { statementTag } from '../statement/tag.js';
import { lieFromError, type EvidenceNote, type Lie } from './lies.js';

/** The English of the lies found here (the zh-CN is in src/cli/catalog/verify.ts). */
export const countedVerifyMessages = {
  'verify.counted.differs':
    'counted entry {entry} (tag {tag}) is not the statement sent in envelope {id}: the entry says {got} where the statement says {sent}',
  'verify.counted.not-counted':
    'the statement sent in envelope {id} (received at index {index}) is not in the counted log, though the tally covers the first {received} received envelopes and no envelope of that statement was counted',
} as const;

const text = english(countedVerifyMessages);

/** The compared fields, in the entry's order (spec 8). */
export const COUNTED_FIELDS = ['week', 'people', 'ccp', 'cyl', 'cyp', 'region', 'sector'] as const satisfies readonly (keyof CountedFields)[];

/** A statement of one's own to look for: what was kept of it and the envelopes that carried it. */
export interface KeptStatement {
  /** The statement's id, tag key and counted-entry fields, as kept at sealing (spec 9). */
  readonly counted: CountedKeep;
  /** Its envelopes: ids and, once delivered, their receipts. */
  readonly envelopes: readonly { readonly id: string; readonly receipt?: string }[];
}

/**
 * A statement's verdict: `counted` (its entry has the fields sent, the sector perhaps suppressed);
 * `differs` (its entry has other fields: a lie); `not-counted` (received before the tally, yet not
 * counted: a lie); `not-yet` (no envelope received before the tally); `unknown` (the tally itself
 * does not verify, so nothing in it was looked up).
 */
export type CountedStatus = 'counted' | 'differs' | 'not-counted' | 'not-yet' | 'unknown';

/** One statement's verdict. */
export interface CountedVerdict {
  /** The statement's id. */
  readonly statement: string;
  /** Its tag (spec 8). */
  readonly tag: string;
  /** Its envelope ids, in the order given. */
  readonly envelopes: readonly string[];
  readonly status: CountedStatus;
  /** 1-based line of its entry in `counted/entries`. */
  readonly entry?: number;
  /** The fields whose values differ (`differs`). */
  readonly fields?: readonly (keyof CountedFields)[];
  /** The entry's sector is `-` where the statement names one: a cell under 10, suppressed (spec 8). */
  readonly suppressed?: boolean;
  /** The smallest received-log index among its receipts that verify. */
  readonly index?: number;
  readonly lie?: Lie;
}

/** What {@link verifyCounted} found. */
export interface CountedReport {
  /** The recount, when the published tally verifies; null when it does not (the first lie says why). */
  readonly tally: RecountResult | null;
  readonly statements: readonly CountedVerdict[];
  /** Every lie found: the tally's own first, then one per statement. */
  readonly lies: readonly Lie[];
}

/** Options of {@link verifyCounted}. */
export interface VerifyCountedOptions {
  /** The published files, as text. */
  readonly files: TallyFiles;
  /** The center file's name, log key (receipts) and tally key (the counted checkpoint and the note). */
  readonly center: { readonly name: string; readonly logKey: Verifier; readonly tallyKey: Verifier };
  readonly statements: readonly KeptStatement[];
}

/**
 * Groups kept outbox items into statements by statement id (items without kept fields are
 * skipped: an envelope sealed by someone else cannot be looked for). Pending items count too:
 * an envelope not yet delivered still names its statement.
 */
export function keptStatements(items: readonly { readonly id: string; readonly receipt?: string; readonly counted?: CountedKeep }[]): KeptStatement[] {
  const by = new Map<string, { counted: CountedKeep; envelopes: { id: string; receipt?: string }[] }>();
  for (const i of items) {
    if (!i.counted) continue;
    const s = by.get(i.counted.id) ?? { counted: i.counted, envelopes: [] };
    s.envelopes.push({ id: i.id, ...(i.receipt !== undefined ? { receipt: i.receipt } : {}) });
    by.set(i.counted.id, s);
  }
  return [...by.values()];
}

/** The received-log index of a receipt of this center and envelope; null when it does not verify. */
function receiptIndex(center: VerifyCountedOptions['center'], id: string, receipt: string): number | null {
  try {
    const f = parseReceiptText(verifyNote(receipt, center.logKey));
    return f.center === center.name && toHex(f.eh) === id ? f.index : null;
  } catch (err) {
    if (err instanceof VerifyError) return null;
    throw err;
  }
}

/** The fields of `entry` that differ from `kept`; a suppressed sector (`-`) does not. */
export function differingFields(kept: CountedFields, entry: CountedFields): (keyof CountedFields)[] {
  return COUNTED_FIELDS.filter((f) => kept[f] !== entry[f] && !(f === 'sector' && entry.sector === '-'));
}

/**
 * Checks the published tally, then looks up each statement (see the file comment). Never throws
 * for what the tally holds: every disagreement is a lie in `lies`, with the notes that prove it.
 * @throws InputError `invalid-statement` only for kept fields that are not an id and tag key
 *   (a damaged outbox item).
 */
export function verifyCounted(opts: VerifyCountedOptions): CountedReport {
  const { files, center } = opts;
  const published: EvidenceNote[] = [
    { name: 'tally', text: files.note },
    { name: 'counted-checkpoint', text: files.checkpoint },
  ];
  let tally: RecountResult;
  try {
    tally = recount(files, center.tallyKey);
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err;
    const statements = opts.statements.map((s) => ({ statement: s.counted.id, tag: statementTag(s.counted), envelopes: s.envelopes.map((e) => e.id), status: 'unknown' as const }));
    return { tally: null, statements, lies: [lieFromError(err, published)] };
  }
  const at = new Map<string, number>();
  tally.entries.forEach((e, i) => at.set(e.tag, i));
  const statements = opts.statements.map((s) => judge(s, { tally, at, center, published }));
  return { tally, statements, lies: statements.flatMap((v) => (v.lie ? [v.lie] : [])) };
}

interface Published {
  readonly tally: RecountResult;
  /** Entry position by tag. */
  readonly at: ReadonlyMap<string, number>;
  readonly center: VerifyCountedOptions['center'];
  /** The tally note and counted checkpoint, as evidence. */
  readonly published: readonly EvidenceNote[];
}

/** The delivered envelopes of `s` whose receipts verify, with their indexes, the earliest first. */
function received(s: KeptStatement, center: VerifyCountedOptions['center']): { id: string; receipt: string; index: number }[] {
  const got = s.envelopes.flatMap((e) => {
    const index = e.receipt === undefined ? null : receiptIndex(center, e.id, e.receipt);
    return index === null ? [] : [{ id: e.id, receipt: e.receipt!, index }];
  });
  return got.sort((a, b) => a.index - b.index);
}

/** One statement's verdict against a tally that verified. */
function judge(s: KeptStatement, p: Published): CountedVerdict {
  const tag = statementTag(s.counted);
  const envelopes = s.envelopes.map((e) => e.id);
  const got = received(s, p.center);
  const first = got[0];
  const base = { statement: s.counted.id, tag, envelopes, ...(first ? { index: first.index } : {}) };
  const receipts: EvidenceNote[] = got.map((e) => ({ name: `receipt-${e.id}`, text: e.receipt }));
  // What was sent, without the id and tag key: the evidence folder is not sealed (spec 9).
  const sent: EvidenceNote = { name: 'sent', text: `${formatCountedEntry({ ...s.counted, tag })}\n` };
  const i = p.at.get(tag);
  if (i !== undefined) {
    const entry = p.tally.entries[i]!;
    const fields = differingFields(s.counted, entry);
    if (fields.length === 0) {
      const suppressed = entry.sector === '-' && s.counted.sector !== '-';
      return { ...base, status: 'counted', entry: i + 1, ...(suppressed ? { suppressed } : {}) };
    }
    const id = first?.id ?? envelopes[0] ?? '';
    const params = { entry: i + 1, tag: tag.slice(0, 16), id: id.slice(0, 16), got: show(entry, fields), sent: show(s.counted, fields) };
    const notes = [...p.published, { name: `counted-entry-${i + 1}`, text: `${formatCountedEntry(entry)}\n` }, sent, ...receipts];
    return { ...base, status: 'differs', entry: i + 1, fields, lie: made('counted-differs', 'verify.counted.differs', params, notes, id) };
  }
  // Not found. Received before the tally (its index below the note's received size), it was
  // counted or rejected; the tally counts the first envelope of a statement and rejects the
  // others as duplicates, so with no entry at all every envelope of it was rejected — which a
  // valid statement sealed to this center's box key never is.
  const size = p.tally.note.received.size;
  if (!first || first.index >= size) return { ...base, status: 'not-yet' };
  const params = { id: first.id.slice(0, 16), index: first.index, received: size };
  return { ...base, status: 'not-counted', lie: made('not-counted', 'verify.counted.not-counted', params, [...p.published, sent, ...receipts], first.id) };
}

/** `people=2 sector=-`: the named fields of an entry, as in its line. */
function show(e: CountedFields, fields: readonly (keyof CountedFields)[]): string {
  return fields.map((f) => `${f}=${e[f]}`).join(' ');
}

function made(code: 'counted-differs' | 'not-counted', key: keyof typeof countedVerifyMessages, params: Record<string, string | number>, notes: EvidenceNote[], receipt?: string): Lie {
  return lieFromError(new VerifyError(code, text(key, params), { key, params }), notes, receipt);
}

