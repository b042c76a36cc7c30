/**
 * Lower layers own their English (issue 7, build point 3; STYLE habit 13): each module keeps a
 * table of `key -> English template` in its messages.ts and formats an error's `message` from its
 * `key` and `params` with `english()`. No module below the CLI knows another language: the zh-CN
 * catalogs, and the translation of every key, live in src/cli/catalog.
 */
import type { Params } from './errors.js';

/** Fills `{name}` placeholders from `params`; a placeholder without a param stays as written. */
export function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : m));
}

/**
 * The English text of `table`'s keys, filled from params: `english(messages)('crypto.bad-note')`.
 * The key type is the table's, so a key that does not exist does not compile.
 */
export function english<const E extends Readonly<Record<string, string>>>(table: E): (key: Extract<keyof E, string>, params?: Params) => string {
  // A key outside the table (a caller's cast) shows as itself rather than throwing.
  return (key, params = {}) => fill(table[key] ?? key, params);
}
