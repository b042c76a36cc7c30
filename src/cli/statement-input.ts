/**
 * Where a statement comes from for `compose`, `seal` and `submit`: a file or stdin (`-`) holding a
 * statement JSON or `key: value` lines, or the compose flags. It lives in memory only: no
 * plaintext statement is ever written (spec 9).
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InputError } from '../errors.js';
import { t } from './i18n/index.js';
import { composeStatement, parseStatement, type ComposeFields, type Statement } from '../statement/index.js';
import { UsageError, type Io, type Output } from './output.js';
import { parseStatementLines } from './statement-lines.js';
import { collect } from './route-options.js';

/** The compose flags as commander parses them: the statement module's fields, all optional. */
export type ComposeFlags = Partial<Omit<ComposeFields, 'name' | 'orgs' | 'lang' | 'group' | 'id' | 'tagKey'>> & {
  name?: string[];
  orgs?: string;
  /** `--text-lang` (`--lang` is the language of messages). */
  textLang?: string;
};

export function addComposeOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', t('cli.compose.opt.name'), collect)
    .option('--real-name', t('cli.compose.opt.real-name'))
    .option('--orgs <list>', t('cli.compose.opt.orgs'))
    .option('--country <code>', t('cli.compose.opt.country'))
    .option('--province <code>', t('cli.compose.opt.province'))
    .option('--city <city>', t('cli.compose.opt.city'))
    .option('--sector <sector>', t('cli.compose.opt.sector'))
    .option('--channel <channel>', t('cli.compose.opt.channel'))
    .option('--date <YYYY-MM-DD>', t('cli.compose.opt.date'))
    .option('--text <text>', t('cli.compose.opt.text'))
    .option('--publish', t('cli.compose.opt.publish'))
    .addOption(new Option('--text-lang <bcp47>', t('cli.compose.opt.text-lang')));
}

/** The compose fields that, when given, put the statement on the command line. */
const FIELD_FLAGS = ['name', 'realName', 'orgs', 'country', 'province', 'city', 'sector', 'channel', 'date', 'text', 'publish', 'textLang'] as const;

/** Whether any statement field came from a flag (and so sits in `ps` and the shell's history). */
export function hasComposeFlags(f: ComposeFlags): boolean {
  return FIELD_FLAGS.some((k) => f[k] !== undefined);
}

/** How a field is named in messages: `--orgs` for flags, `orgs` for lines typed on stdin. */
type Source = 'flags' | 'lines';
const label = (flag: string, from: Source) => (from === 'flags' ? flag : flag.replace(/^--/, ''));

function missing(flag: string, from: Source): InputError {
  const field = label(flag, from);
  const key = from === 'flags' ? 'cli.missing-flag' : 'cli.stdin.missing-field';
  return new InputError('missing-flag', `missing ${field}`, { key, params: { flag: field, field }, field });
}

/**
 * A statement from compose fields, from flags or from `key: value` lines.
 * @throws InputError naming the flag (`--orgs`) or the line key (`orgs`) at fault.
 */
export function statementFromFlags(f: ComposeFlags, from: Source = 'flags'): Statement {
  if (!f.name || f.name.length === 0) throw missing('--name', from);
  if (!f.orgs) throw missing('--orgs', from);
  if (!f.country) throw missing('--country', from);
  try {
    return composeStatement({
      name: f.name,
      orgs: f.orgs,
      country: f.country,
      ...(f.realName ? { realName: true } : {}),
      ...(f.province !== undefined ? { province: f.province } : {}),
      ...(f.city !== undefined ? { city: f.city } : {}),
      ...(f.sector !== undefined ? { sector: f.sector } : {}),
      ...(f.channel !== undefined ? { channel: f.channel } : {}),
      ...(f.date !== undefined ? { date: f.date } : {}),
      ...(f.text !== undefined ? { text: f.text } : {}),
      ...(f.publish ? { publish: true } : {}),
      ...(f.textLang !== undefined ? { lang: f.textLang } : {}),
    });
  } catch (err) {
    if (from === 'flags' || !(err instanceof InputError) || err.field === undefined) throw err;
    const field = label(err.field, from);
    throw new InputError(err.code, err.message, { cause: err, key: err.key, params: { ...err.params, field }, field });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    size += b.length;
    if (size > 1 << 20) throw new InputError('too-large', 'input too large', { key: 'cli.input-too-large' });
    chunks.push(b);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const noStatement = () => new InputError('no-statement', 'no statement given', { key: 'cli.no-statement-source' });

/** A statement JSON (it starts with `{`, e.g. from `compose`), else `key: value` lines (statement-lines.ts). */
function statementFromBytes(bytes: Uint8Array): Statement {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new InputError('bad-utf8', 'the statement is not valid UTF-8', { cause, key: 'statement.utf8' });
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return parseStatement(bytes);
  const fields = parseStatementLines(body);
  if (!hasComposeFlags(fields)) throw noStatement();
  return statementFromFlags(fields, 'lines');
}

function onTerminal(io: Io): boolean {
  return Boolean(io.stdin.isTTY) || Boolean((io.stderr as { isTTY?: boolean }).isTTY);
}

/**
 * Compose flags on a terminal get a warning (issue 6, finding 4): the statement is in the process
 * list and the shell's history. Commands call this first, before anything else can fail. Off a
 * terminal (scripts, relays) there is no shell history, and a warning on every run would teach
 * people to ignore warnings, so none is printed there.
 */
export function warnIfOnCommandLine(flags: ComposeFlags, out: Output, command: string): void {
  if (hasComposeFlags(flags) && onTerminal(out.io)) {
    out.warning('cli.statement-on-command-line');
    out.hint('cli.hint.statement-stdin', { command });
  }
}

/**
 * Reads and validates a statement from a file, stdin (`-`), or the compose flags; in memory only.
 * On a terminal, `-` first prints a hint saying what to type and how to end it, and no statement
 * at all asks for it step by step (src/cli/prompts/wizard.ts).
 * @throws InputError (exit 2), or UsageError (exit 1) for a source and compose flags together, or
 *   `aborted` when the person cancels the questions.
 */
export async function readStatement(source: string | undefined, flags: ComposeFlags, out: Output): Promise<Statement> {
  const { io } = out;
  const fromFlags = hasComposeFlags(flags);
  if (source !== undefined && fromFlags) {
    throw new UsageError('statement-twice', 'a statement source and compose flags', { key: 'cli.statement-twice' });
  }
  if (source === undefined) {
    if (fromFlags) return statementFromFlags(flags);
    // Issue 8, build point 4: on a terminal, no statement means "ask me", step by step; the
    // answers take the flags' own path to a statement.
    if (io.stdin.isTTY) return (await import('./prompts/wizard.js')).askStatement(out, statementFromFlags);
    throw noStatement();
  }
  if (source === '-') {
    if (io.stdin.isTTY) out.hint('cli.stdin.prompt');
    return statementFromBytes(await readAll(io.stdin));
  }
  try {
    return statementFromBytes(new Uint8Array(await readFile(source)));
  } catch (cause) {
    if (cause instanceof InputError) throw cause;
    throw new InputError('unreadable', `cannot read ${source}`, { cause, key: 'cli.unreadable', params: { file: source } });
  }
}
