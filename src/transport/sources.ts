/**
 * Where routes come from (issue 3 point 4, CLI spec route options, wire spec 6), gathered into
 * one list for the race, in this order:
 *
 * 1. `--route <url>` flags: direct routes `arg-1`, `arg-2`, ...
 * 2. unless `--only-routes`: the held signed route list when it verifies and has not expired,
 *    else the center file's routes (spec 6 fallback). A route among them that does not parse, or
 *    that uses a plaintext proxy off loopback without `--allow-plain-proxy`, is dropped with a
 *    warning (a bad route never costs the user the others).
 * 3. `--proxy <url>` (repeatable): every direct and mirror route is sent through each proxy as
 *    `<route id>+proxy-<n>` (n = the flag's position, from 1), and the unproxied originals are
 *    dropped unless `--also-direct` (then they follow the proxied ones). http-proxy and socks
 *    routes stay as they are.
 * 4. without `--proxy` and without `--only-routes`: the environment's proxy (curl's rules,
 *    env-proxy.ts) replaces, in place, each direct or mirror route whose URL it applies to, as
 *    `env-1`, `env-2`, ... numbered in the order of the routes they replace; with
 *    `--also-direct` the original follows it.
 *
 * A plaintext proxy off loopback given by the user (`--proxy`, or an environment variable) is an
 * InputError (exit 2) unless `--allow-plain-proxy` (spec 6). Duplicates (same URL, proxy, pinned
 * address, SNI and trust anchors) are removed keeping the first; a later route whose id is taken
 * is dropped with a warning (the race keys attempts by id).
 */
import type { Center } from '../crypto/center-file.js';
import { InputError, type Params } from '../errors.js';
import { envProxyFor } from './env-proxy.js';
import type { RouteList } from './route-list.js';
import { loadHeldRoutes } from './route-store.js';
import { isLoopbackHost, parseProxyUrl, parseRoute, throughProxy, type Route } from './route.js';

export type RouteSource = 'arg' | 'route-list' | 'center-file' | 'proxy' | 'env';

export interface RouteWarning {
  readonly key: string;
  readonly params: Params;
}

export interface GatherOptions {
  readonly center: Center;
  readonly home: string;
  readonly routeFlags: readonly string[];
  readonly proxyFlags: readonly string[];
  readonly onlyRoutes: boolean;
  readonly alsoDirect: boolean;
  readonly allowPlainProxy: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Unix ms (default: now), for the held list's expiry. */
  readonly now?: number;
}

export interface GatheredRoutes {
  readonly routes: Route[];
  /** Routes dropped and why, for `sealpost: warning:` lines. */
  readonly warnings: RouteWarning[];
  /** Where each route (by id) came from. */
  readonly sources: ReadonlyMap<string, RouteSource>;
  /** The held route list in use, or null (center file's routes, or `--only-routes`). */
  readonly list: RouteList | null;
}

interface Sourced {
  readonly route: Route;
  readonly source: RouteSource;
}

/** A plaintext proxy the censor can see: not TLS to the proxy, not on this machine (spec 6). */
export function isExposedProxy(proxy: URL | undefined): boolean {
  return proxy !== undefined && proxy.protocol !== 'https:' && !isLoopbackHost(proxy.hostname);
}

function routeKey(r: Route): string {
  return JSON.stringify([r.url.href, r.proxy?.href ?? '', r.connect ? `${r.connect.host}:${r.connect.port}` : '', r.servername ?? '', r.ca ?? '']);
}

function argRoute(url: string, n: number): Route {
  try {
    return parseRoute({ id: `arg-${n}`, kind: 'direct', url });
  } catch (cause) {
    throw new InputError('bad-route', `--route ${url}: not a base URL`, { cause, key: 'transport.routes.bad-flag-route', params: { url }, field: '--route' });
  }
}

function proxyFlag(text: string): URL {
  try {
    return parseProxyUrl(text, '--proxy');
  } catch (cause) {
    throw new InputError('bad-proxy', '--proxy: not a proxy URL', { cause, key: 'transport.routes.bad-proxy-flag', field: '--proxy' });
  }
}

function plainProxyError(proxy: URL, where: string): InputError {
  return new InputError('plain-proxy', `${where}: plaintext proxy ${proxy.host} off loopback`, {
    key: 'transport.routes.plain-proxy',
    params: { where, proxy: proxy.host },
    field: where,
  });
}

