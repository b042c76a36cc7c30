/**
 * The lists the interactive compose picks from, named in the user's language with the code one
 * could type after it: organisations (wire spec 2 `orgs`), countries (ISO 3166-1), the 31 provinces
 * (GB/T 2260, with their official Chinese names in both languages: they are what a person from
 * there recognises), and sectors.
 */
import { getLang, t, valueText, type Lang } from '../i18n/index.js';
import { COUNTRIES, COUNTRY_CODES, ORGS, PROVINCES, PROVINCE_CODES, SECTORS, countryName, findCountry, findProvince } from '../../statement/index.js';

export interface Choice<V extends string = string> {
  readonly value: V;
  readonly name: string;
  /** What is shown once chosen. */
  readonly short: string;
}

/** `name（code）` in zh-CN, `name (code)` in English. */
const withCode = (name: string, code: string, lang: Lang) => (lang === 'zh-CN' ? `${name}（${code}）` : `${name} (${code})`);

const ORG_NAMES = { CCP: 'value.org.CCP', CYL: 'value.org.CYL', CYP: 'value.org.CYP' } as const satisfies Record<(typeof ORGS)[number], string>;

export function orgChoices(lang: Lang = getLang()): Choice[] {
  return ORGS.map((o) => ({ value: o, name: withCode(t(ORG_NAMES[o], {}, lang), o, lang), short: t(ORG_NAMES[o], {}, lang) }));
}

export function sectorChoices(lang: Lang = getLang()): Choice[] {
  return [{ value: '', name: t('cli.wizard.sector-none', {}, lang), short: t('cli.wizard.sector-none', {}, lang) }, ...SECTORS.map((s) => ({ value: s, name: valueText(s, lang), short: valueText(s, lang) }))];
}

/** Mainland China and the three places people from there most often write from come first. */
const FIRST = ['CN', 'HK', 'MO', 'TW'];

function countryList(lang: Lang): Choice[] {
  const collator = new Intl.Collator(lang);
  const name = (c: string) => countryName(c, lang) ?? c;
  const rest = COUNTRY_CODES.filter((c) => !FIRST.includes(c)).sort((a, b) => collator.compare(name(a), name(b)));
  return [...FIRST, ...rest].map((c) => ({ value: c, name: withCode(name(c), c, lang), short: name(c) }));
}

function provinceList(lang: Lang): Choice[] {
  return PROVINCE_CODES.map((c) => {
    const p = PROVINCES[c];
    // The official Chinese name in both languages; English adds the romanised one in front.
    const shown = lang === 'zh-CN' ? p.zh : `${p.en} ${p.zh}`;
    return { value: c, name: withCode(shown, c, lang), short: shown };
  });
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The entries that match what is typed so far: a part of a name in either language or of the code,
 * or any spelling the statement module knows (`香港`, `usa`, `Nei Mongol`), which is put first.
 */
function filter(list: Choice[], term: string | undefined, words: (c: Choice) => string[], exact: (s: string) => string | undefined): Choice[] {
  const q = fold(term ?? '');
  if (q === '') return list;
  const hit = exact(q);
  const matches = list.filter((c) => c.value !== hit && words(c).some((w) => fold(w).includes(q)));
  const first = list.find((c) => c.value === hit);
  return first === undefined ? matches : [first, ...matches];
}

export function searchCountries(term: string | undefined, lang: Lang = getLang()): Choice[] {
  const words = (c: Choice) => [c.value, ...(COUNTRIES[c.value as keyof typeof COUNTRIES] ?? [])];
  return filter(countryList(lang), term, words, findCountry);
}

export function searchProvinces(term: string | undefined, lang: Lang = getLang()): Choice[] {
  const words = (c: Choice) => {
    const p = PROVINCES[c.value as keyof typeof PROVINCES];
    return [c.value, p.zh, p.en, ...p.aliases];
  };
  return filter(provinceList(lang), term, words, findProvince);
}
