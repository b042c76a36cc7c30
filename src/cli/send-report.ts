/**
 * Sends one queued envelope and reports it the way `submit` and `demo` share: a progress line
 * while racing, one table of every attempt at the end (`--verbose` streams them), the receipt on
 * stdout, or the `submit --json` document (CLI spec).
 */
import type { Center } from '../crypto/center-file.js';
import { outcomeText, t } from './i18n/index.js';
import type { Outbox, OutboxItem } from '../outbox/outbox.js';
import { sendItem } from '../outbox/send.js';
import type { Route } from '../transport/routes/route.js';
import type { PhaseTimeouts } from '../transport/deliver.js';
import type { RouteHealth } from '../transport/race/health.js';
import { entryById, type StrategyPlan } from '../transport/strategy/combos.js';
import { EXIT, table, type ExitCode, type Output } from './output.js';
import { explainFailures, jsonAttempt } from './send-diagnosis.js';
import { StatusLine } from './status-line.js';

export interface SendReportOptions {
  readonly deadline?: number;
  readonly stagger?: number;
  readonly timeouts?: Partial<PhaseTimeouts>;
  readonly health?: RouteHealth;
  /** Strategies (issue 12); default: the center file's. */
  readonly strategies?: StrategyPlan;
  /** Called once the envelope is delivered, with the route that delivered it (issue 8: the others go over it too). */
  readonly onDelivered?: (route: Route) => Promise<void>;
}

export async function sendAndReport(
  out: Output,
  outbox: Outbox,
  item: OutboxItem,
  center: Center,
  routes: readonly Route[],
  opts: SendReportOptions = {},
): Promise<ExitCode> {
  // A damaged or locked (sealed, wrong or no passphrase: issue 6, finding 5) health file.
  if (opts.health?.notice) out.warning(opts.health.notice.key, opts.health.notice.params);
  if (routes.length === 0) {
    out.warning('cli.no-routes');
    out.hint('cli.hint.route');
    if (out.json) out.document({ id: item.id, delivered: false, route: null, receipt: null, attempts: [] });
    return EXIT.queued;
  }
  // One live line on a TTY: routes tried, failed so far, seconds (issue 8, build point 1).
  const status = new StatusLine(out, (s, seconds) => t('cli.status.line', { tried: s.tried, failed: s.failed, seconds }));
  const r = await sendItem(outbox, item, routes, {
    center: { name: center.name, logKey: center.logKey },
    ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
    ...(opts.stagger !== undefined ? { stagger: opts.stagger } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    ...(opts.health ? { health: opts.health } : {}),
    strategies: opts.strategies ?? { defaults: center.strategies },
    onEvent: (e) => {
      if (out.verbose && e.type === 'end') out.text(`${e.attempt.route}: ${outcomeText(e.attempt.outcome)} (${e.attempt.ms} ms)`);
      status.count(e);
    },
  }).finally(() => status.stop());
  for (const a of r.raw) {
    if (a.outcome === 'bad-receipt') out.warning('cli.warn.bad-receipt', { route: a.route });
  }
  if (out.json) {
    // `hop` is an optional field beside the CLI spec's three (issue 7, build point 4).
    const { raw, ...doc } = r;
    out.document({ ...doc, attempts: raw.map(jsonAttempt) });
  } else {
    out.text(
      table([
        [t('cli.table.route'), t('cli.table.outcome'), t('cli.table.ms')],
        ...r.attempts.map((a) => [a.route, outcomeText(a.outcome), String(a.ms)]),
      ]),
    );
    if (r.delivered) {
      out.info('cli.delivered', { route: r.route ?? '', id: r.id });
      out.data(r.receipt ?? '');
    } else {
      out.warning('cli.queued', { id: r.id });
    }
  }
  // On stderr under --json too: why each route failed and what to do (issue 7, build point 4).
  if (!r.delivered) explainFailures(out, r.raw, center);
  // The winner may be a strategy entry (issue 12): rebuilt from its route and combination.
  const winner = r.delivered ? entryById(routes, r.route!, opts.strategies ?? { defaults: center.strategies }) : undefined;
  if (winner && opts.onDelivered) await opts.onDelivered(winner);
  return r.delivered ? EXIT.ok : EXIT.queued;
}
