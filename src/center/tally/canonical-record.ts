/**
 * The tally's record (`record.ts`) of a canonical statement, written straight from the bytes the
 * scanner read (`canonical.ts` {@link CanonicalView}): ids, codes, the date and the names are
 * copied, the tag hashed from the bytes, and no string or object is made for the statement (a
 * bench/tally finding: building the statement, then its record from its strings, cost a tenth of
 * an opening thread's time, as much as everything else but the box).
 *
 * The bytes are those of `writeRecord` for the statement the strict path reads
 * (tests/tally/canonical.test.ts checks every input of its corpus and mutations). A statement
 * whose free text needs an NFC check on its decoded string ({@link SLOW}) is left to that path.
 */
import { hash } from 'node:crypto';
import { LIMITS } from '../../statement/types.js';
import { putCount as count, putText as ascii } from './record.js';
import { BASE64 } from './canonical.js';
import { ESCAPED, ID_AT, P_FLAGS, P_NAME, P_NAME_END, PERSON, SLOW, TAG_KEY_AT, type CanonicalView } from './canonical-view.js';

const TAG_DOMAIN = 'sealpost/tag/v1';
const KEY_IN = TAG_DOMAIN.length;
const ID_IN = KEY_IN + 32;
/** domain (15 bytes) || tag key (32) || id (16), rewritten for each statement. */
const tagInput = Buffer.alloc(ID_IN + 16);
tagInput.write(TAG_DOMAIN, 0, 'latin1');

/** Lowercase hex digits of a byte, as two char codes (high digit in the high byte). */
const HEX = Uint16Array.from({ length: 256 }, (_, n) => {
  const d = (x: number) => (x < 10 ? 48 + x : 87 + x);
  return (d(n >> 4) << 8) | d(n & 15);
});
const hexDigit = (c: number) => (c <= 57 ? c - 48 : c - 87);

/** Room a record of the statement in `json` needs at most: its names take no more than in the JSON. */
export const canonicalRecordRoom = (json: Uint8Array): number => json.length + 512;

/**
 * Writes the record of the statement scanned into `v` from `b` at `out[at…]` (at least
 * {@link canonicalRecordRoom} bytes free) and returns where it ends; -1 when a free text's NFC
 * needs its string (then nothing is written that counts: the caller takes the strict path).
 * @param names write the people's names (only for `--private`)
 */
export function writeCanonicalRecord(b: Uint8Array, v: CanonicalView, out: Uint8Array, at: number, names: boolean): number {
  if (v.flags & SLOW) return -1;
  at = copy(b, ID_AT, ID_AT + 32, out, at);
  out[at++] = 9;
  at = tag(b, out, at);
  at = ascii(out, at, ' week=');
  at = ascii(out, at, v.day.week);
  at = count(out, ascii(out, at, ' people='), v.people);
  at = count(out, ascii(out, at, ' ccp='), v.ccp);
  at = count(out, ascii(out, at, ' cyl='), v.cyl);
  at = count(out, ascii(out, at, ' cyp='), v.cyp);
  at = ascii(out, at, ' region=');
  marks[M_REGION] = at;
  at = ascii(out, at, v.region);
  marks[M_REGION_END] = at;
  at = ascii(out, ascii(out, at, ' sector='), v.sector ?? '-');
  marks[M_LINE_END] = at;
  out[at++] = 9;
  at = ascii(out, at, v.channel);
  out[at++] = 9;
  at = count(out, at, v.realNames);
  out[at++] = 9;
  if (v.groupAt < 0) out[at++] = 0x2d;
  else {
    at = copy(b, v.groupAt, v.groupAt + 32, out, at);
    out[at++] = 0x20;
    at = count(out, at, v.part);
    out[at++] = 0x2f;
    at = count(out, at, v.parts);
  }
  out[at++] = 9;
  marks[M_DATE] = at;
  at = ascii(out, at, v.day.date);
  return names ? writeNames(b, v, out, at) : at;
}

/**
 * Where the last record {@link writeCanonicalRecord} wrote has its region, where its entry ends and
 * where its date starts (for `record.ts` metaAt, without scanning the record for them).
 */
export const marks = new Int32Array(4);
export const M_REGION = 0;
export const M_REGION_END = 1;
export const M_LINE_END = 2;
export const M_DATE = 3;

/** The names of a statement of several people, unescaped (grown as needed), and where each starts and ends. */
let pool = new Uint8Array(1 << 14);
const spans = new Int32Array(2 * LIMITS.people);
const order = new Int32Array(LIMITS.people);
const byName = (x: number, y: number): number => compareUtf16(pool, spans[2 * x]!, spans[2 * x + 1]!, pool, spans[2 * y]!, spans[2 * y + 1]!);

/**
 * Writes a tab and each name (unescaped) at `out[at…]`, in record.ts's order: sorted as JavaScript
 * sorts strings, by UTF-16 code units ({@link compareUtf16}).
 */
function writeNames(b: Uint8Array, v: CanonicalView, out: Uint8Array, at: number): number {
  const p = v.persons;
  const n = v.people;
  if (n === 1) {
    out[at++] = 9;
    return name(b, p[P_NAME]!, p[P_NAME_END]!, p[P_FLAGS]!, out, at);
  }
  if (pool.length < b.length) pool = new Uint8Array(2 * b.length);
  let w = 0;
  for (let k = 0; k < n; k++) {
    spans[2 * k] = w;
    w = name(b, p[k * PERSON + P_NAME]!, p[k * PERSON + P_NAME_END]!, p[k * PERSON + P_FLAGS]!, pool, w);
    spans[2 * k + 1] = w;
    order[k] = k;
  }
  if (n <= 16) insertionSort(0, n);
  else sortByPrefix(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out[at++] = 9;
    at = copy(pool, spans[2 * i]!, spans[2 * i + 1]!, out, at);
  }
  // Names are the statement's plaintext: not kept here once written (as the opener zeroes the JSON).
  pool.fill(0, 0, w);
  return at;
}

