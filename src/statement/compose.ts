/**
 * Building a statement from what a person types (the `compose` flags, cli spec): fills in the fixed
 * fields, a fresh id and tag key, and defaults, tidies the input (case, NFC, line endings, province
 * and country names), then validates it strictly (wire spec 2).
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { isLanguageTag, todayLocal } from './checks.js';
import { statementError } from './error.js';
import { findCountry, findProvince } from './regions.js';
import { ORGS, type Group, type Org, type Statement } from './types.js';
import { validateStatement, type ValidateOptions } from './validate.js';

/** A fresh statement id: 16 random bytes, lowercase hex (spec 2). */
export function newStatementId(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh tag key: 32 random bytes, base64 with padding (spec 2, spec 8). */
export function newTagKey(): string {
  return randomBytes(32).toString('base64');
}

/** Input as the compose flags give it; every string is taken loosely (see `composeStatement`). */
export interface ComposeFields {
  /** `--name`, repeatable: one person per name, all with the same `realName` and `orgs`. */
  name: string | readonly string[];
  /** `--real-name`: the names are real names, not aliases. */
  realName?: boolean;
  /** `--orgs`: `CCP,CYL` in any case, separated by `,` `|` `、` or spaces; also 党/团/队 and their full names. */
  orgs: string | readonly string[];
  /** `--country`: a code in any case, or an English or Chinese name (`Hong Kong`, `香港`). */
  country: string;
  /** `--province`: a code, or a Chinese or English name (`北京`, `北京市`, `beijing`). */
  province?: string;
  city?: string;
  sector?: string;
  /** Default `internet`. */
  channel?: string;
  /** `YYYY-MM-DD`; default: today in the local time zone (or `opts.today` when given). */
  date?: string;
  text?: string;
  publish?: boolean;
  /** `--text-lang`: BCP 47 tag of `text` (`zh_CN` is read as `zh-CN`). */
  lang?: string;
  group?: Group;
  /** `--id` and `--tag-key`: to re-seal a statement with its own id and tag key (spec 2: the same on every retry). */
  id?: string;
  tagKey?: string;
}

const ORG_ALIASES: Readonly<Record<string, Org>> = {
  党: 'CCP',
  中共: 'CCP',
  共产党: 'CCP',
  中国共产党: 'CCP',
  团: 'CYL',
  共青团: 'CYL',
  中国共产主义青年团: 'CYL',
  队: 'CYP',
  少先队: 'CYP',
  中国少年先锋队: 'CYP',
};

/** The flag that sets the field at `path` (a JSON path from validation). */
function flagOf(path: string): string {
  const top = /^[A-Za-z]+/.exec(path)?.[0] ?? '';
  if (top === 'people') return path.includes('.orgs') ? '--orgs' : path.includes('.realName') ? '--real-name' : '--name';
  if (top === 'region') return path.includes('.province') ? '--province' : path.includes('.city') ? '--city' : '--country';
  const special: Record<string, string> = { tagKey: '--tag-key', lang: '--text-lang' };
  return special[top] ?? `--${top}`;
}

function flagError(flag: string, rule: string, params: Record<string, string | number> = {}): InputError {
  return statementError('invalid-statement', `statement.rule.${rule}`, { ...params, field: flag }, flag);
}

/** Trimmed, NFC, and undefined when empty. */
function clean(s: string | undefined): string | undefined {
  const v = s?.normalize('NFC').trim();
  return v === undefined || v === '' ? undefined : v;
}

/** A keyword in canonical spelling: `In_Person` -> `in-person`. */
function keyword(s: string | undefined): string | undefined {
  return clean(s)?.toLowerCase().replace(/[_\s]+/g, '-');
}

function parseOrgs(input: string | readonly string[]): Org[] {
  const words = (typeof input === 'string' ? [input] : input)
    .flatMap((s) => s.normalize('NFKC').split(/[\s,|;、，]+/))
    .filter((w) => w !== '');
  if (words.length === 0) throw flagError('--orgs', 'empty');
  const found = new Set<Org>();
  for (const w of words) {
    const org = (ORGS as readonly string[]).includes(w.toUpperCase()) ? (w.toUpperCase() as Org) : ORG_ALIASES[w];
    if (org === undefined) throw flagError('--orgs', 'enum', { allowed: ORGS.join(', ') });
    found.add(org);
  }
  // Duplicates typed twice mean nothing more; the spec's order keeps output stable.
  return ORGS.filter((o) => found.has(o));
}

function parseLang(input: string | undefined): string | undefined {
  const v = clean(input)?.replace(/_/g, '-');
  return v !== undefined && isLanguageTag(v) ? (Intl.getCanonicalLocales(v)[0] ?? v) : v;
}

/**
 * A new, validated statement from compose-flag-like input. Fills `v`, `kind`, a fresh `id` and
 * `tagKey` (unless given), `date` (today) and `channel` (`internet`); trims and NFC-normalises text,
 * turns CRLF and CR in `text` into LF, upper-cases the country, resolves country and province names
 * to codes, canonicalises `lang`; drops empty optional strings; and leaves out `realName` and
 * `publish` unless true (their default is false, and bytes count: spec 3 buckets).
 * @throws InputError `invalid-statement` whose `field` (and `params.field`) is the flag at fault,
 *   e.g. `--orgs`, with the rule's i18n key (`statement.rule.*`).
 */
export function composeStatement(fields: ComposeFields, opts: ValidateOptions = {}): Statement {
  const names = (typeof fields.name === 'string' ? [fields.name] : [...fields.name]).map((n) => n.normalize('NFC').trim());
  if (names.length === 0) throw flagError('--name', 'required');
  const orgs = parseOrgs(fields.orgs);
  const country = clean(fields.country);
  const province = clean(fields.province);
  const text = fields.text?.normalize('NFC').replace(/\r\n?/g, '\n');
  const candidate = {
    v: 1,
    kind: 'withdrawal',
    id: fields.id ?? newStatementId(),
    tagKey: fields.tagKey ?? newTagKey(),
    people: names.map((name) => ({ name, realName: fields.realName === true ? true : undefined, orgs: [...orgs] })),
    group: fields.group,
    region: {
      country: country === undefined ? undefined : (findCountry(country) ?? country.toUpperCase()),
      province: province === undefined ? undefined : (findProvince(province) ?? province),
      city: clean(fields.city),
    },
    sector: keyword(fields.sector),
    channel: keyword(fields.channel) ?? 'internet',
    date: clean(fields.date) ?? opts.today ?? todayLocal(),
    text: text === '' ? undefined : text,
    publish: fields.publish === true ? true : undefined,
    lang: parseLang(fields.lang),
  };
  try {
    return validateStatement(candidate, opts);
  } catch (err) {
    if (!(err instanceof InputError) || err.field === undefined) throw err;
    const flag = flagOf(err.field);
    throw statementError(err.code, err.key, { ...err.params, field: flag }, flag, err);
  }
}
