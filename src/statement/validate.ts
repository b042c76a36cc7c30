/**
 * Strict validation of a statement (wire spec 2), run before sealing and again after opening.
 * One pass both checks and copies: the Statement returned shares nothing with the input, has its keys
 * in canonical order (spec 2's table order) and no `undefined` members.
 */
import type { InputError, Params } from '../errors.js';
import { addDays, codePointLength, findControl, isHex32, isIsoDate, isLanguageTag, isNfc, isTagKey, isWellFormed, todayUtc } from './checks.js';
import { joinPath, statementError } from './error.js';
import type { Rule } from './messages.js';
import { isCountryCode, isProvinceCode } from './regions.js';
import { CHANNELS, LIMITS, ORGS, SECTORS, type Group, type Person, type Region, type Statement } from './types.js';

/** Options of {@link validateStatement}, {@link statementIssues}, and of composing, serialising and parsing. */
export interface ValidateOptions {
  /**
   * `YYYY-MM-DD`: the day of sealing or opening; `date` may be at most one day later (spec 2).
   * Default: today in UTC.
   */
  today?: string;
}

/** One problem: `field` is the JSON path (`people[3].orgs`, `''` for the statement itself). */
export interface Issue {
  field: string;
  rule: Rule;
  /** The i18n message key, `statement.rule.<rule>`; `params` fill it (they include `field`). */
  key: string;
  params: Params;
}

/** Top-level keys in canonical order (spec 2's table), which is also the serialised order. */
export const STATEMENT_KEYS = ['v', 'kind', 'id', 'tagKey', 'people', 'group', 'region', 'sector', 'channel', 'date', 'text', 'publish', 'lang'] as const;
const PERSON_KEYS = ['name', 'realName', 'orgs'] as const;
const GROUP_KEYS = ['id', 'part', 'parts'] as const;
const REGION_KEYS = ['country', 'province', 'city'] as const;

/**
 * Every problem of `value` as a statement, in field order; empty when it is valid. For showing all
 * problems at once (CLI, CSV import).
 * @throws RangeError only if `opts.today` is not a `YYYY-MM-DD` date (a caller bug).
 */
export function statementIssues(value: unknown, opts: ValidateOptions = {}): Issue[] {
  const c = new Checker(maxDate(opts));
  readStatement(c, value);
  return c.issues;
}

/**
 * `value` as a Statement, copied into canonical key order.
 * @throws InputError code `invalid-statement` for the first issue (`field` = its JSON path, key and
 *   params as in `statementIssues`); RangeError for a malformed `opts.today`.
 */
export function validateStatement(value: unknown, opts: ValidateOptions = {}): Statement {
  const c = new Checker(maxDate(opts));
  const st = readStatement(c, value);
  // readStatement returns undefined exactly when it recorded an issue.
  if (st === undefined) throw issueError(c.issues[0] as Issue);
  return st;
}

/** The InputError (`invalid-statement`) that reports `issue`. */
export function issueError(issue: Issue): InputError {
  return statementError('invalid-statement', issue.key, issue.params, issue.field);
}

/** The last `today` and its next day: a tally validates millions of statements against one day (bench/tally). */
let lastDay: { today: string; max: string } | undefined;

function maxDate(opts: ValidateOptions): string {
  const today = opts.today ?? todayUtc();
  if (lastDay?.today === today) return lastDay.max;
  if (!isIsoDate(today) || today < '1000-01-01') throw new RangeError(`opts.today must be a YYYY-MM-DD date, got ${String(today)}`);
  lastDay = { today, max: addDays(today, 1) };
  return lastDay.max;
}

type Obj = Record<string, unknown>;
type Reader<T> = (c: Checker, v: unknown, path: string) => T | undefined;

class Checker {
  readonly issues: Issue[] = [];
  constructor(readonly maxDate: string) {}
  /** Records an issue; returns undefined so that readers can `return c.add(...)`. */
  add(field: string, rule: Rule, params: Params = {}): undefined {
    this.issues.push({ field, rule, key: `statement.rule.${rule}`, params: { field, ...params } });
    return undefined;
  }
}

