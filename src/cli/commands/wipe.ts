/**
 * `sealpost wipe [--yes]` (CLI spec, wire spec 9): removes the outbox, kept receipts, statement
 * tags and the relay secret, after a confirmation — typed `yes` on a terminal, `--yes` in a
 * script; without either it removes nothing and exits 2 naming the flag (STYLE habit 9).
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { OutboxBusy } from '../../outbox/lock.js';
import { wipeHome, wipeTargets } from '../../outbox/wipe.js';
import { t } from '../i18n/index.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { EXIT, type ExitCode } from '../output.js';

async function confirm(env: ActionEnv<unknown>, what: string): Promise<boolean> {
  const rl = createInterface({ input: env.io.stdin, output: env.io.stderr, terminal: false });
  try {
    const answer = await rl.question(t('cli.wipe.confirm', { what, home: env.home }));
    return /^\s*(y|yes|是)\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

async function wipe(env: ActionEnv<{ yes?: boolean }>): Promise<ExitCode> {
  const { out, home, opts } = env;
  const targets = await wipeTargets(home);
  if (targets.length === 0) {
    if (out.json) out.document({ removed: [] });
    else out.info('cli.wipe.nothing', { home });
    return EXIT.ok;
  }
  const what = targets.join(', ');
  if (!opts.yes) {
    if (!env.io.stdin.isTTY) throw new InputError('missing-flag', 'wipe needs --yes without a terminal', { key: 'cli.wipe.need-yes', field: '--yes' });
    if (!(await confirm(env, what))) {
      out.info('cli.wipe.cancelled');
      if (out.json) out.document({ removed: [] });
      return EXIT.ok;
    }
  }
  let removed: string[];
  try {
    removed = await wipeHome(home);
  } catch (err) {
    if (!(err instanceof OutboxBusy)) throw err;
    out.error('cli.outbox.busy', { pid: err.pid });
    return EXIT.queued;
  }
  if (out.json) out.document({ removed });
  else out.info('cli.wipe.done', { what: removed.join(', '), home });
  return EXIT.ok;
}

export function registerWipe(program: Command, ctx: Ctx): Command {
  return program
    .command('wipe')
    .description(t('cli.wipe.description'))
    .option('--yes', t('cli.wipe.opt.yes'))
    .action(action<{ yes?: boolean }>(ctx, wipe));
}
