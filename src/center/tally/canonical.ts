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
 * Why a scanner can stay equal to the strict path: the canonical text of a valid statement has
 * only three escapes, `\"` and `\\` in free text and `\n` in `text` (JSON.stringify writes every
 * other escape for a control character or a lone surrogate, which validation refuses), and its
 * ids, codes, dates and tags are printable ASCII without escapes.
 */
import { Buffer } from 'node:buffer';
import { addDays, isIsoDate, isLanguageTag, isNfc, isWellFormed } from '../../statement/checks.js';
import { COUNTRY_CODES, isCountryCode, isProvinceCode, PROVINCE_CODES } from '../../statement/regions.js';
import { CHANNELS, LIMITS, ORGS, SECTORS, type Channel, type CountryCode, type Group, type Org, type Person, type ProvinceCode, type Region, type Sector, type Statement } from '../../statement/types.js';

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
  try {
    return new Scanner(json, maxDate).statement();
  } catch {
    return undefined;
  }
}

/** Thrown (one instance: no stack captured per use) when the bytes are not a canonical valid statement. */
const NOT_CANONICAL = new Error('not a canonical statement');

function fail(): never {
  throw NOT_CANONICAL;
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
}

function words(values: readonly string[]): readonly Word[] {
  return values.map((value) => ({ lit: ascii(`${value}"`), value }));
}

/**
 * Short values (at most 6 bytes: orgs, country and province codes) by their bytes read as a
 * little-endian base-256 number, so that matching one is a scan and a lookup, without a string.
 * Values are printable ASCII other than `"` and `\`, whose bytes are never 0, so no two share a key.
 */
function codeTable(values: readonly string[], valid: (v: string) => boolean): ReadonlyMap<number, string> {
  const table = new Map<number, string>();
  for (const v of values) {
    if (v.length > 6 || !/^[\x20-\x7e]*$/.test(v) || v.includes('"') || v.includes('\\') || !valid(v)) continue;
    let key = 0;
    for (let j = v.length - 1; j >= 0; j--) key = key * 256 + v.charCodeAt(j);
    table.set(key, v);
  }
  return table;
}

const ORG_CODES = codeTable(ORGS, () => true);
const COUNTRY_CODES_BY_KEY = codeTable(COUNTRY_CODES, isCountryCode);
const PROVINCE_CODES_BY_KEY = codeTable(PROVINCE_CODES, isProvinceCode);
const SECTOR_WORDS = words(SECTORS);
const CHANNEL_WORDS = words(CHANNELS);

