/**
 * Small named predicates of wire spec 2, shared by validation, composing and the tag. Pure functions
 * of strings: no I/O, no clock (the caller passes "today").
 */
import { Buffer } from 'node:buffer';

const HEX32 = /^[0-9a-f]{32}$/;
const BASE64_44 = /^[A-Za-z0-9+/]{43}=$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Unicode general category Cc: C0, DEL and C1. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Cc without U+000A, for `text` (spec 2: newline is the one control character allowed there). */
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** 32 lowercase hex digits (statement and group ids; spec: "hex is lowercase"). */
export function isHex32(s: string): boolean {
  return HEX32.test(s);
}

/**
 * base64 with padding of exactly 32 bytes, in canonical form: 44 characters whose unused low bits are
 * zero, so one key has one spelling (a tag is computed from the bytes; two spellings would still give
 * one tag, but a strict format keeps statements comparable byte for byte).
 */
export function isTagKey(s: string): boolean {
  return BASE64_44.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
}

/** Number of Unicode code points (spec 2: "lengths count Unicode code points", not UTF-16 units). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone one counts as one.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** No lone surrogates (spec 2). */
export function isWellFormed(s: string): boolean {
  // ES2024 String.prototype.isWellFormed: present in Node 20, absent from the ES2023 lib types.
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Already in Unicode normalization form C (spec 2). Meaningful only for well-formed strings. */
export function isNfc(s: string): boolean {
  return s.normalize('NFC') === s;
}

/**
 * The first control character (category Cc) in `s` as `U+XXXX`, or undefined. With `allowNewline`,
 * U+000A is allowed (spec 2, `text`).
 */
export function findControl(s: string, allowNewline = false): string | undefined {
  const m = (allowNewline ? CONTROL_BUT_NEWLINE : CONTROL).exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/** A `YYYY-MM-DD` string naming a real day of the proleptic Gregorian calendar. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  // Day 0 of the next month is the last day of this one; setUTCFullYear, unlike Date.UTC, keeps years 0..99.
  const last = new Date(0);
  last.setUTCFullYear(y, mo, 0);
  return d <= last.getUTCDate();
}

/** `date` + `days` as `YYYY-MM-DD` (date must satisfy isIsoDate and lie in years 1000..9998). */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/** Today's date in UTC, the default "day of opening" for validation. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Today's date in the local time zone: the day a person makes a statement, as they see it. */
export function todayLocal(now: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Whether Intl accepts `tag` as a BCP 47 language tag (Unicode locale identifier). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}
