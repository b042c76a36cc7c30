/**
 * A statement as a person types or pastes it at a terminal (issue 6, finding 4: flags leave it in
 * `ps` and the shell's history): one compose field a line, `key: value`, the keys being the compose
 * flags without `--` (`name`, `orgs`, `country`, `province`, `city`, `sector`, `channel`, `date`,
 * `text`, `real-name`, `publish`, `text-lang`). Pure: no I/O, tested without a process.
 *
 * - Keys in any case, `_` for `-`; `:` or the full-width `：` that a Chinese input method types.
 * - `name` may repeat (a group, like `--name`); any other key given twice is refused, not
 *   silently overridden.
 * - A line that starts with a space or a tab continues the field above (a `text` of several lines),
 *   joined with a newline.
 * - Lines starting with `#` are skipped, and so are blank lines, except between continued lines; `real-name` and `publish` take
 *   `yes/no/true/false/1/0` (the CSV rules of the CLI spec).
 */
import { InputError } from '../errors.js';
import type { InputCode } from '../error-codes.js';
import type { ComposeFlags } from './statement-input.js';

type StringKey = 'orgs' | 'country' | 'province' | 'city' | 'sector' | 'channel' | 'date' | 'text' | 'textLang';

const STRING_KEYS: Readonly<Record<string, StringKey>> = {
  orgs: 'orgs',
  country: 'country',
  province: 'province',
  city: 'city',
  sector: 'sector',
  channel: 'channel',
  date: 'date',
  text: 'text',
  'text-lang': 'textLang',
};
const BOOLEAN_KEYS: Readonly<Record<string, 'realName' | 'publish'>> = { 'real-name': 'realName', publish: 'publish' };
const YES = new Set(['yes', 'true', '1']);
const NO = new Set(['no', 'false', '0']);

function lineError(code: InputCode, key: string, line: number, params: Record<string, string | number> = {}): InputError {
  // No `field`: the message already names the line, and a "check …" hint would only repeat it.
  return new InputError(code, `line ${line}: ${code}`, { key, params: { line, ...params } });
}

/** A cut, printable copy of what a person typed, for an error message. */
function shown(s: string): string {
  const cps = Array.from(s);
  return JSON.stringify(cps.length > 40 ? `${cps.slice(0, 40).join('')}…` : s).slice(1, -1);
}

/**
 * The compose fields in `text`.
 * @throws InputError `bad-line`, `unknown-field`, `repeated-field` or `bad-boolean`, each with
 *   `params.line` (1-based).
 */
export function parseStatementLines(text: string): ComposeFlags {
  const flags: ComposeFlags = {};
  const given = new Set<string>();
  let last: string | undefined;
  // Blank lines between continued lines are kept (paragraphs of a text); before a new key, dropped.
  let blanks = 0;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '') {
      blanks++;
      continue;
    }
    if (/^[ \t]/.test(raw)) {
      if (last === undefined) throw lineError('bad-line', 'cli.stdin.bad-line', n);
      append(flags, last, '\n'.repeat(blanks), raw.trim());
      blanks = 0;
      continue;
    }
    blanks = 0;
    if (raw.startsWith('#')) {
      last = undefined;
      continue;
    }
    const m = /^([A-Za-z_-]+)[ \t]*[:：][ \t]*(.*)$/.exec(raw);
    if (!m) throw lineError('bad-line', 'cli.stdin.bad-line', n);
    const key = m[1]!.toLowerCase().replace(/_/g, '-');
    const value = m[2]!.trim();
    if (key !== 'name' && given.has(key)) throw lineError('repeated-field', 'cli.stdin.repeated-field', n, { field: key });
    given.add(key);
    if (key === 'name') {
      flags.name = [...(flags.name ?? []), value];
    } else if (STRING_KEYS[key] !== undefined) {
      flags[STRING_KEYS[key]] = value;
    } else if (BOOLEAN_KEYS[key] !== undefined) {
      const v = value.toLowerCase();
      if (!YES.has(v) && !NO.has(v)) throw lineError('bad-boolean', 'cli.stdin.bad-boolean', n, { field: key });
      if (YES.has(v)) flags[BOOLEAN_KEYS[key]] = true;
      last = undefined;
      continue;
    } else {
      throw lineError('unknown-field', 'cli.stdin.unknown-field', n, { field: shown(key) });
    }
    last = key;
  }
  return flags;
}

function append(flags: ComposeFlags, key: string, blanks: string, more: string): void {
  const join = (before: string) => (before === '' ? more : `${before}\n${blanks}${more}`);
  if (key === 'name') {
    const names = flags.name!;
    names[names.length - 1] = join(names[names.length - 1]!);
    return;
  }
  const k = STRING_KEYS[key]!;
  flags[k] = join(flags[k] ?? '');
}
