/**
 * `sealpost outbox flush [--watch] [route options] [--timeout s]` (CLI spec, issue 8 build point 1):
 * delivers every pending envelope (src/outbox/flush.ts), one live line on a TTY, a summary at the
 * end. `--json` prints `{"delivered", "pending", "failed", "items"}`; exit 0 when nothing is left
 * pending, 3 otherwise. `--watch` goes on, with backoff, until every envelope is delivered or
 * Ctrl-C. One flusher per outbox (src/outbox/lock.ts): a second one refuses with exit 3.
 */
import type { Command } from 'commander';
import type { Center } from '../../crypto/center-file.js';
import type { Attempt } from '../../transport/race/race.js';
import { backoffDelay } from '../../outbox/backoff.js';
import { flushOutbox, type FlushEvent } from '../../outbox/flush.js';
import { lockOutbox, OutboxBusy } from '../../outbox/lock.js';
import type { Outbox, OutboxItem } from '../../outbox/outbox.js';
import type { Route } from '../../transport/routes/route.js';
import type { StrategyPlan } from '../../transport/strategy/combos.js';
import { t } from '../i18n/index.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { EXIT, type ExitCode } from '../output.js';
import { commandPassphrase } from '../passphrase.js';
import { addResolverOptions, addRouteOptions, gather, positive, type RouteFlags } from '../route-options.js';
import { explainFailures } from '../send-diagnosis.js';
import { StatusLine } from '../status-line.js';
import { itemJson, openOutbox } from './outbox.js';
import { verifyAfterFlush } from './verify.js';

type FlushFlags = RouteFlags & { timeout?: number; watch?: boolean };

/** Longest wait between two rounds of `--watch`: envelopes queued meanwhile by others are picked up. */
const WATCH_MAX_WAIT = 60_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function counts(outbox: Outbox): Promise<{ pending: OutboxItem[]; failed: number }> {
  const all = await outbox.list();
  return { pending: all.filter((i) => i.state === 'pending'), failed: all.filter((i) => i.state === 'failed').length };
}

async function flush(env: ActionEnv<FlushFlags>): Promise<ExitCode> {
  const { out } = env;
  const { center, g, plan } = await gather(env);
  const outbox = await openOutbox(env);
  let release: () => Promise<void>;
  try {
    release = await lockOutbox(outbox.dir);
  } catch (err) {
    if (!(err instanceof OutboxBusy)) throw err;
    out.error('cli.outbox.busy', { pid: err.pid });
    const c = await counts(outbox);
    if (out.json) out.document({ delivered: 0, pending: c.pending.length, failed: c.failed, items: [] });
    return EXIT.queued;
  }
  await outbox.removeStaleTemp();
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  try {
    return await rounds(env, outbox, g.routes, center, stop.signal, plan);
  } finally {
    process.off('SIGINT', onSigint);
    await release();
  }
}

