/**
 * The CLI spec's route options, shared by every command that talks to the center (`submit`,
 * `routes test|update`, later `outbox flush` and `verify`), and the one place that turns them
 * into routes (src/transport/routes/sources.ts), printing its warnings.
 */
import type { Command } from 'commander';
import type { Center } from '../crypto/center-file.js';
import { t } from './i18n/index.js';
import { gatherRoutes, type GatheredRoutes } from '../transport/routes/sources.js';
import type { ActionEnv } from './context.js';
import { loadCenter } from './home.js';
import { InputError } from '../errors.js';

/** Commander's collector for repeatable options. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A parser for a positive number option (a bad value is bad input naming the flag, exit 2: issue 7). */
export function positive(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InputError('bad-flag', `bad ${flag}`, { key: 'cli.bad-number', params: { flag }, field: flag });
    return n;
  };
}

export interface RouteFlags {
  route: string[];
  proxy: string[];
  alsoDirect?: boolean;
  onlyRoutes?: boolean;
  allowPlainProxy?: boolean;
}

export function addRouteOptions(cmd: Command): Command {
  return cmd
    .option('--route <base url>', t('cli.opt.route'), collect, [])
    .option('--proxy <url>', t('cli.routes.opt.proxy'), collect, [])
    .option('--also-direct', t('cli.routes.opt.also-direct'))
    .option('--only-routes', t('cli.routes.opt.only-routes'))
    .option('--allow-plain-proxy', t('cli.routes.opt.allow-plain-proxy'));
}

/** The center file and the routes to use, from every source; warnings go to stderr. */
export async function gather(env: ActionEnv<RouteFlags>): Promise<{ center: Center; g: GatheredRoutes }> {
  const { opts, home, io, out } = env;
  const center = await loadCenter(opts.center, home);
  const g = await gatherRoutes({
    center,
    home,
    routeFlags: opts.route,
    proxyFlags: opts.proxy,
    onlyRoutes: Boolean(opts.onlyRoutes),
    alsoDirect: Boolean(opts.alsoDirect),
    allowPlainProxy: Boolean(opts.allowPlainProxy),
    env: io.env,
  });
  for (const w of g.warnings) out.warning(w.key, w.params);
  return { center, g };
}
