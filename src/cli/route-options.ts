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
import { InputError, namingField } from '../errors.js';
import type { StrategyPlan } from '../transport/strategy/combos.js';
import { bad, parseDnsStrategy, parseTlsStrategy, type DnsStrategy, type Strategies, type TlsStrategy } from '../transport/strategy/parse.js';

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
  /** `--strategy <tls>` (issue 12): a TLS entry added to every route's list for this run. */
  strategy?: string[];
  /** `--doh <name>@<ip>:<port>` (issue 12): a DoH resolver added to every direct and mirror route's list. */
  doh?: string[];
  /** `--dot <name>@<ip>:<port>`: likewise, DNS-over-TLS. */
  dot?: string[];
}

/** `name@ip:port` (a resolver given with its address: wire spec 6) → a dns entry. Throws InputError `bad-strategy`. */
export function resolverFlag(kind: 'https' | 'tls', text: string): DnsStrategy {
  const flag = kind === 'https' ? '--doh' : '--dot';
  const at = text.lastIndexOf('@');
  // Without its address the resolver would be looked up by name: say how to give it.
  if (at <= 0) throw bad(flag, JSON.stringify(text), 'give it as <name>@<ip>:<port>');
  return parseDnsStrategy({ [kind]: { name: text.slice(0, at), address: text.slice(at + 1) } }, flag);
}

/** This run's strategy entries from `--doh`, `--dot` and `--strategy` (issue 12), when any is given. */
export function flagStrategies(opts: Pick<RouteFlags, 'strategy' | 'doh' | 'dot'>): Strategies | undefined {
  const dns: DnsStrategy[] = [...(opts.doh ?? []).map((d) => resolverFlag('https', d)), ...(opts.dot ?? []).map((d) => resolverFlag('tls', d))];
  const tls: TlsStrategy[] = (opts.strategy ?? []).map((x) => parseTlsStrategy(x, '--strategy'));
  if (dns.length === 0 && tls.length === 0) return undefined;
  return { ...(dns.length ? { dns } : {}), ...(tls.length ? { tls } : {}) };
}

/** The strategies a race uses (issue 12): the center file's defaults and this run's flags. */
export function strategyPlan(center: Center, opts: Pick<RouteFlags, 'strategy' | 'doh' | 'dot'>): StrategyPlan {
  const extra = flagStrategies(opts);
  return { defaults: center.strategies, ...(extra ? { extra } : {}) };
}

export function addRouteOptions(cmd: Command): Command {
  return cmd
    .option('--route <base url>', t('cli.opt.route'), collect, [])
    .option('--proxy <url>', t('cli.routes.opt.proxy'), collect, [])
    .option('--also-direct', t('cli.routes.opt.also-direct'))
    .option('--only-routes', t('cli.routes.opt.only-routes'))
    .option('--allow-plain-proxy', t('cli.routes.opt.allow-plain-proxy'));
}

/**
 * `--doh` and `--dot` (issue 12): encrypted resolvers for this run, on the commands that race
 * routes (`submit`, `outbox flush`, `routes test`); parsed by {@link resolverFlag} in gather().
 * `--strategy <tls>` likewise: parsed by {@link flagStrategies} (a bad one is bad input, exit 2).
 */
export function addResolverOptions(cmd: Command): Command {
  return cmd
    .option('--doh <resolver>', t('cli.routes.opt.doh'), collect, [])
    .option('--dot <resolver>', t('cli.routes.opt.dot'), collect, [])
    // `--strategy <tls>` (issue 12): a TLS entry (parse.ts) added to every route's list for this run.
    .option('--strategy <tls>', t('cli.routes.opt.strategy'), tlsFlag, []);
}

/** Checks a `--strategy` value as it is read (a bad one is bad input before anything else runs), keeps its text. */
function tlsFlag(v: string, prev: string[] = []): string[] {
  try {
    parseTlsStrategy(v, '--strategy');
  } catch (err) {
    throw namingField(err, '--strategy');
  }
  return collect(v, prev);
}

/** The center file and the routes to use, from every source; warnings go to stderr. */
export async function gather(env: ActionEnv<RouteFlags>): Promise<{ center: Center; g: GatheredRoutes; plan: StrategyPlan }> {
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
  return { center, g, plan: strategyPlan(center, opts) };
}
