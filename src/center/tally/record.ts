/**
 * The tally's record of one counted statement: one line of tab-separated fields, written as UTF-8
 * by the opening threads (`canonical-record.ts` from a canonical statement's bytes, else
 * {@link writeRecord}) and kept as those bytes by the tally thread
 * (`record-store.ts`), the journal, the run files and the commit (a bench/tally
 * finding: a million statements as objects cost more to clone, journal, hold and collect than to
 * open). Version 3 (journal chunks marked `"r":3`) holds the statement's counted entry (spec 8,
 * with its own sector) as its second field, so that the commit writes an entry by copying it (a
 * bench/tally finding: formatting a million entries there was the commit's longest step):
 *
 *   <id>\t<tag> week=<week> people=<n> ccp=<n> cyl=<n> cyp=<n> region=<region> sector=<sector>\t<channel>\t<realNames>\t<group|->\t<date>[\t<name>…]
 *
 * id 32 and tag 64 hex digits, week `%G-W%V` (8 characters: dates are 4-digit years, spec 2), so
 * id, tag and week sit at fixed offsets, read without parsing (dedup, the batch's order). Names
 * (only with `--private`) are sorted and hold no control character (spec 2), so no tab or newline;
 * the record's tail from the date on is then, with the region, the key of likely duplicates (same
 * day, region and people). Version 2 records (`<week>\t<tag>\t<id>\t<region>\t<sector>\t<people>
 * \t<ccp>\t<cyl>\t<cyp>\t<channel>\t<realNames>\t<group|->\t<date>[\t<name>…]`) of journals and run
 * files written before are read with {@link recordFromV2}.
 */
import { hashBytes } from './hash-index.js';
import { sameBytes } from './record-store.js';
import type { OpenedStatement } from './open.js';

/** The layout version of {@link formatRecord}'s records (journal chunks say `"r":3`). */
export const RECORD_VERSION = 3;

/** Where the id ends, the counted entry (and its tag) starts, and the tag ends. */
export const ID_END = 32;
export const LINE_AT = 33;
export const TAG_END = LINE_AT + 64;
/** `<tag> week=`: the week's offset. */
const WEEK_AT = TAG_END + 6;
const WEEK_END = WEEK_AT + 8;

/** The record's statement id (32 hex digits). */
export const recordId = (r: string): string => r.slice(0, ID_END);
/** The record's tag (64 hex digits). */
export const recordTag = (r: string): string => r.slice(LINE_AT, TAG_END);

/** The week of the record whose bytes start at `b[at]`, as a number in week order ((year, week): `YYYY-Www`). */
export function recordWeekCodeAt(b: Uint8Array, at: number): number {
  const d = (i: number) => b[at + WEEK_AT + i]! - 48;
  return (((d(0) * 10 + d(1)) * 10 + d(2)) * 10 + d(3)) * 100 + d(6) * 10 + d(7);
}

/** A week `YYYY-Www` as {@link recordWeekCodeAt} numbers it. */
export const weekCode = (week: string): number => Number(week.slice(0, 4)) * 100 + Number(week.slice(6, 8));

/** The first 28 bits of the tag of the record whose bytes start at `b[at]` (lowercase hex digits). */
export function recordTag28At(b: Uint8Array, at: number): number {
  let n = 0;
  for (let i = LINE_AT; i < LINE_AT + 7; i++) {
    const c = b[at + i]!;
    n = (n << 4) | (c <= 57 ? c - 48 : c - 87);
  }
  return n;
}

/** Where the counted entry of the record whose bytes start at `b[at]` ends (the tab after it). */
export function lineEndAt(b: Uint8Array, at: number): number {
  let i = at + TAG_END;
  while (i < b.length && b[i] !== 9) i++;
  return i;
}

/** A statement's record (see the file comment). */
export function formatRecord(s: OpenedStatement): string {
  if (s.week.length !== WEEK_END - WEEK_AT || s.tag.length !== TAG_END - LINE_AT || s.id.length !== ID_END) {
    throw new Error(`tally record: week ${s.week}, tag or id of an unexpected length`);
  }
  const head = `${s.id}\t${s.tag} week=${s.week} people=${s.people} ccp=${s.ccp} cyl=${s.cyl} cyp=${s.cyp} region=${s.region} sector=${s.sector}\t${s.channel}\t${s.realNames}\t${s.group ?? '-'}\t${s.date}`;
  if (!s.names || s.names.length === 0) return head;
  // The default sort: UTF-16 code unit order, byteOrder's.
  return `${head}\t${(s.names.length > 1 ? [...s.names].sort() : s.names).join('\t')}`;
}

/** Bytes of UTF-8 a string takes at most (3 a UTF-16 code unit). */
const most = (s: string) => 3 * s.length;

