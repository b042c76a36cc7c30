/**
 * `sealpost relay accept <file>...` (issue 8, build point 3; CLI spec): envelopes sealed by someone
 * else and carried by hand — armored text (bare or labelled blocks, several a file, text between)
 * or a file whose bytes are one envelope — go into the outbox unread, each with a fresh delivery
 * token (wire spec 3: whoever first queues an envelope draws it). `outbox flush` then delivers them
 * and verifies their receipts like any other.
 */
import { Argument, type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readEnvelopeFile, type ArmorProblem } from '../../crypto/armor.js';
import { envelopeIdHex } from '../../crypto/envelope.js';
import type { Outbox } from '../../outbox/outbox.js';
import { t } from '../i18n/index.js';
import type { Params } from '../../errors.js';
import { action, type Ctx } from '../context.js';
import { errorDocument, EXIT, type ExitCode, type Output } from '../output.js';
import { openOutbox } from './outbox.js';

/** An envelope found in a file: newly queued, or already in the outbox (pending, failed or delivered and kept). */
export interface AcceptedItem {
  readonly file: string;
  /** 1-based position of its block among the file's blocks (1 for a binary envelope). */
  readonly block: number;
  readonly id: string;
  readonly state: 'queued' | 'already-queued';
}

/** A block that is not an envelope, a file with no block at all, or a file that cannot be read. */
export interface AcceptProblem {
  readonly file: string;
  readonly code: ArmorProblem['code'] | 'no-envelope' | 'unreadable';
  readonly block?: number;
  readonly line?: number;
  readonly length?: number;
  /** The message key and params, for the user's language. */
  readonly key: string;
  readonly params: Params;
}

export interface AcceptResult {
  readonly items: AcceptedItem[];
  readonly problems: AcceptProblem[];
}

/**
 * Block positions of the envelopes readArmor returned: every block is either an envelope or a
 * problem, and both lists are in text order, so the envelopes take the positions no problem names.
 */
function envelopePositions(envelopes: number, problems: readonly ArmorProblem[]): number[] {
  const bad = new Set(problems.map((p) => p.block));
  const out: number[] = [];
  for (let block = 1; out.length < envelopes; block++) if (!bad.has(block)) out.push(block);
  return out;
}

/**
 * Reads each file and queues its envelopes with `addIfNew`, in file and block order. One at a
 * time: the same envelope twice in a batch must be queued once, and the outbox's writes are fsync'd
 * anyway. Bad blocks are reported, not queued: nothing in them can be delivered, and only a new copy
 * from the carrier helps (issue 8 design choice).
 */
export async function acceptFiles(outbox: Outbox, files: readonly string[]): Promise<AcceptResult> {
  const items: AcceptedItem[] = [];
  const problems: AcceptProblem[] = [];
  for (const given of files) {
    const file = resolve(given);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      problems.push({ file, code: 'unreadable', key: 'cli.unreadable', params: { file } });
      continue;
    }
    const one = await acceptBytes(outbox, file, bytes);
    items.push(...one.items);
    problems.push(...one.problems);
  }
  return { items, problems };
}

/**
 * Queues the envelopes of one file's bytes (armored blocks or one binary envelope), as
 * {@link acceptFiles} does for each file; `file` only names them (the local page's pasted text).
 */
export async function acceptBytes(outbox: Outbox, file: string, bytes: Uint8Array): Promise<AcceptResult> {
  const items: AcceptedItem[] = [];
  const problems: AcceptProblem[] = [];
  const found = readEnvelopeFile(bytes);
  for (const p of found.problems) {
    const length = p.length === undefined ? {} : { length: p.length };
    problems.push({ file, code: p.code, block: p.block, line: p.line, ...length, key: 'cli.relay.accept.bad-block', params: { file, problem: t(p.key, p.params) } });
  }
  if (found.envelopes.length === 0 && found.problems.length === 0) {
    problems.push({ file, code: 'no-envelope', key: 'cli.relay.accept.no-blocks', params: { file } });
  }
  const blocks = envelopePositions(found.envelopes.length, found.problems);
  for (const [k, envelope] of found.envelopes.entries()) {
    const block = blocks[k]!;
    const added = await outbox.addIfNew(envelope, { origin: { file, block } });
    items.push({ file, block, id: envelopeIdHex(envelope), state: added === null ? 'already-queued' : 'queued' });
  }
  return { items, problems };
}

/** Prints what was found and returns the exit code: 0 when any envelope is in the outbox now, else 2. */
function report(out: Output, result: AcceptResult): ExitCode {
  const queued = result.items.filter((i) => i.state === 'queued');
  const counts = { accepted: queued.length, queued: result.items.length - queued.length, bad: result.problems.length };
  for (const p of result.problems) out.warning(p.key, p.params);
  // Exit 0 whenever a good envelope was found, new or already queued, so that accepting the same
  // file twice gives the same exit code; 2 when nothing in the files can ever be delivered.
  const usable = result.items.length > 0;
  const problems = result.problems.map(({ key, params, ...rest }) => ({ ...rest, message: t(key, params) }));
  const summary = { accepted: counts.accepted, alreadyQueued: counts.queued, bad: counts.bad, items: result.items, problems };
  if (!usable) {
    out.error('cli.relay.accept.nothing');
    out.hint('cli.relay.accept.hint-copy');
    if (out.json) out.document({ ...errorDocument('empty', t('cli.relay.accept.nothing'), t('cli.relay.accept.hint-copy')), ...summary });
    return EXIT.input;
  }
  if (out.json) {
    out.document(summary);
    return EXIT.ok;
  }
  for (const i of queued) out.data(i.id);
  out.info('cli.relay.accept.summary', counts);
  if (counts.accepted > 0) out.hint('cli.relay.accept.hint-flush');
  return EXIT.ok;
}

/**
 * Adds `accept` to the `relay` command (src/cli/commands/relay.ts creates `relay` and calls this).
 */
export function registerRelayAccept(relay: Command, ctx: Ctx): Command {
  return relay
    .command('accept')
    .description(t('cli.relay.accept.description'))
    .addArgument(new Argument('<file...>', t('cli.relay.accept.arg.file')))
    // Commander writes a variadic argument `<file...>`, which the help's placeholder lookup does not
    // translate; `<file>...` reads the same and becomes `<文件>...` in zh-CN.
    .usage('[options] <file>...')
    .action(
      action<object>(ctx, async (env, files: string[]) => {
        // The same outbox as submit and flush: its passphrase (wire spec 9) seals the tokens drawn here.
        return report(env.out, await acceptFiles(await openOutbox(env), files));
      }),
    );
}
