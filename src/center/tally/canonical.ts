/**
 * A single-pass reader of a statement's canonical bytes (wire spec 2), for the offline tally: it
 * opens millions of statements that sealers wrote with `serializeStatement`, and the general path
 * (UTF-8 decode, JSON.parse, `validateStatement`, JSON.stringify to compare) cost several times
 * more than this scan.
 *
 * `parseCanonical` accepts only bytes that are exactly `serializeStatement`'s output for a valid
 * statement: keys in spec 2's table order, optional keys omitted when absent, no whitespace,
 * integers and string escapes as `JSON.stringify` writes them, well-formed UTF-8. Such bytes have
 * no duplicate key, no BOM and nothing the strict parser reads otherwise, and every rule of
 * validate.ts is checked here, with its own predicates where they are not a few byte comparisons
 * (checks.ts `isIsoDate`, `isLanguageTag`, `isNfc`; regions.ts; the lists of types.ts), so the
 * strict path returns the same statement. Anything else, valid or not, gives `undefined` and the
 * caller takes the strict path (src/statement/codec.ts `parseStatement`), which names the error.
 *
 * The scan makes no string: it fills a view of positions and list values (`canonical-view.ts`),
 * from which the tally's record writer copies (`canonical-record.ts`, via {@link scanCanonical})
 * and `parseCanonical` builds the statement.
 *
 * Why a scanner can stay equal to the strict path: the canonical text of a valid statement has
 * only three escapes, `\"` and `\\` in free text and `\n` in `text` (JSON.stringify writes every
 * other escape for a control character or a lone surrogate, which validation refuses), and its
 * ids, codes, dates and tags are printable ASCII without escapes.
 */
import { addDays, isIsoDate, isLanguageTag } from '../../statement/checks.js';
import { isoWeek } from '../../statement/counted.js';
import { COUNTRY_CODES, isCountryCode, isProvinceCode, PROVINCE_CODES } from '../../statement/regions.js';
import { CHANNELS, LIMITS, ORGS, SECTORS, type Statement } from '../../statement/types.js';
import { weekCode } from './record.js';
import { CanonicalView, ESCAPED, fail, HEAD, latin1, P_FLAGS, P_NAME, P_NAME_END, P_ORGS, P_REAL, PERSON, REGIONS, SLOW, statementOf, WIDE, type Day } from './canonical-view.js';

/**
 * The latest `date` a statement opened on `today` may have (spec 2: the day of opening + 1), as
 * validate.ts computes it: the `maxDate` argument of {@link parseCanonical}.
 * @throws RangeError when `today` is not a `YYYY-MM-DD` date from year 1000 on (validate.ts's rule).
 */
export function canonicalMaxDate(today: string): string {
  if (!isIsoDate(today) || today < '1000-01-01') throw new RangeError(`today must be a YYYY-MM-DD date, got ${String(today)}`);
  return addDays(today, 1);
}

/**
 * The statement in `json` when its bytes are exactly a valid statement's canonical serialisation
 * (as `serializeStatement` writes it), else undefined. Never throws. When it returns a statement,
 * `parseStatement(json, { today })` returns one with the same `JSON.stringify`.
 * @param maxDate the latest allowed `date`: {@link canonicalMaxDate} of the day of opening
 */
export function parseCanonical(json: Uint8Array, maxDate: string): Statement | undefined {
  const view = scanCanonical(json, maxDate, new CanonicalView());
  return view && statementOfScan(json, view);
}

/**
 * The statement of bytes {@link scanCanonical} scanned into `view` (as the strict path reads it),
 * or undefined when a {@link SLOW} text is not NFC (the statement is then invalid). Never throws.
 */
export function statementOfScan(json: Uint8Array, view: CanonicalView): Statement | undefined {
  try {
    return statementOf(json, view);
  } catch {
    return undefined;
  }
}