/** At least the bytes {@link writeRecord} writes for `s`. */
export function recordRoom(s: OpenedStatement): number {
  let n = 160 + most(s.id) + most(s.tag) + most(s.week) + most(s.region) + most(s.sector) + most(s.channel) + most(s.group ?? '') + most(s.date);
  for (const name of s.names ?? []) n += 1 + most(name);
  return n;
}

/**
 * Writes `s`'s record as UTF-8 at `out[at…]` (at least {@link recordRoom} bytes free) and returns
 * where it ends: the bytes of {@link formatRecord}'s string, written without making the string (a
 * bench/tally finding: the string, then its encoding, cost more than the rest of a record).
 */
export function writeRecord(s: OpenedStatement, out: Uint8Array, at: number): number {
  if (s.week.length !== WEEK_END - WEEK_AT || s.tag.length !== TAG_END - LINE_AT || s.id.length !== ID_END) {
    throw new Error(`tally record: week ${s.week}, tag or id of an unexpected length`);
  }
  at = putText(out, at, s.id);
  out[at++] = 9;
  at = putText(out, at, s.tag);
  at = putText(out, putText(out, at, ' week='), s.week);
  at = putCount(out, putText(out, at, ' people='), s.people);
  at = putCount(out, putText(out, at, ' ccp='), s.ccp);
  at = putCount(out, putText(out, at, ' cyl='), s.cyl);
  at = putCount(out, putText(out, at, ' cyp='), s.cyp);
  at = putText(out, putText(out, at, ' region='), s.region);
  at = putText(out, putText(out, at, ' sector='), s.sector);
  // The fields after the entry, each after a tab.
  at = putText(out, tab(out, at), s.channel);
  at = putCount(out, tab(out, at), s.realNames);
  at = putText(out, tab(out, at), s.group ?? '-');
  at = putText(out, tab(out, at), s.date);
  const names = s.names;
  if (!names || names.length === 0) return at;
  // formatRecord's order: the default sort, UTF-16 code unit order.
  for (const name of names.length > 1 ? [...names].sort() : names) at = putText(out, tab(out, at), name);
  return at;
}

/** Writes a tab at `out[at]`; returns the next position. */
function tab(out: Uint8Array, at: number): number {
  out[at] = 9;
  return at + 1;
}

/** Writes `s` as UTF-8 at `out[at…]` (as Buffer's encoder: a lone surrogate as U+FFFD); returns the end. */
export function putText(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[at++] = c;
    else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          out[at++] = 0xf0 | (cp >> 18);
          out[at++] = 0x80 | ((cp >> 12) & 63);
          out[at++] = 0x80 | ((cp >> 6) & 63);
          out[at++] = 0x80 | (cp & 63);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 63);
      out[at++] = 0x80 | (c & 63);
    }
  }
  return at;
}

/** Writes a count (a non-negative safe integer) in decimal at `out[at…]`; returns the end. */
export function putCount(out: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    out[at++] = 48 + n;
    return at;
  }
  return putText(out, at, String(n));
}

/** The statement a record holds (names only when the record has them, sorted). */
export function parseRecord(r: string): OpenedStatement {
  const f = r.split('\t');
  const e = (f[1] ?? '').split(' ');
  if (f.length < 6 || e.length !== 8) throw new Error(`tally record of ${f.length} fields: ${r.slice(0, ID_END)}`);
  const v = (i: number) => e[i]!.slice(e[i]!.indexOf('=') + 1);
  return {
    id: f[0]!,
    tag: e[0]!,
    week: v(1),
    people: Number(v(2)),
    ccp: Number(v(3)),
    cyl: Number(v(4)),
    cyp: Number(v(5)),
    region: v(6),
    sector: v(7),
    channel: f[2]!,
    realNames: Number(f[3]),
    ...(f[4] !== '-' ? { group: f[4]! } : {}),
    date: f[5]!,
    ...(f.length > 6 ? { names: f.slice(6) } : {}),
  };
}

/** A version 2 record (journals and run files written before version 3) in this version's layout. */
export function recordFromV2(r: string): string {
  const f = r.split('\t');
  if (f.length < 13) throw new Error(`tally record (version 2) of ${f.length} fields: ${r.slice(0, 106)}`);
  return formatRecord({
    week: f[0]!,
    tag: f[1]!,
    id: f[2]!,
    region: f[3]!,
    sector: f[4]!,
    people: Number(f[5]),
    ccp: Number(f[6]),
    cyl: Number(f[7]),
    cyp: Number(f[8]),
    channel: f[9]!,
    realNames: Number(f[10]),
    ...(f[11] !== '-' ? { group: f[11]! } : {}),
    date: f[12]!,
    ...(f.length > 13 ? { names: f.slice(13) } : {}),
  });
}

/**
 * The key of likely duplicates of the record at `b[start, end)` (UTF-8), as [region,
 * `<date>\t<names sorted>`]; undefined for a record without names.
 */
