/**
 * What the tally's canonical scanner (`canonical.ts`) finds in a statement's bytes: a view of
 * positions and list values, which the tally's record writer (`canonical-record.ts`) copies from,
 * and from which {@link statementOf} builds the statement the strict path would read.
 */
import { Buffer } from 'node:buffer';
import { isNfc, isWellFormed } from '../../statement/checks.js';
import { COUNTRY_CODES, PROVINCE_CODES } from '../../statement/regions.js';
import { LIMITS, ORGS, type Channel, type CountryCode, type Org, type Person, type ProvinceCode, type Region, type Sector, type Statement } from '../../statement/types.js';

/** Thrown (one instance: no stack captured per use) when the bytes are not a canonical valid statement. */
const NOT_CANONICAL = new Error('not a canonical statement');

/** Throws {@link NOT_CANONICAL}. */
export function fail(): never {
  throw NOT_CANONICAL;
}

/** What every canonical statement starts with; its id's 32 hex digits follow. */
export const HEAD = '{"v":1,"kind":"withdrawal","id":"';
/** Where the id's 32 hex digits start, and the tag key's 44 characters (after `","tagKey":"`). */
export const ID_AT = HEAD.length;
export const TAG_KEY_AT = ID_AT + 33 + ',"tagKey":"'.length;

/** A free text holds an escape (`\"`, `\\` or `\n`). */
export const ESCAPED = 1;
/** A free text holds characters of more than one byte. */
export const WIDE = 2;
/** A free text holds a character that {@link nfcQuick} does not clear: whether it is NFC needs the string. */
export const SLOW = 4;

/** Values a person takes in {@link CanonicalView.persons}: where the name starts and ends, its flags, realName, orgs. */
export const PERSON = 5;
export const P_NAME = 0;
export const P_NAME_END = 1;
export const P_FLAGS = 2;
/** -1 when absent, else 0 (false) or 1 (true). */
export const P_REAL = 3;
/** Each org's index in ORGS + 1, in base 4, the first org lowest. */
export const P_ORGS = 4;

/** A day a statement may be dated (memoised: a tally sees a few thousand). */
export interface Day {
  /** `YYYY-MM-DD` */
  readonly date: string;
  /** Its ISO week, `%G-W%V` (src/statement/counted.ts `isoWeek`). */
  readonly week: string;
  /** The week as a number in week order, (year * 100 + week). */
  readonly weekCode: number;
}

/**
 * What a scan of a canonical statement found: positions of its values in the bytes, and the values
 * that are one of a list (codes, enums) as the list's own strings. Free texts (names, city, text)
 * are positions and flags: the tally writes them by copying their bytes, without strings.
 */
export class CanonicalView {
  people = 0;
  /** People in each organisation, and people who gave their real name. */
  ccp = 0;
  cyl = 0;
  cyp = 0;
  realNames = 0;
  /** {@link PERSON} values a person. */
  readonly persons = new Int32Array(LIMITS.people * PERSON);
  /** Where the group's id starts, -1 without a group. */
  groupAt = -1;
  part = 0;
  parts = 0;
  country = '';
  province: string | undefined = undefined;
  /** `CN-<province>` or the country (spec 8's region), and its index in {@link REGIONS}. */
  region = '';
  regionIndex = 0;
  /** The city's start and end, -1 without a city. */
  cityAt = -1;
  cityEnd = 0;
  cityFlags = 0;
  sector: string | undefined = undefined;
  /** The sector's index in SECTORS + 1, 0 without a sector. */
  sectorIndex = 0;
  channel = '';
  day: Day = { date: '', week: '', weekCode: 0 };
  /** The text's start and end, -1 without a text. */
  textAt = -1;
  textEnd = 0;
  textFlags = 0;
  /** -1 when absent, else 0 (false) or 1 (true). */
  publish = -1;
  lang: string | undefined = undefined;
  /** The flags of every free text, or'd. */
  flags = 0;
}

/** Every region of spec 8 (`CN-<province>` and the countries), by {@link CanonicalView.regionIndex}. */
export const REGIONS: readonly string[] = [...COUNTRY_CODES, ...PROVINCE_CODES.map((p) => `CN-${p}`)];

/**
 * The statement a scan of `json` found (as the strict path reads it). Throws NOT_CANONICAL when a
 * {@link SLOW} text's decoded string is not NFC (the statement is then invalid).
 */
export function statementOf(b: Uint8Array, v: CanonicalView): Statement {
  const id = latin1(b, ID_AT, ID_AT + 32);
  const tagKey = latin1(b, TAG_KEY_AT, TAG_KEY_AT + 44);
  const people: Person[] = [];
  const p = v.persons;
  for (let k = 0; k < v.people * PERSON; k += PERSON) {
    const name = textOf(b, p[k + P_NAME]!, p[k + P_NAME_END]!, p[k + P_FLAGS]!);
    const orgs: Org[] = [];
    for (let code = p[k + P_ORGS]!; code > 0; code >>= 2) orgs.push(ORGS[(code & 3) - 1]!);
    const real = p[k + P_REAL]!;
    people.push(real < 0 ? { name, orgs } : { name, realName: real === 1, orgs });
  }
  const st = { v: 1, kind: 'withdrawal', id, tagKey, people } as Statement;
  if (v.groupAt >= 0) st.group = { id: latin1(b, v.groupAt, v.groupAt + 32), part: v.part, parts: v.parts };
  const region: Region = { country: v.country as CountryCode };
  if (v.province !== undefined) region.province = v.province as ProvinceCode;
  if (v.cityAt >= 0) region.city = textOf(b, v.cityAt, v.cityEnd, v.cityFlags);
  st.region = region;
  if (v.sector !== undefined) st.sector = v.sector as Sector;
  st.channel = v.channel as Channel;
  st.date = v.day.date;
  if (v.textAt >= 0) st.text = textOf(b, v.textAt, v.textEnd, v.textFlags);
  if (v.publish >= 0) st.publish = v.publish === 1;
  if (v.lang !== undefined) st.lang = v.lang;
  return st;
}

/** A scanned free text's string (see {@link Scanner.text}); NOT_CANONICAL when it is not NFC. */
function textOf(b: Uint8Array, start: number, end: number, flags: number): string {
  if (flags === 0) return latin1(b, start, end);
  let s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', start, end);
  // The only escapes a scanned text holds (unescape), each read left to right.
  if (flags & ESCAPED) s = s.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  if (flags & SLOW && !(isWellFormed(s) && isNfc(s))) fail();
  return s;
}

/**
 * `Buffer.prototype.latin1Slice` (what `toString('latin1')` calls; it takes any Uint8Array): a new
 * string of one char per byte, here about half the cost of wrapping the bytes in a Buffer first.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/** `b[start..end)` as a new string of one char per byte (never a view of a larger string). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  if (typeof latin1Slice === 'function') return latin1Slice.call(b, start, end);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
}