/**
 * Scans `json` into `view` (reused: nothing of an earlier scan is left that this one reads) when
 * its bytes are a canonical statement that is valid but perhaps for NFC: a free text whose flags
 * have {@link SLOW} is NFC only if its decoded string is (`statementOf` checks it; the tally's
 * record writer leaves such statements to the strict path). Else undefined. Never throws.
 */
export function scanCanonical(json: Uint8Array, maxDate: string, view: CanonicalView): CanonicalView | undefined {
  try {
    scanner.reset(json, maxDate, view).statement();
    return view;
  } catch {
    return undefined;
  }
}

/**
 * Fixed ASCII text to match: its bytes, and their little-endian 32-bit words, so that matching
 * compares four bytes at a time (the keys are half of a statement's bytes).
 */
interface Lit {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
}

function ascii(s: string): Lit {
  const bytes = Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  const words = new Uint32Array(bytes.length >> 2);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < words.length; k++) words[k] = view.getUint32(4 * k, true);
  return { bytes, words };
}

/** An allowed value of an enumerated field: its text with the closing quote, and the string. */
interface Word {
  readonly lit: Lit;
  readonly value: string;
  /** Its index in the list. */
  readonly index: number;
}

function words(values: readonly string[]): readonly Word[] {
  return values.map((value, index) => ({ lit: ascii(`${value}"`), value, index }));
}

/** A value of a code table: the list's own string and its index there. */
interface Code {
  readonly value: string;
  readonly index: number;
}

/**
 * Short values (at most 6 bytes: orgs, country and province codes) by their bytes read as a
 * little-endian base-256 number, so that matching one is a scan and a lookup, without a string.
 * Values are printable ASCII other than `"` and `\`, whose bytes are never 0, so no two share a key.
 */
function codeTable(values: readonly string[], valid: (v: string) => boolean): ReadonlyMap<number, Code> {
  const table = new Map<number, Code>();
  for (const [index, v] of values.entries()) {
    if (v.length > 6 || !/^[\x20-\x7e]*$/.test(v) || v.includes('"') || v.includes('\\') || !valid(v)) continue;
    let key = 0;
    for (let j = v.length - 1; j >= 0; j--) key = key * 256 + v.charCodeAt(j);
    table.set(key, { value: v, index });
  }
  return table;
}

const ORG_CODES = codeTable(ORGS, () => true);
if (ORGS.join() !== 'CCP,CYL,CYP') throw new Error('canonical.ts counts ORGS as CCP, CYL, CYP');
const COUNTRY_CODES_BY_KEY = codeTable(COUNTRY_CODES, isCountryCode);
const PROVINCE_CODES_BY_KEY = codeTable(PROVINCE_CODES, isProvinceCode);
const SECTOR_WORDS = words(SECTORS);
const CHANNEL_WORDS = words(CHANNELS);

/** The keys and punctuation between values, in canonical order. */
const K = {
  head: ascii(HEAD),
  tagKey: ascii(',"tagKey":"'),
  people: ascii(',"people":['),
  name: ascii('{"name":"'),
  realName: ascii(',"realName":'),
  orgs: ascii(',"orgs":["'),
  nextOrg: ascii(',"'),
  group: ascii(',"group":{"id":"'),
  part: ascii(',"part":'),
  parts: ascii(',"parts":'),
  region: ascii(',"region":{"country":"'),
  province: ascii(',"province":"'),
  city: ascii(',"city":"'),
  sector: ascii(',"sector":"'),
  channel: ascii(',"channel":"'),
  date: ascii(',"date":"'),
  text: ascii(',"text":"'),
  publish: ascii(',"publish":'),
  lang: ascii(',"lang":"'),
  true: ascii('true'),
  false: ascii('false'),
} as const;

/** Base64 digit values by byte (`A-Z a-z 0-9 + /`), -1 for other bytes: checks.ts `isTagKey`, inline. */
export const BASE64 = Int8Array.from({ length: 256 }, (_, c) => {
  const k = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(String.fromCharCode(c));
  return c < 128 ? k : -1;
});