/** Sorts order[from, to) by name (most statements name a few people). */
function insertionSort(from: number, to: number): void {
  for (let k = from + 1; k < to; k++) {
    const x = order[k]!;
    let j = k - 1;
    for (; j >= from && byName(order[j]!, x) > 0; j--) order[j + 1] = order[j]!;
    order[j + 1] = x;
  }
}

/** Each name's first 5 bytes (as {@link prefixOf} orders them) * PEOPLE + its index, sorted as numbers. */
const keys = new Float64Array(LIMITS.people);
/** Above any index of a person (a power of two), and small enough that 2^40 * PEOPLE is exact in a double. */
const PEOPLE = 2 ** Math.ceil(Math.log2(LIMITS.people + 1));
if (PEOPLE > 2 ** 12) throw new Error('canonical-record.ts sorts at most 4096 names a statement');

/**
 * Sorts the n names of a large group: by their first five bytes as numbers (a typed array's own
 * sort), then names that share them by {@link compareUtf16}.
 */
function sortByPrefix(n: number): void {
  for (let k = 0; k < n; k++) keys[k] = prefixOf(spans[2 * k]!, spans[2 * k + 1]!) * PEOPLE + k;
  const sorted = keys.subarray(0, n).sort();
  for (let k = 0; k < n; k++) order[k] = sorted[k]! % PEOPLE;
  for (let k = 0; k < n; ) {
    const prefix = Math.floor(sorted[k]! / PEOPLE);
    let end = k + 1;
    while (end < n && Math.floor(sorted[end]! / PEOPLE) === prefix) end++;
    if (end - k > 1) insertionSort(k, end);
    k = end;
  }
}

/**
 * The first five bytes of pool[start, end) as a number (zeros past the end: no name holds a zero
 * byte, so a prefix comes first), each lead byte from EE up mapped so that numbers order as
 * {@link compareUtf16} does: F0..F4 (above U+FFFF) before EE and EF (U+E000..U+FFFF). Bytes from
 * EE up are only lead bytes, and a lead byte is only ever compared with a lead byte.
 */
function prefixOf(start: number, end: number): number {
  let key = 0;
  for (let i = start; i < start + 5; i++) {
    const x = i < end ? pool[i]! : 0;
    key = key * 256 + (x < 0xee ? x : x <= 0xef ? x + 5 : x - 2);
  }
  return key;
}

/** Writes the name at `b[start, end)` unescaped (a name's only escapes are `\"` and `\\`); returns the end. */
function name(b: Uint8Array, start: number, end: number, flags: number, out: Uint8Array, at: number): number {
  if (!(flags & ESCAPED)) return copy(b, start, end, out, at);
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    out[at++] = c === 0x5c ? b[++i]! : c;
  }
  return at;
}

/**
 * Compares two well-formed UTF-8 strings as JavaScript compares their UTF-16 forms: byte order is
 * code point order, which is UTF-16's but that characters above U+FFFF (surrogates, D800..DFFF)
 * come before U+E000..U+FFFF (lead bytes EE and EF).
 */
export function compareUtf16(a: Uint8Array, aStart: number, aEnd: number, c: Uint8Array, cStart: number, cEnd: number): number {
  const n = Math.min(aEnd - aStart, cEnd - cStart);
  for (let k = 0; k < n; k++) {
    const x = a[aStart + k]!;
    const y = c[cStart + k]!;
    if (x === y) continue;
    // The bytes before are equal, so both characters start here or both continue the same lead.
    if (x >= 0xf0 && (y === 0xee || y === 0xef)) return -1;
    if (y >= 0xf0 && (x === 0xee || x === 0xef)) return 1;
    return x - y;
  }
  return aEnd - aStart - (cEnd - cStart);
}

/** The statement's tag (spec 8, src/statement/tag.ts) as 64 hex digits at `out[at…]`, from its id and tag key's bytes. */
function tag(b: Uint8Array, out: Uint8Array, at: number): number {
  for (let i = TAG_KEY_AT, o = KEY_IN; i < TAG_KEY_AT + 44; i += 4) {
    // Scanned: 43 digits and `=`, the unused bits zero.
    const n = (BASE64[b[i]!]! << 18) | (BASE64[b[i + 1]!]! << 12) | ((BASE64[b[i + 2]!]! & 63) << 6) | (BASE64[b[i + 3]!]! & 63);
    tagInput[o++] = n >>> 16;
    if (o < ID_IN) tagInput[o++] = (n >>> 8) & 0xff;
    if (o < ID_IN) tagInput[o++] = n & 0xff;
  }
  for (let i = 0; i < 16; i++) tagInput[ID_IN + i] = (hexDigit(b[ID_AT + 2 * i]!) << 4) | hexDigit(b[ID_AT + 2 * i + 1]!);
  // A latin1 ('binary') string of the 32 bytes: the cheapest of node:crypto's outputs here (a Buffer costs twice).
  const digest = hash('sha256', tagInput, 'binary');
  for (let i = 0; i < 32; i++) {
    const h = HEX[digest.charCodeAt(i)]!;
    out[at++] = h >> 8;
    out[at++] = h & 0xff;
  }
  return at;
}

function copy(b: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  for (let i = start; i < end; i++) out[at++] = b[i]!;
  return at;
}
