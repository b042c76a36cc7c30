/**
 * The CLI's messages in the user's language: `t(key, params)` over every catalog (src/cli/catalog),
 * and `describeError` for any error a lower layer throws (its `key` + `params`; the lower layers
 * write only English, issue 7 build point 3). Param values that are enum values, outcome words or
 * reasons are shown in the user's language too.
 */
import type { Params } from '../../errors.js';
import { SealpostError } from '../../errors.js';
import { catalogs } from '../catalog/index.js';
import { reasonZh } from '../catalog/reasons.js';
import type { Lang } from './define.js';

export type { Lang } from './define.js';
export { detectLang } from './lang.js';

const table: Record<Lang, Map<string, string>> = { en: new Map(), 'zh-CN': new Map() };
for (const c of catalogs) {
  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [k, v] of Object.entries(c[lang])) table[lang].set(k, v);
  }
}

let current: Lang = 'en';

export function setLang(lang: Lang): void {
  current = lang;
}

export function getLang(): Lang {
  return current;
}

/** The message `key` in `lang` (default: the current language), placeholders filled from `params`. */
export function t(key: string, params: Params = {}, lang: Lang = current): string {
  const text = table[lang].get(key) ?? table.en.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(params, name) ? showParam(name, String(params[name]), lang) : m));
}

export function hasMessage(key: string): boolean {
  return table.en.has(key);
}

/** For tests: every key of every catalog. */
export function allKeys(): string[] {
  return [...table.en.keys()];
}

/**
 * An attempt's outcome word for human output (CLI spec: the stable words stay in `--json`). English
 * shows the word and its meaning, `refused (connection refused)`; zh-CN only the meaning, `连接被拒绝`
 * (issue 7: no bare English words in Chinese output; `--lang en` or `--json` give the word).
 */
export function outcomeText(word: string, lang: Lang = current): string {
  const status = /^http-(\d+)$/.exec(word)?.[1];
  const key = status !== undefined ? 'cli.outcome.http' : `cli.outcome.${word}`;
  return hasMessage(key) ? wordText(word, t(key, { status: status ?? '' }, lang), lang) : word;
}

/** A stable word with its `meaning` in `lang`: `word (meaning)` in English, the meaning alone in zh-CN. */
export function wordText(word: string, meaning: string, lang: Lang = current): string {
  return lang === 'en' ? `${word} (${meaning})` : meaning;
}

/** An enum value of the statement or a route kind as shown: zh-CN `教育（education）`, English as is. */
export function valueText(value: string, lang: Lang = current): string {
  const key = VALUE_KEYS.get(value);
  return key === undefined || lang === 'en' ? value : `${t(key, {}, lang)}（${value}）`;
}

const VALUE_KEYS = new Map([...table.en.keys()].filter((k) => k.startsWith('value.')).map((k) => [k.replace(/^value\.[a-z]+\./, ''), k]));

/** Params that hold enum values (`statement.rule.enum`'s `allowed`, …), an outcome word, or a reason. */
function showParam(name: string, value: string, lang: Lang): string {
  if (lang === 'en') return value;
  if (name === 'outcome') return outcomeText(value, lang);
  if (name === 'why' || name === 'what') return reasonZh(value);
  if (name === 'allowed' || name === 'value' || name === 'expected' || name === 'kind') {
    const items = value.split(', ');
    if (items.every((v) => VALUE_KEYS.has(v))) return items.map((v) => valueText(v, lang)).join('、');
  }
  return value;
}

/**
 * The user-facing text of any error: a SealpostError from its key in the user's language (from any
 * copy of sealpost: the brand, src/errors.ts), else its message.
 */
export function describeError(err: unknown, lang: Lang = current): string {
  if (err instanceof SealpostError && hasMessage(err.key)) return t(err.key, err.params, lang);
  if (err instanceof Error) return err.message;
  return String(err);
}