/**
 * Results of `isIsoDate` and `isLanguageTag` (pure functions of the string): a tally sees a few
 * thousand distinct dates and a handful of tags, and each check costs about a microsecond. Only
 * short keys, and a bounded number, are kept: the strings come from anyone's envelope.
 */
const MEMO_MAX = 20_000;
const MEMO_KEY_MAX = 64;
const langMemo = new Map<string, boolean>();
/** Days by `YYYYMMDD` as a number; null for one that is not a date. */
const dayMemo = new Map<number, Day | null>();

function memo(cache: Map<string, boolean>, key: string, check: (s: string) => boolean): boolean {
  if (key.length > MEMO_KEY_MAX) return check(key);
  let ok = cache.get(key);
  if (ok === undefined) {
    ok = check(key);
    if (cache.size < MEMO_MAX) cache.set(key, ok);
  }
  return ok;
}

/** The day `YYYY-MM-DD` whose digits read as the number `key` (YYYYMMDD), or null when isIsoDate refuses it. */
function dayOf(b: Uint8Array, at: number, key: number): Day | null {
  let day = dayMemo.get(key);
  if (day === undefined) {
    const date = latin1(b, at, at + 10);
    const week = isIsoDate(date) ? isoWeek(date) : undefined;
    day = week === undefined ? null : { date, week, weekCode: weekCode(week) };
    if (dayMemo.size < MEMO_MAX) dayMemo.set(key, day);
  }
  return day;
}

/** `YYYY-MM-DD` as the number YYYYMMDD (dates compare as these numbers do). */
const dateKey = (d: string): number => Number(d.slice(0, 4) + d.slice(5, 7) + d.slice(8, 10));
const FIRST_DATE_KEY = dateKey(LIMITS.firstDate);

/**
 * Whether a code point leaves NFC certain without normalising: Unicode's NFC quick check says a
 * string is NFC when every character has NFC_Quick_Check=Yes and combining class 0, and these
 * ranges have both: below U+0300; CJK symbols and punctuation U+3000..U+3029 and U+3030..U+303F
 * (not the tone marks between); CJK Unified Ideographs, extension A U+3400..U+4DBF, U+4E00..U+9FFF
 * and extension B U+20000..U+2A6DF; Hangul syllables U+AC00..U+D7A3; private use U+E000..U+F8FF;
 * fullwidth ASCII U+FF01..U+FF5E (tests/tally/canonical.test.ts checks each, and pairs of them). A
 * string with any other character goes to `isNfc`.
 */
export function nfcQuick(c: number): boolean {
  if (c < 0x300) return true;
  if (c < 0x3000) return false;
  if (c <= 0x9fff) return c >= 0x4e00 || (c >= 0x3400 && c <= 0x4dbf) || c <= 0x3029 || (c >= 0x3030 && c <= 0x303f);
  if (c < 0x10000) return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xe000 && c <= 0xf8ff) || (c >= 0xff01 && c <= 0xff5e);
  return c >= 0x20000 && c <= 0x2a6df;
}

/** A UTF-8 continuation byte (false for `undefined` past the end). */
function isTrail(c: number): boolean {
  return c >= 0x80 && c <= 0xbf;
}

/**
 * Reads one canonical statement from its bytes into a view, failing (throwing NOT_CANONICAL) at the
 * first byte that differs. Makes no string but for a date or language tag not seen before.
 */
class Scanner {
  private i = 0;
  private b: Uint8Array = new Uint8Array(0);
  private maxDate = '';
  private v: CanonicalView = new CanonicalView();
  /** A view of all of b's buffer (kept while statements come in the same one), and b's offset in it. */
  private d: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private offset = 0;
  /** Where the last free text read starts and ends (its closing quote). */
  private start = 0;
  private end = 0;

  /** Readies the scanner for `b` (one scanner a thread: no allocation a statement). */
  reset(b: Uint8Array, maxDate: string, v: CanonicalView): this {
    this.b = b;
    this.maxDate = maxDate;
    this.v = v;
    this.i = 0;
    if (this.d.buffer !== b.buffer) this.d = new DataView(b.buffer);
    this.offset = b.byteOffset;
    return this;
  }

