import type { Lang } from './define.js';

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
