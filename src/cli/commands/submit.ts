import type { Command } from 'commander';
import { sealEnvelope } from '../../crypto/envelope.js';
import { t } from '../i18n/index.js';
import { openOutbox } from './outbox.js';
import { sendWaiting } from './outbox-flush.js';
import { serializeStatement } from '../../statement/index.js';
import { countedKeep } from '../../statement/counted.js';
import { action, type Ctx } from '../context.js';
import { commandPassphrase } from '../passphrase.js';
import { addResolverOptions, addRouteOptions, gather, positive, type RouteFlags } from '../route-options.js';
import { addComposeOptions, warnIfOnCommandLine, readStatement, type ComposeFlags } from '../statement-input.js';

export function registerSubmit(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('submit')
    .description(t('cli.submit.description'))
    .argument('[statement]', t('cli.arg.statement'))
    .option('--timeout <seconds>', t('cli.opt.timeout'), positive('--timeout'));
  addRouteOptions(cmd);
  addResolverOptions(cmd);
  addComposeOptions(cmd);
  return cmd.action(
    action<ComposeFlags & RouteFlags & { timeout?: number }>(ctx, async (env, source?: string) => {
      const { opts, out, home } = env;
      warnIfOnCommandLine(opts, out, 'submit');
      // Everything that can be wrong with the input is checked before anything is queued (exit 2).
      const { center, g, plan } = await gather(env);
      const st = await readStatement(source, opts, out);
      const envelope = sealEnvelope(serializeStatement(st), center.boxKey);
      // Durable before the first attempt: a statement is never lost (spec 9).
      const outbox = await openOutbox(env);
      // With --keep-receipts the statement's id, tag key and counted fields stay too, for `verify --counted` (spec 9).
      const item = await outbox.add(envelope, { counted: countedKeep(st) });
      const [{ sendAndReport }, { RouteHealth }] = await Promise.all([import('../send-report.js'), import('../../transport/race/health.js')]);
      const health = await RouteHealth.load(home, { passphrase: await commandPassphrase(env) });
      return sendAndReport(out, outbox, item, center, g.routes, {
        health,
        strategies: plan,
        ...(opts.timeout !== undefined ? { deadline: Math.round(opts.timeout * 1000) } : {}),
        // Issue 8: a route that delivers now may be gone in an hour: send the waiting ones over it.
        onDelivered: (route) => sendWaiting(env, outbox, route, center),
      });
    }),
  );
}