  statement(): void {
    const v = this.v;
    v.flags = 0;
    this.lit(K.head);
    this.hex32();
    this.lit(K.tagKey);
    this.tagKey();
    this.lit(K.people);
    this.people();
    v.groupAt = -1;
    if (this.opt(K.group)) this.group();
    this.lit(K.region);
    this.region();
    v.sector = undefined;
    v.sectorIndex = 0;
    if (this.opt(K.sector)) {
      const w = this.oneOf(SECTOR_WORDS);
      v.sector = w.value;
      v.sectorIndex = w.index + 1;
    }
    this.lit(K.channel);
    v.channel = this.oneOf(CHANNEL_WORDS).value;
    this.lit(K.date);
    v.day = this.date();
    v.textAt = -1;
    if (this.opt(K.text)) {
      v.textFlags = this.text(0, LIMITS.text, true);
      v.textAt = this.start;
      v.textEnd = this.end;
    }
    v.publish = this.opt(K.publish) ? Number(this.bool()) : -1;
    v.lang = this.opt(K.lang) ? this.lang() : undefined;
    if (this.b[this.i] !== 0x7d || this.i + 1 !== this.b.length) fail(); // `}` and the end
  }

  /** After `[`: 1..LIMITS.people persons, then `]`. */
  private people(): void {
    const v = this.v;
    v.ccp = v.cyl = v.cyp = v.realNames = 0;
    let n = 0;
    for (;;) {
      this.lit(K.name);
      if (n === LIMITS.people) fail();
      this.person(n * PERSON);
      n++;
      if (!this.punct(0x2c)) break; // `,`
    }
    this.expect(0x5d); // `]`
    v.people = n;
  }

  /** After `{"name":"`: the person's values at persons[at…]. */
  private person(at: number): void {
    const p = this.v.persons;
    const flags = this.text(1, LIMITS.name, false);
    p[at + P_NAME] = this.start;
    p[at + P_NAME_END] = this.end;
    p[at + P_FLAGS] = flags;
    const real = this.opt(K.realName) ? Number(this.bool()) : -1;
    p[at + P_REAL] = real;
    if (real === 1) this.v.realNames++;
    this.lit(K.orgs);
    p[at + P_ORGS] = this.orgs();
    this.expect(0x7d); // `}`
  }

  /** After `["`: distinct orgs, then `]`; their indexes + 1 in base 4, the first lowest. */
  private orgs(): number {
    let code = 0;
    let seen = 0;
    for (let shift = 0; ; shift += 2) {
      const org = this.code(ORG_CODES).index;
      if (seen & (1 << org)) fail();
      seen |= 1 << org;
      code |= (org + 1) << shift;
      // ORGS is CCP, CYL, CYP.
      if (org === 0) this.v.ccp++;
      else if (org === 1) this.v.cyl++;
      else this.v.cyp++;
      if (!this.opt(K.nextOrg)) break;
    }
    this.expect(0x5d); // `]`
    return code;
  }

  /** After `{"id":"`; 1 <= part <= parts. */
  private group(): void {
    const v = this.v;
    v.groupAt = this.i;
    this.hex32();
    this.lit(K.part);
    v.part = this.integer();
    this.lit(K.parts);
    v.parts = this.integer();
    this.expect(0x7d); // `}`
    if (v.part > v.parts) fail();
  }

  /** After `{"country":"`; a province if and only if the country is CN. */
  private region(): void {
    const v = this.v;
    const country = this.code(COUNTRY_CODES_BY_KEY);
    v.country = country.value;
    if (country.value === 'CN') {
      this.lit(K.province);
      const province = this.code(PROVINCE_CODES_BY_KEY);
      v.province = province.value;
      v.regionIndex = COUNTRY_CODES.length + province.index;
    } else {
      v.province = undefined;
      v.regionIndex = country.index;
    }
    v.region = REGIONS[v.regionIndex]!;
    v.cityAt = -1;
    if (this.opt(K.city)) {
      v.cityFlags = this.text(0, LIMITS.city, false);
      v.cityAt = this.start;
      v.cityEnd = this.end;
    }
    this.expect(0x7d); // `}`
  }