function own(o: Obj, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

/** Drops undefined members, keeping key order: an absent optional field is absent, not `undefined`. */
function compact<T>(o: Record<string, unknown>): T {
  // A loop, not entries/filter/fromEntries: this ran once per person and statement, 6 % of a tally's worker.
  const out: Record<string, unknown> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/** A plain object with only `keys` (spec 2: unknown keys are invalid; nested objects are held to the same rule). */
function object(c: Checker, v: unknown, path: string, keys: readonly string[]): Obj | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return c.add(path, path === '' ? 'root-object' : 'type-object');
  const o = v as Obj;
  for (const k of Object.keys(o)) {
    // A JavaScript caller's `{ sector: undefined }` means absent, as JSON would.
    if (!keys.includes(k) && o[k] !== undefined) c.add(joinPath(path, k), 'unknown-key');
  }
  return o;
}

function required<T>(c: Checker, o: Obj, k: string, path: string, read: Reader<T>): T | undefined {
  const v = own(o, k);
  const p = joinPath(path, k);
  return v === undefined ? c.add(p, 'required') : read(c, v, p);
}

function optional<T>(c: Checker, o: Obj, k: string, path: string, read: Reader<T>): T | undefined {
  const v = own(o, k);
  return v === undefined ? undefined : read(c, v, joinPath(path, k));
}

/** A free-text string: well-formed, NFC, control characters as allowed, length in code points (spec 2). */
function text(r: { min?: number; max: number; newline?: boolean }): Reader<string> {
  return (c, v, p) => {
    if (typeof v !== 'string') return c.add(p, 'type-string');
    if (!isWellFormed(v)) return c.add(p, 'well-formed');
    if (!isNfc(v)) return c.add(p, 'nfc');
    const ch = findControl(v, r.newline);
    if (ch !== undefined) return c.add(p, r.newline ? 'control-char-text' : 'control-char', { char: ch });
    const n = codePointLength(v);
    if (r.min !== undefined && n < r.min) return c.add(p, 'min-length', { min: r.min });
    if (n > r.max) return c.add(p, 'max-length', { max: r.max });
    return v;
  };
}

function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (c, v, p) => {
    if (typeof v !== 'string') return c.add(p, 'type-string');
    return (values as readonly string[]).includes(v) ? (v as T) : c.add(p, 'enum', { allowed: values.join(', ') });
  };
}

function constant<T extends string | number>(value: T): Reader<T> {
  return (c, v, p) => (v === value ? value : c.add(p, 'const', { expected: String(value) }));
}

const bool: Reader<boolean> = (c, v, p) => (typeof v === 'boolean' ? v : c.add(p, 'type-boolean'));

const integer: Reader<number> = (c, v, p) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : c.add(p, 'type-integer'));

const hex32: Reader<string> = (c, v, p) => {
  if (typeof v !== 'string') return c.add(p, 'type-string');
  return isHex32(v) ? v : c.add(p, 'hex32');
};

const tagKey: Reader<string> = (c, v, p) => {
  if (typeof v !== 'string') return c.add(p, 'type-string');
  return isTagKey(v) ? v : c.add(p, 'tag-key');
};

const date: Reader<string> = (c, v, p) => {
  if (typeof v !== 'string') return c.add(p, 'type-string');
  if (!isIsoDate(v)) return c.add(p, 'date-format');
  // Same-format ISO dates compare correctly as strings.
  if (v < LIMITS.firstDate) return c.add(p, 'date-min', { min: LIMITS.firstDate });
  if (v > c.maxDate) return c.add(p, 'date-max', { max: c.maxDate });
  return v;
};

const lang: Reader<string> = (c, v, p) => {
  if (typeof v !== 'string') return c.add(p, 'type-string');
  return isLanguageTag(v) ? v : c.add(p, 'lang');
};

