import type { Params } from '../errors.js';
import { SealpostError } from '../errors.js';
import type { Lang, Messages } from './define.js';
import { catalogs } from './catalog.js';

export type { Lang } from './define.js';
export { defineMessages } from './define.js';

const table: Record<Lang, Map<string, string>> = { en: new Map(), 'zh-CN': new Map() };
for (const c of catalogs as readonly Messages[]) {
  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [k, v] of Object.entries(c[lang])) table[lang].set(k, v);
  }
}

let current: Lang = 'en';

/**
 * Picks the language from `--lang`, else LANGUAGE (a colon-separated list: its first entry we
 * have), LC_ALL, LC_MESSAGES, LANG — gettext's order (CLI spec).
 */
export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  const pick = (v: string | undefined): Lang | undefined => {
    if (!v) return undefined;
    const s = v.toLowerCase();
    if (s.startsWith('zh')) return 'zh-CN';
    if (s === 'c' || s === 'posix' || s.startsWith('en') || /^[a-z]{2,3}([_-]|$)/.test(s)) return 'en';
    return undefined;
  };
  if (flag !== undefined) {
    const l = pick(flag);
    if (l) return l;
  }
  const have = (v: string): Lang | undefined => (/^zh/i.test(v) ? 'zh-CN' : /^en/i.test(v) ? 'en' : undefined);
  const fromList = (env.LANGUAGE ?? '').split(':').map(have).find((l) => l !== undefined);
  return fromList ?? pick(env.LC_ALL) ?? pick(env.LC_MESSAGES) ?? pick(env.LANG) ?? 'en';
}

export function setLang(lang: Lang): void {
  current = lang;
}

export function getLang(): Lang {
  return current;
}

/** The message `key` in `lang` (default: the current language), placeholders filled from `params`. */
export function t(key: string, params: Params = {}, lang: Lang = current): string {
  const text = table[lang].get(key) ?? table.en.get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function hasMessage(key: string): boolean {
  return table.en.has(key);
}

/** The user-facing text of any error: a SealpostError in the user's language, else its message. */
export function describeError(err: unknown, lang: Lang = current): string {
  if (err instanceof SealpostError && hasMessage(err.key)) return t(err.key, err.params, lang);
  if (err instanceof Error) return err.message;
  return String(err);
}

/** For tests: every key of every catalog, to check both languages are complete and distinct. */
export function allKeys(): string[] {
  return [...table.en.keys()];
}