  /** `YYYY-MM-DD` from LIMITS.firstDate to maxDate, and the closing quote (isIsoDate, memoised). */
  private date(): Day {
    const b = this.b;
    const at = this.i;
    if (at + 11 > b.length || b[at + 4] !== 0x2d || b[at + 7] !== 0x2d || b[at + 10] !== 0x22) fail();
    let key = 0;
    for (let k = 0; k < 10; k++) {
      if (k === 4 || k === 7) continue;
      const c = b[at + k]! - 0x30;
      if (c < 0 || c > 9) fail();
      key = key * 10 + c;
    }
    if (key < FIRST_DATE_KEY || key > this.maxKey()) fail();
    const day = dayOf(b, at, key);
    if (day === null) fail();
    this.i = at + 11;
    return day;
  }

  /** {@link dateKey} of maxDate (one day for millions of statements). */
  private maxKey(): number {
    if (maxKeyOf.date !== this.maxDate) {
      maxKeyOf.date = this.maxDate;
      maxKeyOf.key = dateKey(this.maxDate);
    }
    return maxKeyOf.key;
  }

  private lang(): string {
    const start = this.i;
    const i = this.asciiEnd();
    if (i < 0) fail();
    this.i = i + 1;
    const tag = latin1(this.b, start, i);
    if (!memo(langMemo, tag, isLanguageTag)) fail();
    return tag;
  }