const orgs: Reader<Person['orgs']> = (c, v, p) => {
  if (!Array.isArray(v)) return c.add(p, 'type-array');
  if (v.length === 0) return c.add(p, 'empty');
  const out = v.map((o, j) => oneOf(ORGS)(c, o, joinPath(p, j)));
  for (const org of ORGS) if (out.filter((o) => o === org).length > 1) c.add(p, 'duplicate-item', { value: org });
  return out as Person['orgs'];
};

const person: Reader<Person> = (c, v, p) => {
  const o = object(c, v, p, PERSON_KEYS);
  if (o === undefined) return undefined;
  return compact<Person>({
    name: required(c, o, 'name', p, text({ min: 1, max: LIMITS.name })),
    realName: optional(c, o, 'realName', p, bool),
    orgs: required(c, o, 'orgs', p, orgs),
  });
};

const people: Reader<Person[]> = (c, v, p) => {
  if (!Array.isArray(v)) return c.add(p, 'type-array');
  if (v.length === 0) return c.add(p, 'empty');
  if (v.length > LIMITS.people) c.add(p, 'max-items', { max: LIMITS.people });
  // Items are checked even past the limit, so that every problem is listed at once.
  return Array.from(v, (x, i) => person(c, x, joinPath(p, i))) as Person[];
};

const group: Reader<Group> = (c, v, p) => {
  const o = object(c, v, p, GROUP_KEYS);
  if (o === undefined) return undefined;
  const id = required(c, o, 'id', p, hex32);
  let parts = required(c, o, 'parts', p, integer);
  if (parts !== undefined && parts < 1) parts = c.add(joinPath(p, 'parts'), 'min', { min: 1 });
  let part = required(c, o, 'part', p, integer);
  if (part !== undefined && (part < 1 || (parts !== undefined && part > parts))) {
    part =
      parts === undefined
        ? c.add(joinPath(p, 'part'), 'min', { min: 1 })
        : c.add(joinPath(p, 'part'), 'range', { min: 1, max: parts });
  }
  return { id, part, parts } as Group;
};

const province: Reader<string> = (c, v, p) => {
  if (typeof v !== 'string') return c.add(p, 'type-string');
  return isProvinceCode(v) ? v : c.add(p, 'province');
};

const region: Reader<Region> = (c, v, p) => {
  const o = object(c, v, p, REGION_KEYS);
  if (o === undefined) return undefined;
  const country = required(c, o, 'country', p, (c2, x, q) => {
    if (typeof x !== 'string') return c2.add(q, 'type-string');
    return isCountryCode(x) ? x : c2.add(q, 'country');
  });
  // Spec 2: province iff country is CN; HK, MO and TW are countries without one.
  const rawProvince = own(o, 'province');
  const pp = joinPath(p, 'province');
  let prov: string | undefined;
  if (country === 'CN') prov = rawProvince === undefined ? c.add(pp, 'province-required') : province(c, rawProvince, pp);
  else if (rawProvince !== undefined) prov = country === undefined ? province(c, rawProvince, pp) : c.add(pp, 'province-forbidden');
  return compact<Region>({
    country,
    province: prov,
    city: optional(c, o, 'city', p, text({ max: LIMITS.city })),
  });
};

function readStatement(c: Checker, value: unknown): Statement | undefined {
  const o = object(c, value, '', STATEMENT_KEYS);
  if (o === undefined) return undefined;
  const st = compact<Statement>({
    v: required(c, o, 'v', '', constant(1)),
    kind: required(c, o, 'kind', '', constant('withdrawal')),
    id: required(c, o, 'id', '', hex32),
    tagKey: required(c, o, 'tagKey', '', tagKey),
    people: required(c, o, 'people', '', people),
    group: optional(c, o, 'group', '', group),
    region: required(c, o, 'region', '', region),
    sector: optional(c, o, 'sector', '', oneOf(SECTORS)),
    channel: required(c, o, 'channel', '', oneOf(CHANNELS)),
    date: required(c, o, 'date', '', date),
    text: optional(c, o, 'text', '', text({ max: LIMITS.text, newline: true })),
    publish: optional(c, o, 'publish', '', bool),
    lang: optional(c, o, 'lang', '', lang),
  });
  return c.issues.length === 0 ? st : undefined;
}
