/**
 * `sealpost routes test --strategies` (issue 12, like Outline's strategy finder): every (dns, tls)
 * combination of every route (src/transport/strategy/combos.ts) probed as `routes test` probes a
 * route, a bounded number at once; per route, the strategies that got through in at least one
 * combination and those that never did, as a table in the user's language or `--json`:
 * `[{"route", "dns": {"ok", "failed"}, "tls": {"ok", "failed"}, "combinations": [{"route", "dns",
 * "tls", "outcome", "ms"}]}]`. Exit 0 when a combination got through, 3 when none did.
 */
import type { Center } from '../../crypto/center-file.js';
import type { Route } from '../../transport/routes/route.js';
import { combinations, strategyWords, type StrategyPlan } from '../../transport/strategy/combos.js';
import { t } from '../i18n/index.js';
import type { ActionEnv } from '../context.js';
import { EXIT, table, type ExitCode, type Output } from '../output.js';
import type { RouteFlags } from '../route-options.js';

/** What `routes test` lends: its probe, its outcome words, its "no routes" warning. */
export interface ProbeTools {
  readonly probe: (route: Route, center: Center, ms: number) => Promise<string>;
  readonly showOutcome: (outcome: string) => string;
  readonly noRoutes: (out: Output) => void;
}

/** Probes at once in `routes test --strategies`: every combination is a connection the censor sees. */
const STRATEGY_PROBES = 8;

/** Runs `jobs` with at most `n` at once, results in their order. */
async function bounded<T>(jobs: readonly (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return results;
}

/** One route's strategies on this network: each combination's probe, and which entries got through in at least one. */
interface RouteStrategies {
  readonly route: string;
  readonly dns: { ok: string[]; failed: string[] };
  readonly tls: { ok: string[]; failed: string[] };
  readonly combinations: { route: string; dns: string; tls: string; outcome: string; ms: number }[];
}

function verdicts(words: readonly string[], combos: RouteStrategies['combinations'], key: 'dns' | 'tls'): { ok: string[]; failed: string[] } {
  const all = [...new Set(words)];
  const ok = all.filter((w) => combos.some((c) => c[key] === w && c.outcome === 'ok'));
  return { ok, failed: all.filter((w) => !ok.includes(w)) };
}

/** Probes every combination of every route; prints the verdicts (see the top of this file). */
export async function testStrategies(
  env: ActionEnv<RouteFlags & { timeout: number }>,
  center: Center,
  routes: readonly Route[],
  plan: StrategyPlan,
  { probe, showOutcome, noRoutes }: ProbeTools,
): Promise<ExitCode> {
  const { out } = env;
  const entries = routes.map((r) => combinations(r, plan.defaults, plan.extra));
  const jobs = entries.flat().map((e) => async () => {
    const t0 = performance.now();
    const outcome = await probe(e, center, env.opts.timeout * 1000);
    return { route: e.id, ...strategyWords(e.strategy!), outcome, ms: Math.round(performance.now() - t0) };
  });
  const probed = await bounded(jobs, STRATEGY_PROBES);
  let at = 0;
  const results: RouteStrategies[] = routes.map((r, i) => {
    const combos = probed.slice(at, (at += entries[i]!.length));
    return { route: r.id, dns: verdicts(combos.map((c) => c.dns), combos, 'dns'), tls: verdicts(combos.map((c) => c.tls), combos, 'tls'), combinations: combos };
  });
  const ok = probed.filter((c) => c.outcome === 'ok').length;
  if (out.json) out.document(results);
  else if (probed.length > 0) {
    const dnsText = (d: string) => (d === 'system' ? t('cli.routes.strategies.system-dns') : d);
    const tlsText = (x: string) => (x === '' ? t('cli.routes.strategies.plain-tls') : x);
    const list = (xs: string[], f: (x: string) => string) => (xs.length ? xs.map(f).join(', ') : '-');
    out.data(
      table([
        [t('cli.table.route'), t('cli.routes.table.dns'), t('cli.routes.table.tls'), t('cli.table.outcome'), t('cli.table.ms')],
        ...probed.map((c) => [c.route, dnsText(c.dns), tlsText(c.tls), showOutcome(c.outcome), String(c.ms)]),
      ]),
    );
    for (const r of results) {
      if (r.dns.ok.length === 0) out.warning('cli.routes.strategies.none', { route: r.route });
      else out.info('cli.routes.strategies.works', { route: r.route, dns: list(r.dns.ok, dnsText), tls: list(r.tls.ok, tlsText) });
      if (r.dns.ok.length > 0 && r.dns.failed.length + r.tls.failed.length > 0) {
        out.info('cli.routes.strategies.fails', { route: r.route, dns: list(r.dns.failed, dnsText), tls: list(r.tls.failed, tlsText) });
      }
    }
  }
  if (routes.length === 0) noRoutes(out);
  else out.info('cli.routes.strategies.tested', { ok, total: probed.length, routes: routes.length });
  return ok > 0 ? EXIT.ok : EXIT.queued;
}
