/**
 * One constructor for this module's InputErrors, so that every one carries a message key and params
 * (translated by the CLI) and its English `message` (issue 7: lower layers own their English).
 */
import { InputError, type Params } from '../errors.js';
import type { InputCode } from '../error-codes.js';
import { englishText, type messages } from './messages.js';

/**
 * An InputError with a stable `code` (`bad-utf8`, `bad-json`, `duplicate-key`, `invalid-statement`),
 * the user-facing message `key` + `params`, and `field` (JSON path or flag). `message` is the English
 * text, for logs.
 */
export function statementError(code: InputCode, key: string, params: Params, field?: string, cause?: unknown): InputError {
  return new InputError(code, englishText(key as keyof typeof messages, params), {
    key,
    params,
    ...(field === undefined ? {} : { field }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The JSON path of `key` inside `path`: `people[3].orgs`, `region.city`; keys that are not plain
 * identifiers are quoted (`region["a b"]`) and cut to 40 code points so a hostile key cannot flood a
 * message. The statement itself is the empty path.
 */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && key.length <= 40) return path === '' ? key : `${path}.${key}`;
  const cps = Array.from(key);
  const shown = cps.length > 40 ? `${cps.slice(0, 40).join('')}…` : key;
  // JSON.stringify escapes control characters and lone surrogates (well-formed JSON.stringify, ES2019).
  return `${path}[${JSON.stringify(shown)}]`;
}
