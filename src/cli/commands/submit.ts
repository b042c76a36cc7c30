import type { Command } from 'commander';
import { sealEnvelope } from '../../crypto/envelope.js';
import { t } from '../../i18n/index.js';
import { Outbox } from '../../outbox/outbox.js';
import { serializeStatement } from '../../statement/index.js';
import { argRoutes, parseRoute, type Route } from '../../transport/route.js';
import { action, type Ctx } from '../context.js';
import { loadCenter } from '../home.js';
import { addComposeOptions, readStatement, type ComposeFlags } from '../statement-input.js';
import { UsageError } from '../output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function positiveMs(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError('bad-flag', `bad ${flag}`, { key: 'cli.bad-number', params: { flag } });
    return Math.round(n * 1000);
  };
}

export function registerSubmit(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('submit')
    .description(t('cli.submit.description'))
    .argument('[statement]', t('cli.arg.statement'))
    .option('--route <base url>', t('cli.opt.route'), collect, [])
    .option('--only-routes', t('cli.opt.only-routes'))
    .option('--timeout <seconds>', t('cli.opt.timeout'), positiveMs('--timeout'))
    .option('--keep-receipts', t('cli.opt.keep-receipts'));
  addComposeOptions(cmd);
  return cmd.action(
    action<ComposeFlags & { route: string[]; onlyRoutes?: boolean; timeout?: number }>(ctx, async ({ opts, out, home, io }, source?: string) => {
      const center = await loadCenter(opts.center, home);
      const st = await readStatement(source, opts, io);
      const routes: Route[] = [...argRoutes(opts.route), ...(opts.onlyRoutes ? [] : center.routes.map(parseRoute))];
      const envelope = sealEnvelope(serializeStatement(st), center.boxKey);
      // Durable before the first attempt: a statement is never lost (spec 9).
      const outbox = new Outbox(home);
      const item = await outbox.add(envelope);
      if (opts.keepReceipts) out.warning('cli.keep-receipts-later');
      const { sendAndReport } = await import('../send-report.js');
      return sendAndReport(out, outbox, item, center, routes, opts.timeout !== undefined ? { deadline: opts.timeout } : {});
    }),
  );
}