export function likelyKeyAt(b: Uint8Array, start: number, end: number): [region: string, tail: string] | undefined {
  const k = likelyBoundsAt(b, start, end);
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return k && [text.toString('latin1', k[0], k[1]), text.toString('utf8', k[2], end)];
}

/** {@link likelyKeyAt} of a record given as a string. */
export function likelyKey(r: string): [region: string, tail: string] | undefined {
  const b = Buffer.from(r);
  return likelyKeyAt(b, 0, b.length);
}

/**
 * Whether the records at `a[aStart, aEnd)` and `b[bStart, bEnd)` both have names and the same
 * likely-duplicate key (region, date and names), compared as bytes.
 */
export function sameLikelyAt(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  const x = likelyBoundsAt(a, aStart, aEnd);
  const y = likelyBoundsAt(b, bStart, bEnd);
  if (!x || !y || x[1] - x[0] !== y[1] - y[0] || aEnd - x[2] !== bEnd - y[2]) return false;
  return sameBytes(a, x[0], b, y[0], x[1] - x[0]) && sameBytes(a, x[2], b, y[2], aEnd - x[2]);
}

/** Hashes a record carries across threads (`hash-index.ts`): of its id, its tag and its likely key. */
export const HASHES = 3;

/**
 * What an opening thread sends with each record, in an Int32Array of {@link META} values a record
 * ({@link recordMeta}): its {@link HASHES} hashes, then where it ends in the answer's bytes (the
 * next record starts one byte, a newline, later), then what the commit orders and cuts its entry
 * by: its week ({@link recordWeekCodeAt}), the first 28 bits of its tag, and where its entry ends
 * (from the record's start; negative when the statement names a sector, whose cell decides at
 * the commit whether it is published). The tally thread keeps the last three with the record (a
 * bench/tally finding: reading them out of a million records again made the commit's plan).
 */
export const M_END = HASHES;
export const M_WEEK = HASHES + 1;
export const M_TAG28 = HASHES + 2;
export const M_LINE = HASHES + 3;
export const META = HASHES + 4;

/** Writes the {@link META} values of the record at `b[start, end)` at `out[at…]` (see META). */
export function recordMeta(b: Uint8Array, start: number, end: number, seed: number, out: Int32Array, at: number): void {
  const k = likelyBoundsAt(b, start, end);
  metaAt(b, start, end, seed, out, at, lineEndAt(b, start), k ? k[0] : -1, k ? k[1] : 0, k ? k[2] : 0);
}

/**
 * {@link recordMeta} of a record whose positions its writer knows (`canonical-record.ts`): where its
 * entry ends (`line`), its region [regionAt, regionEnd) and its date (`tailAt`) when it has names
 * (else regionAt -1). The {@link HASHES} seeded hashes are of its id, its tag (the first 16 digits:
 * a SHA-256 output) and its likely-duplicate key (region, date and names; 0 without names), hashed
 * from the bytes, by the opening threads as by the tally thread for records read back.
 */
export function metaAt(b: Uint8Array, start: number, end: number, seed: number, out: Int32Array, at: number, line: number, regionAt: number, regionEnd: number, tailAt: number): void {
  out[at] = hashBytes(seed, b, start, start + ID_END);
  out[at + 1] = hashBytes(seed, b, start + LINE_AT, start + LINE_AT + 16);
  // The region, then the tail, each with its length: the two parts cannot shift.
  out[at + 2] = regionAt >= 0 ? hashBytes(hashBytes(seed, b, regionAt, regionEnd), b, tailAt, end) : 0;
  out[at + M_END] = end;
  out[at + M_WEEK] = recordWeekCodeAt(b, start);
  out[at + M_TAG28] = recordTag28At(b, start);
  // ` sector=-`: no sector.
  out[at + M_LINE] = b[line - 1] === 0x2d && b[line - 2] === 0x3d ? line - start : start - line;
}

/**
 * Where the likely-duplicate key of the record at `b[start, end)` lies: its region [regionAt,
 * regionEnd) and its tail (date and names) from tailAt; undefined for a record without names.
 */
function likelyBoundsAt(b: Uint8Array, start: number, end: number): [regionAt: number, regionEnd: number, tailAt: number] | undefined {
  const line = lineEndAt(b, start);
  // ` region=<region> sector=<sector>` ends the entry; no space in a code.
  let s = line - 1;
  while (b[s] !== 0x20) s--;
  let r = s - 1;
  while (b[r] !== 0x20) r--;
  // channel, realNames and group follow the entry; the date the fourth tab from it.
  let at = line;
  for (let n = 2; n <= 4; n++) {
    at++;
    while (at < end && b[at] !== 9) at++;
  }
  // date (10 bytes), then names: without names there is no tab after the date.
  return end > at + 11 ? [r + 8, s, at + 1] : undefined;
}