async function rounds(env: ActionEnv<FlushFlags>, outbox: Outbox, routes: readonly Route[], center: Center, signal: AbortSignal, plan: StrategyPlan): Promise<ExitCode> {
  const { opts, out } = env;
  const before = await counts(outbox);
  const total = before.pending.length;
  const touched = new Map<string, OutboxItem>();
  let delivered = 0;
  let lastFailed: Attempt[] = [];
  let waitUntil = 0;
  // The progress bar and the live line (issue 8, build point 1): TTY only, never under --json.
  const bar = () => {
    const full = total === 0 ? 20 : Math.floor((20 * delivered) / total);
    return `[${'#'.repeat(full)}${'.'.repeat(20 - full)}]`;
  };
  const status = new StatusLine(out, (s, seconds) =>
    waitUntil > Date.now()
      ? `${bar()} ${t('cli.status.waiting', { done: delivered, total, wait: Math.ceil((waitUntil - Date.now()) / 1000), seconds })}`
      : `${bar()} ${t('cli.status.flush', { done: delivered, total, tried: s.tried, failed: s.failed, seconds })}`,
  );
  const onEvent = (e: FlushEvent) => {
    if (e.type === 'settled') {
      touched.set(e.item.id, e.item);
      if (e.item.state === 'delivered') {
        delivered++;
        lastFailed = [];
      }
    } else if (e.type === 'end') {
      if (e.attempt.error) lastFailed.push(e.attempt);
      if (out.verbose) out.text(`${e.attempt.route}: ${e.attempt.outcome} (${e.attempt.ms} ms)`);
    }
    status.count(e);
  };
  if (total === 0 && routes.length > 0) out.info('cli.outbox.nothing');
  if (routes.length === 0 && total > 0) {
    out.warning('cli.no-routes');
    out.hint('cli.hint.route');
  }
  const passphrase = await commandPassphrase(env);
  const health = await import('../../transport/race/health.js').then((m) => m.RouteHealth.load(env.home, { passphrase }));
  if (health.notice) out.warning(health.notice.key, health.notice.params);
  let stalls = 0;
  // The first round takes the list just read; a --watch round reads again (submit may have queued more meanwhile).
  let listed: readonly OutboxItem[] | undefined = before.pending;
  try {
    while (routes.length > 0 && !signal.aborted) {
      const items = listed;
      listed = undefined;
      const round = await flushOutbox(outbox, routes, {
        ...(items ? { items } : {}),
        center: { name: center.name, logKey: center.logKey },
        health,
        strategies: plan,
        signal,
        dueOnly: Boolean(opts.watch),
        onEvent,
        ...(opts.timeout !== undefined ? { deadline: Math.round(opts.timeout * 1000) } : {}),
      });
      if (!opts.watch || signal.aborted) break;
      const { pending } = await counts(outbox);
      if (pending.length === 0) break;
      // A round that found no route waits as one envelope would (1 s doubling to 10 min);
      // otherwise until the earliest backoff ends.
      stalls = round.stalled ? stalls + 1 : 0;
      const earliest = Math.min(...pending.map((i) => i.nextAt ?? 0));
      const wait = round.stalled ? backoffDelay(stalls) : Math.max(0, earliest - Date.now());
      waitUntil = Date.now() + Math.min(wait, WATCH_MAX_WAIT);
      status.draw();
      await sleep(waitUntil - Date.now(), signal);
    }
  } finally {
    status.stop();
  }
  const after = await counts(outbox);
  if (out.json) {
    out.document({ delivered, pending: after.pending.length, failed: after.failed, items: [...touched.values()].map(itemJson) });
  } else {
    out.info('cli.outbox.summary', { delivered, pending: after.pending.length, failed: after.failed });
  }
  if (after.pending.length > 0) {
    if (signal.aborted) out.warning('cli.outbox.stopped');
    else if (lastFailed.length > 0) {
      out.warning('cli.outbox.stalled');
      explainFailures(out, lastFailed, center);
    }
  }
  // Issue 9: kept receipts are proved at once when a checkpoint covers them; quiet unless the log lies (exit 4).
  if (outbox.keepReceipts && !signal.aborted && (await verifyAfterFlush(env, center, routes, [...touched.values()])) === EXIT.verify) return EXIT.verify;
  return after.pending.length === 0 ? EXIT.ok : EXIT.queued;
}

/**
 * After `submit` delivered over `route`: the other pending envelopes go over it too (issue 8,
 * build point 1), unless another process is flushing. Nothing is raced: a route that fails ends it.
 */
export async function sendWaiting(env: ActionEnv<unknown>, outbox: Outbox, route: Route, center: Center): Promise<void> {
  if (!(await outbox.list()).some((i) => i.state === 'pending')) return;
  let release: () => Promise<void>;
  try {
    release = await lockOutbox(outbox.dir);
  } catch (err) {
    if (err instanceof OutboxBusy) return;
    throw err;
  }
  try {
    const round = await flushOutbox(outbox, [route], { center: { name: center.name, logKey: center.logKey }, preferred: route });
    if (round.delivered > 0) env.out.info('cli.outbox.also-sent', { count: round.delivered, route: route.id });
  } finally {
    await release();
  }
}

export function registerFlush(outboxCmd: Command, ctx: Ctx): Command {
  const cmd = outboxCmd
    .command('flush')
    .description(t('cli.outbox.flush.description'))
    .option('--watch', t('cli.outbox.opt.watch'))
    .option('--timeout <seconds>', t('cli.opt.timeout'), positive('--timeout'));
  addRouteOptions(cmd);
  addResolverOptions(cmd);
  return cmd.action(action<FlushFlags>(ctx, flush));
}