/** The keys and punctuation between values, in canonical order. */
const K = {
  head: ascii('{"v":1,"kind":"withdrawal","id":"'),
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
const BASE64 = Int8Array.from({ length: 256 }, (_, c) => {
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
const dateMemo = new Map<string, boolean>();
const langMemo = new Map<string, boolean>();

function memo(cache: Map<string, boolean>, key: string, check: (s: string) => boolean): boolean {
  if (key.length > MEMO_KEY_MAX) return check(key);
  let ok = cache.get(key);
  if (ok === undefined) {
    ok = check(key);
    if (cache.size < MEMO_MAX) cache.set(key, ok);
  }
  return ok;
}

/**
 * Whether a code point leaves NFC certain without normalising: below U+0300 (nothing there
 * decomposes or combines) or a CJK Unified Ideograph U+4E00..U+9FFF (NFC_Quick_Check=Yes,
 * combining class 0, in no composition pair). A string with any other goes to `isNfc`.
 */
function nfcQuick(c: number): boolean {
  return c < 0x300 || (c >= 0x4e00 && c <= 0x9fff);
}

/** A UTF-8 continuation byte (false for `undefined` past the end). */
function isTrail(c: number): boolean {
  return c >= 0x80 && c <= 0xbf;
}

/**
 * `Buffer.prototype.latin1Slice` (what `toString('latin1')` calls; it takes any Uint8Array): a new
 * string of one char per byte, here about half the cost of wrapping the bytes in a Buffer first.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/** `b[start..end)` as a new string of one char per byte. */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (typeof latin1Slice === 'function') return latin1Slice.call(b, start, end);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);
}

/**
 * V8 makes a substring of 13 or more chars a view that keeps the whole string alive: values the
 * tally keeps (ids, names) must not pin the statement's plaintext, so longer ones are copied.
 */
const SLICE_MAX = 12;

/**
 * Reads one canonical statement from its bytes, failing (throwing NOT_CANONICAL) at the first
 * byte that differs. ASCII values are sliced from `s`, the bytes as latin1; free text is decoded
 * from the bytes, which also checks that they are well-formed UTF-8.
 */
class Scanner {
  private i = 0;
  private readonly s: string;
  private readonly d: DataView;
  constructor(
    private readonly b: Uint8Array,
    private readonly maxDate: string,
  ) {
    this.s = latin1(b, 0, b.length);
    this.d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The ASCII bytes `[start, end)` as a string that does not refer to `s`. */
  private str(start: number, end: number): string {
    return end - start <= SLICE_MAX ? this.s.slice(start, end) : latin1(this.b, start, end);
  }

  statement(): Statement {
    this.lit(K.head);
    const id = this.hex32();
    this.lit(K.tagKey);
    const tagKey = this.tagKey();
    this.lit(K.people);
    const people = this.people();
    const st = { v: 1, kind: 'withdrawal', id, tagKey, people } as Statement;
    if (this.opt(K.group)) st.group = this.group();
    this.lit(K.region);
    st.region = this.region();
    if (this.opt(K.sector)) st.sector = this.oneOf(SECTOR_WORDS) as Sector;
    this.lit(K.channel);
    st.channel = this.oneOf(CHANNEL_WORDS) as Channel;
    this.lit(K.date);
    st.date = this.date();
    if (this.opt(K.text)) st.text = this.text(0, LIMITS.text, true);
    if (this.opt(K.publish)) st.publish = this.bool();
    if (this.opt(K.lang)) st.lang = this.lang();
    if (this.b[this.i] !== 0x7d || this.i + 1 !== this.b.length) fail(); // `}` and the end
    return st;
  }

  /** After `[`: 1..LIMITS.people persons, then `]`. */
  private people(): Person[] {
    const people: Person[] = [];
    for (;;) {
      this.lit(K.name);
      people.push(this.person());
      if (people.length > LIMITS.people) fail();
      if (!this.punct(0x2c)) break; // `,`
    }
    this.expect(0x5d); // `]`
    return people;
  }

  /** After `{"name":"`. */
  private person(): Person {
    const name = this.text(1, LIMITS.name, false);
    const realName = this.opt(K.realName) ? this.bool() : undefined;
    this.lit(K.orgs);
    const orgs = this.orgs();
    this.expect(0x7d); // `}`
    return realName === undefined ? { name, orgs } : { name, realName, orgs };
  }

  /** After `["`: distinct orgs, then `]`. */
  private orgs(): Org[] {
    const orgs: Org[] = [];
    for (;;) {
      const org = this.code(ORG_CODES) as Org;
      if (orgs.includes(org)) fail();
      orgs.push(org);
      if (!this.opt(K.nextOrg)) break;
    }
    this.expect(0x5d); // `]`
    return orgs;
  }

  /** After `{"id":"`; 1 <= part <= parts. */
  private group(): Group {
    const id = this.hex32();
    this.lit(K.part);
    const part = this.integer();
    this.lit(K.parts);
    const parts = this.integer();
    this.expect(0x7d); // `}`
    if (part > parts) fail();
    return { id, part, parts };
  }

  /** After `{"country":"`; a province if and only if the country is CN. */
  private region(): Region {
    const country = this.code(COUNTRY_CODES_BY_KEY) as CountryCode;
    const region: Region = { country };
    if (country === 'CN') {
      this.lit(K.province);
      region.province = this.code(PROVINCE_CODES_BY_KEY) as ProvinceCode;
    }
    if (this.opt(K.city)) region.city = this.text(0, LIMITS.city, false);
    this.expect(0x7d); // `}`
    return region;
  }

  private date(): string {
    const d = this.raw();
    if (d < LIMITS.firstDate || d > this.maxDate || !memo(dateMemo, d, isIsoDate)) fail();
    return d;
  }

  private lang(): string {
    const tag = this.raw();
    if (!memo(langMemo, tag, isLanguageTag)) fail();
    return tag;
  }

  /** 32 lowercase hex digits (checks.ts `isHex32`, inline) and the closing quote. */
  private hex32(): string {
    const b = this.b;
    const start = this.i;
    if (start + 33 > b.length) fail();
    for (let i = start; i < start + 32; i++) {
      const c = b[i]!;
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) fail();
    }
    if (b[start + 32] !== 0x22) fail();
    this.i = start + 33;
    return this.str(start, start + 32);
  }

  /**
   * checks.ts `isTagKey`, inline: 43 base64 digits, `=` and the closing quote, the last digit's
   * two unused low bits zero (so that 32 bytes have one spelling).
   */
  private tagKey(): string {
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
    return this.str(start, start + 44);
  }

  /** One value of `table` (see codeTable) and its closing quote. */
  private code(table: ReadonlyMap<number, string>): string {
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

  /** One of `words` and its closing quote, as the list's own string. */
  private oneOf(list: readonly Word[]): string {
    for (const w of list) if (this.opt(w.lit)) return w.value;
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
    for (; k < words.length; k++) if (d.getUint32(i + 4 * k, true) !== words[k]) return false;
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

  /** The rest of a string of printable ASCII without escapes (ids, codes, dates, tags), and its closing quote. */
  private raw(): string {
    const start = this.i;
    const i = this.asciiEnd();
    if (i < 0) fail();
    this.i = i + 1;
    return this.str(start, i);
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
   * The rest of a free-text string and its closing quote, held to validate.ts `text`: well-formed
   * UTF-8; escapes only `\"`, `\\` and (with `newline`) `\n`; no control character (Cc); NFC;
   * `min..max` code points. Printable ASCII without escapes (many aliases) is a slice.
   */
  private text(min: number, max: number, newline: boolean): string {
    const start = this.i;
    const i = this.asciiEnd();
    if (i < 0) return this.decodeText(min, max, newline);
    if (i - start < min || i - start > max) fail();
    this.i = i + 1;
    return this.str(start, i);
  }

  /** `text` for strings with escapes or multi-byte characters: decodes the UTF-8. */
  private decodeText(min: number, max: number, newline: boolean): string {
    const b = this.b;
    let i = this.i;
    let out = '';
    let n = 0;
    let quick = true;
    // UTF-16 code units, to String.fromCharCode (in chunks: apply passes them as arguments).
    let units: number[] = [];
    for (;;) {
      if (i >= b.length) fail();
      let c = b[i]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        c = unescape(b[i + 1], newline);
        i += 2;
      } else if (c < 0x80) {
        if (c < 0x20 || c === 0x7f) fail(); // controls: escaped by JSON, or DEL (Cc)
        i++;
      } else {
        c = this.codePoint(i);
        i += c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (c <= 0x9f) fail(); // C1 controls (Cc)
        if (quick && !nfcQuick(c)) quick = false;
      }
      if (++n > max) fail();
      if (c < 0x10000) units.push(c);
      else units.push(0xd7c0 + (c >> 10), 0xdc00 + (c & 0x3ff));
      if (units.length >= 4096) {
        out += String.fromCharCode.apply(null, units);
        units = [];
      }
    }
    if (n < min) fail();
    this.i = i + 1;
    out += String.fromCharCode.apply(null, units);
    if (!quick && !(isWellFormed(out) && isNfc(out))) fail();
    return out;
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

/** The character of the escape `\` + `e` that a valid canonical statement can hold. */
function unescape(e: number | undefined, newline: boolean): number {
  if (e === 0x22 || e === 0x5c) return e;
  if (e === 0x6e && newline) return 0x0a;
  return fail();
}