/** The center's routes: the held list when valid, else the center file (spec 6). */
async function centerRoutes(o: GatherOptions, warnings: RouteWarning[]): Promise<{ list: RouteList | null; routes: Sourced[] }> {
  const list = await loadHeldRoutes(o.home, o.center, o.now ?? Date.now());
  const routes: Sourced[] = [];
  if (list) {
    routes.push(...list.routes.map((route) => ({ route, source: 'route-list' as const })));
  } else {
    for (const spec of o.center.routes) {
      try {
        routes.push({ route: parseRoute(spec), source: 'center-file' });
      } catch (err) {
        warnings.push({ key: 'transport.routes.dropped-bad', params: { id: String(spec.id), why: err instanceof Error ? err.message : String(err) } });
      }
    }
  }
  const kept = routes.filter(({ route }) => {
    if (o.allowPlainProxy || !isExposedProxy(route.proxy)) return true;
    warnings.push({ key: 'transport.routes.dropped-plain', params: { id: route.id, proxy: route.proxy!.host } });
    return false;
  });
  return { list, routes: kept };
}

function dedupe(routes: readonly Sourced[], warnings: RouteWarning[]): Sourced[] {
  const keys = new Set<string>();
  const ids = new Set<string>();
  return routes.filter(({ route }) => {
    const key = routeKey(route);
    if (keys.has(key)) return false;
    if (ids.has(route.id)) {
      warnings.push({ key: 'transport.routes.dropped-duplicate-id', params: { id: route.id } });
      return false;
    }
    keys.add(key);
    ids.add(route.id);
    return true;
  });
}

/** `--proxy`: each direct/mirror route through each proxy; originals only with `--also-direct`. */
function viaFlags(base: readonly Sourced[], proxies: readonly URL[], alsoDirect: boolean): Sourced[] {
  const proxied = base.flatMap((s) =>
    s.route.proxy ? [s] : proxies.map((p, i) => ({ route: throughProxy(s.route, p, i + 1), source: 'proxy' as const })),
  );
  return alsoDirect ? [...proxied, ...base.filter((s) => !s.route.proxy)] : proxied;
}

/** The environment's proxy, per route URL, as `env-<n>` in place of the unproxied route. */
function viaEnv(base: readonly Sourced[], o: GatherOptions): Sourced[] {
  let n = 0;
  return base.flatMap((s) => {
    if (s.route.proxy) return [s];
    const ep = envProxyFor(s.route.url, o.env);
    if (!ep) return [s];
    if (!o.allowPlainProxy && isExposedProxy(ep.proxy)) throw plainProxyError(ep.proxy, ep.variable);
    const env: Sourced = { route: { ...s.route, id: `env-${++n}`, proxy: ep.proxy }, source: 'env' };
    return o.alsoDirect ? [env, s] : [env];
  });
}

/**
 * Gathers the routes to race (rules at the top of this file). Throws InputError (exit 2) for a
 * bad `--route` / `--proxy` value, a bad proxy in the environment, or a plaintext proxy off
 * loopback given by the user without `allowPlainProxy`; never for a bad route of the center's.
 */
export async function gatherRoutes(o: GatherOptions): Promise<GatheredRoutes> {
  const warnings: RouteWarning[] = [];
  // Flags are checked first, so a bad flag fails before any file is read.
  const args = o.routeFlags.map((url, i): Sourced => ({ route: argRoute(url, i + 1), source: 'arg' }));
  const proxies = o.proxyFlags.map(proxyFlag);
  for (const p of proxies) if (!o.allowPlainProxy && isExposedProxy(p)) throw plainProxyError(p, '--proxy');
  const center = o.onlyRoutes ? { list: null, routes: [] } : await centerRoutes(o, warnings);
  const base = dedupe([...args, ...center.routes], warnings);
  const all = proxies.length > 0 ? viaFlags(base, proxies, o.alsoDirect) : o.onlyRoutes ? base : viaEnv(base, o);
  const routes = dedupe(all, warnings);
  return {
    routes: routes.map((s) => s.route),
    warnings,
    sources: new Map(routes.map((s) => [s.route.id, s.source])),
    list: center.list,
  };
}
