/**
 * Where a statement comes from for `compose`, `seal` and `submit`: a JSON file, stdin (`-`), or the
 * compose flags. It lives in memory only: no plaintext statement is ever written (spec 9).
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { InputError } from '../errors.js';
import { t } from '../i18n/index.js';
import { composeStatement, parseStatement, type ComposeFields, type Statement } from '../statement/index.js';
import type { Io } from './output.js';
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

export function hasComposeFlags(f: ComposeFlags): boolean {
  return f.name !== undefined || f.orgs !== undefined || f.country !== undefined;
}

export function statementFromFlags(f: ComposeFlags): Statement {
  if (!f.name || f.name.length === 0) throw new InputError('missing-flag', 'missing --name', { key: 'cli.missing-flag', params: { flag: '--name' }, field: '--name' });
  if (!f.orgs) throw new InputError('missing-flag', 'missing --orgs', { key: 'cli.missing-flag', params: { flag: '--orgs' }, field: '--orgs' });
  if (!f.country) throw new InputError('missing-flag', 'missing --country', { key: 'cli.missing-flag', params: { flag: '--country' }, field: '--country' });
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

/** Reads and validates a statement from a file, stdin, or the compose flags. Throws InputError. */
export async function readStatement(source: string | undefined, flags: ComposeFlags, io: Io): Promise<Statement> {
  if (source === undefined) {
    if (hasComposeFlags(flags)) return statementFromFlags(flags);
    throw new InputError('no-statement', 'no statement given', { key: 'cli.no-statement' });
  }
  let bytes: Uint8Array;
  if (source === '-') {
    bytes = await readAll(io.stdin);
  } else {
    try {
      bytes = new Uint8Array(await readFile(source));
    } catch (cause) {
      throw new InputError('unreadable', `cannot read ${source}`, { cause, key: 'cli.unreadable', params: { file: source } });
    }
  }
  return parseStatement(bytes);
}
