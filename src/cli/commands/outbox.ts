/**
 * `sealpost outbox [list | show <id> | flush]` (CLI spec, issue 8 build point 1). `list --json`
 * prints `[{"id", "state", "attempts", "receipt"?, "reason"?}]`; delivered items appear only while
 * their receipts are kept. `flush` is in outbox-flush.ts.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { Outbox, type OutboxItem, type OutboxState } from '../../outbox/outbox.js';
import { readSettings } from '../../outbox/settings.js';
import { t } from '../i18n/index.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { commandPassphrase } from '../passphrase.js';
import { EXIT, table, type ExitCode } from '../output.js';
import { registerFlush } from './outbox-flush.js';

/** The user's outbox: the command's passphrase (src/cli/passphrase.ts), receipts kept by flag or settings.json (wire spec 9). */
export async function openOutbox(env: ActionEnv<unknown>): Promise<Outbox> {
  const keepReceipts = Boolean(env.opts.keepReceipts) || (await readSettings(env.home)).keepReceipts;
  return new Outbox(env.home, { passphrase: await commandPassphrase(env, { keeping: keepReceipts }), keepReceipts });
}

/** The CLI spec's item object. */
export function itemJson(i: OutboxItem) {
  return {
    id: i.id,
    state: i.state,
    attempts: i.attempts,
    ...(i.receipt !== undefined ? { receipt: i.receipt } : {}),
    ...(i.reason !== undefined ? { reason: i.reason } : {}),
  };
}

const STATE_KEYS: Record<OutboxState, string> = {
  pending: 'cli.outbox.state.pending',
  delivered: 'cli.outbox.state.delivered',
  failed: 'cli.outbox.state.failed',
};

export const stateText = (s: OutboxState): string => t(STATE_KEYS[s]);

async function list(env: ActionEnv<unknown>): Promise<ExitCode> {
  const items = await (await openOutbox(env)).list();
  if (env.out.json) {
    env.out.document(items.map(itemJson));
    return EXIT.ok;
  }
  if (items.length === 0) {
    env.out.info('cli.outbox.empty');
    return EXIT.ok;
  }
  env.out.data(
    table([
      [t('cli.outbox.table.id'), t('cli.outbox.table.state'), t('cli.outbox.table.attempts')],
      ...items.map((i) => [i.id, stateText(i.state), String(i.attempts)]),
    ]),
  );
  return EXIT.ok;
}

async function show(env: ActionEnv<unknown>, prefix: string): Promise<ExitCode> {
  const outbox = await openOutbox(env);
  const lower = prefix.toLowerCase();
  const matches = /^[0-9a-f]{1,64}$/.test(lower) ? (await outbox.list()).filter((i) => i.id.startsWith(lower)) : [];
  if (matches.length !== 1) {
    const key = matches.length === 0 ? 'cli.outbox.no-item' : 'cli.outbox.ambiguous';
    throw new InputError('bad-flag', `${prefix}: ${matches.length === 0 ? 'no such envelope' : 'ambiguous'}`, { key, params: { id: prefix } });
  }
  const item = matches[0]!;
  if (env.out.json) {
    env.out.document({
      ...itemJson(item),
      ...(item.nextAt !== undefined ? { nextAt: new Date(item.nextAt).toISOString() } : {}),
      ...(item.origin ? { origin: item.origin } : {}),
    });
    return EXIT.ok;
  }
  env.out.info('cli.outbox.show.summary', { id: item.id, state: stateText(item.state), attempts: item.attempts });
  if (item.state === 'pending' && item.nextAt !== undefined) env.out.info('cli.outbox.show.next', { time: new Date(item.nextAt).toISOString() });
  if (item.reason !== undefined) env.out.info('cli.outbox.show.reason', { reason: item.reason });
  const o = item.origin;
  if (o?.line !== undefined) env.out.info('cli.outbox.show.origin-line', { file: o.file, line: o.line });
  else if (o?.block !== undefined) env.out.info('cli.outbox.show.origin-block', { file: o.file, block: o.block });
  if (item.receipt !== undefined) env.out.data(item.receipt);
  return EXIT.ok;
}

export function registerOutbox(program: Command, ctx: Ctx): Command {
  const cmd = program.command('outbox').description(t('cli.outbox.description'));
  cmd
    .command('list', { isDefault: true })
    .description(t('cli.outbox.list.description'))
    .action(action(ctx, (env) => list(env)));
  cmd
    .command('show')
    .description(t('cli.outbox.show.description'))
    .argument('<id>', t('cli.outbox.arg.id'))
    .action(action(ctx, (env, id: string) => show(env, id)));
  registerFlush(cmd, ctx);
  for (const sub of cmd.commands) sub.helpOption('-h, --help', t('cli.opt.help')).exitOverride().configureOutput({ outputError: () => {} });
  return cmd;
}