  /** 32 lowercase hex digits (checks.ts `isHex32`, inline) and the closing quote. */
  private hex32(): void {
    const b = this.b;
    const start = this.i;
    if (start + 33 > b.length) fail();
    for (let i = start; i < start + 32; i++) {
      const c = b[i]!;
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) fail();
    }
    if (b[start + 32] !== 0x22) fail();
    this.i = start + 33;
  }

  /**
   * checks.ts `isTagKey`, inline: 43 base64 digits, `=` and the closing quote, the last digit's
   * two unused low bits zero (so that 32 bytes have one spelling).
   */
  private tagKey(): void {
    const b = this.b;
    const start = this.i;
    if (start + 45 > b.length) fail();
    let last = 0;
    for (let i = start; i < start + 43; i++) {
      last = BASE64[b[i]!]!;
      if (last < 0) fail();
    }
    if ((last & 3) !== 0 || b[start + 43] !== 0x3d || b[start + 44] !== 0x22) fail();
    this.i = start + 45;
  }

  /** One value of `table` (see codeTable) and its closing quote. */
  private code(table: ReadonlyMap<number, Code>): Code {
    const b = this.b;
    const start = this.i;
    let i = start;
    let key = 0;
    let scale = 1;
    for (;;) {
      if (i >= b.length || i - start > 6) fail();
      const c = b[i]!;
      if (c === 0x22) break;
      key += c * scale;
      scale *= 256;
      i++;
    }
    const v = table.get(key);
    if (v === undefined) fail();
    this.i = i + 1;
    return v;
  }

  /** One of `words` and its closing quote. */
  private oneOf(list: readonly Word[]): Word {
    for (const w of list) if (this.opt(w.lit)) return w;
    return fail();
  }

  /** Consumes `word` at the position or fails. */
  private lit(word: Lit): void {
    if (!this.opt(word)) fail();
  }

  /** Consumes `word` if it is at the position. */
  private opt(word: Lit): boolean {
    const { bytes, words } = word;
    const b = this.b;
    const i = this.i;
    const n = bytes.length;
    if (i + n > b.length) return false;
    const d = this.d;
    let k = 0;
    const at = this.offset + i;
    for (; k < words.length; k++) if (d.getUint32(at + 4 * k, true) !== words[k]) return false;
    for (k *= 4; k < n; k++) if (b[i + k] !== bytes[k]) return false;
    this.i = i + n;
    return true;
  }

  /** Consumes the byte `c` if it is at the position. */
  private punct(c: number): boolean {
    if (this.b[this.i] !== c) return false;
    this.i++;
    return true;
  }

  private expect(c: number): void {
    if (!this.punct(c)) fail();
  }

  private bool(): boolean {
    if (this.opt(K.true)) return true;
    this.lit(K.false);
    return false;
  }

  /** A positive safe integer as JSON.stringify writes it: no sign, leading zero, fraction or exponent. */
  private integer(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    let n = 0;
    for (; i < b.length; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    // 16 digits hold every safe integer, and n is exact while it is one.
    if (i === start || b[start] === 0x30 || i - start > 16 || !Number.isSafeInteger(n)) fail();
    this.i = i;
    return n;
  }

  /**
   * The index of the closing quote when the string from here is printable ASCII without escapes;
   * -1 at the first other byte (the caller decides whether that fails).
   */
  private asciiEnd(): number {
    const b = this.b;
    for (let i = this.i; i < b.length; i++) {
      const c = b[i]!;
      if (c === 0x22) return i;
      if (c < 0x20 || c >= 0x7f || c === 0x5c) return -1;
    }
    return fail();
  }

  /**
   * The rest of a free-text string and its closing quote, held to validate.ts `text` but for NFC
   * where the flags say {@link SLOW}: well-formed UTF-8; escapes only `\"`, `\\` and (with
   * `newline`) `\n`; no control character (Cc); `min..max` code points. Sets start and end, adds
   * the text's flags to the view's and returns them.
   */
  private text(min: number, max: number, newline: boolean): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    let n = 0;
    let flags = 0;
    for (;;) {
      if (i >= b.length) fail();
      const c = b[i]!;
      if (c === 0x22) break;
      if (c < 0x80) {
        if (c === 0x5c) {
          unescape(b[i + 1], newline);
          flags |= ESCAPED;
          i += 2;
        } else {
          if (c < 0x20 || c === 0x7f) fail(); // controls: escaped by JSON, or DEL (Cc)
          i++;
        }
      } else {
        const cp = this.codePoint(i);
        i += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (cp <= 0x9f) fail(); // C1 controls (Cc)
        flags |= nfcQuick(cp) ? WIDE : WIDE | SLOW;
      }
      if (++n > max) fail();
    }
    if (n < min) fail();
    this.start = start;
    this.end = i;
    this.i = i + 1;
    this.v.flags |= flags;
    return flags;
  }

  /**
   * The code point of the multi-byte UTF-8 character at `i`, which must be well-formed (Unicode
   * table 3-7: no overlong form, no surrogate, at most U+10FFFF), as the fatal decoder requires.
   */
  private codePoint(i: number): number {
    const b = this.b;
    const lead = b[i]!;
    const c1 = b[i + 1] ?? 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
      if (!isTrail(c1)) fail();
      return ((lead & 0x1f) << 6) | (c1 & 0x3f);
    }
    const c2 = b[i + 2] ?? 0;
    if (lead >= 0xe0 && lead <= 0xef) {
      const lo = lead === 0xe0 ? 0xa0 : 0x80;
      const hi = lead === 0xed ? 0x9f : 0xbf;
      if (c1 < lo || c1 > hi || !isTrail(c2)) fail();
      return ((lead & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
    }
    const c3 = b[i + 3] ?? 0;
    if (lead >= 0xf0 && lead <= 0xf4) {
      const lo = lead === 0xf0 ? 0x90 : 0x80;
      const hi = lead === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo || c1 > hi || !isTrail(c2) || !isTrail(c3)) fail();
      return ((lead & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
    }
    return fail();
  }
}

const scanner = new Scanner();

/** The last maxDate scanned and its key. */
const maxKeyOf = { date: '', key: 0 };

/** Checks the escape `\` + `e` that a valid canonical statement can hold (fails on any other). */
function unescape(e: number | undefined, newline: boolean): void {
  if (e === 0x22 || e === 0x5c || (e === 0x6e && newline)) return;
  fail();
}
