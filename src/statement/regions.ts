/**
 * Lookups over the region tables (wire spec 2, `region`): ISO 3166-1 alpha-2 countries and the 31
 * mainland GB/T 2260 province-level codes. The tables and their sources are in `countries.ts` and
 * `provinces.ts`.
 */
import { COUNTRIES, type CountryCode } from './countries.js';
import { PROVINCES, type ProvinceCode } from './provinces.js';

export { COUNTRIES, type CountryCode } from './countries.js';
export { PROVINCES, type ProvinceCode } from './provinces.js';

/** The languages the region tables name places in. */
export type Lang = 'en' | 'zh-CN';

/** The 31 province codes, ascending. */
export const PROVINCE_CODES: readonly ProvinceCode[] = Object.freeze(Object.keys(PROVINCES).sort() as ProvinceCode[]);
/** The 249 country codes, ascending. */
export const COUNTRY_CODES: readonly CountryCode[] = Object.freeze(Object.keys(COUNTRIES).sort() as CountryCode[]);

/** True for exactly the 31 codes of spec 2 (strings only: `110000` the number is not a code). */
export function isProvinceCode(code: unknown): code is ProvinceCode {
  return typeof code === 'string' && Object.hasOwn(PROVINCES, code);
}

/** True for an officially assigned ISO 3166-1 alpha-2 code in upper case (`cn` is not one). */
export function isCountryCode(code: unknown): code is CountryCode {
  return typeof code === 'string' && Object.hasOwn(COUNTRIES, code);
}

/** The province's official Chinese name (zh-CN) or English name; undefined for an unknown code. */
export function provinceName(code: string, lang: Lang = 'en'): string | undefined {
  if (!isProvinceCode(code)) return undefined;
  const p = PROVINCES[code];
  return lang === 'zh-CN' ? p.zh : p.en;
}

/** The country's short name in Chinese (zh-CN) or English; undefined for an unknown code. */
export function countryName(code: string, lang: Lang = 'en'): string | undefined {
  if (!isCountryCode(code)) return undefined;
  const [en, zh] = COUNTRIES[code];
  return lang === 'zh-CN' ? zh : en;
}

/** Names people type that are neither the table's English nor its Chinese name. */
const COUNTRY_ALIASES: Readonly<Record<string, CountryCode>> = {
  香港: 'HK',
  澳门: 'MO',
  澳門: 'MO',
  台灣: 'TW',
  臺灣: 'TW',
  臺湾: 'TW',
  macau: 'MO',
  'hong kong sar china': 'HK',
  'macao sar china': 'MO',
  'united states of america': 'US',
  usa: 'US',
  uk: 'GB',
};

/** Case-, width- and space-insensitive form of a name for matching. */
function key(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Builds name -> code, dropping any name two codes share (a lookup must be unambiguous). */
function index<C extends string>(entries: Iterable<[string, C]>): Map<string, C | null> {
  const m = new Map<string, C | null>();
  for (const [name, code] of entries) {
    const k = key(name);
    const prev = m.get(k);
    m.set(k, prev === undefined || prev === code ? code : null);
  }
  return m;
}

function* provinceNames(): Iterable<[string, ProvinceCode]> {
  for (const code of PROVINCE_CODES) {
    const p = PROVINCES[code];
    yield [code, code];
    yield [p.zh, code];
    yield [p.en, code];
    for (const a of p.aliases) yield [a, code];
  }
}

function* countryNames(): Iterable<[string, CountryCode]> {
  for (const code of COUNTRY_CODES) {
    const [en, zh] = COUNTRIES[code];
    yield [code, code];
    yield [en, code];
    yield [zh, code];
  }
  yield* Object.entries(COUNTRY_ALIASES);
}

let provinceIndex: Map<string, ProvinceCode | null> | undefined;
let countryIndex: Map<string, CountryCode | null> | undefined;

/**
 * The province a user means: a code, the official Chinese name with or without its suffix
 * (`北京市`, `北京`), or the English name in any case (`beijing`, `Inner Mongolia`). Undefined when
 * nothing or more than one province matches.
 */
export function findProvince(input: string): ProvinceCode | undefined {
  provinceIndex ??= index(provinceNames());
  return provinceIndex.get(key(input)) ?? undefined;
}

/**
 * The country a user means: a code in any case (`cn`), or its English or Chinese name (`Hong Kong`,
 * `中国香港`, `香港`). Undefined when nothing or more than one country matches.
 */
export function findCountry(input: string): CountryCode | undefined {
  countryIndex ??= index(countryNames());
  return countryIndex.get(key(input)) ?? undefined;
}
