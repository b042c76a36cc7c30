/**
 * Where routes come from (issue 3 point 4, CLI spec route options, wire spec 6), gathered into
 * one list for the race, in this order:
 *
 * 1. `--route <url>` flags: direct routes `arg-1`, `arg-2`, ...
 * 2. unless `--only-routes`: the held signed route list when it verifies and has not expired,
 *    else the center file's routes (spec 6 fallback). A route among them that does not parse, or
 *    that uses a plaintext proxy off loopback without `--allow-plain-proxy`, is dropped with a
 *    warning (a bad route never costs the user the others).
 * 3. `--proxy <url>` (repeatable): every route is sent through each proxy as
 *    `<route id>+proxy-<n>` (n = the flag's position, from 1): a direct or mirror route through
 *    it, an http-proxy or socks route chained behind it (user proxy → route proxy → center, issue
 *    6 finding 1), or left out when it cannot be chained (`chainPlan`). The unproxied originals
 *    are dropped unless `--also-direct` (then they follow).
 * 4. without `--proxy`: the environment's proxy (curl's rules, env-proxy.ts) replaces, in place,
 *    each route whose URL it applies to, as `env-1`, `env-2`, ... numbered in the order of the
 *    routes they replace (chained as in 3 when the route has its own proxy); with `--also-direct`
 *    the original follows it. While any proxy variable is set, a route that none applies to is
 *    left out with a warning naming the variables (issue 6 finding 2), unless `--also-direct`, or
 *    `NO_PROXY` exempts it (the user's own explicit instruction, as curl reads it). This holds
 *    with `--only-routes` too: it drops the center's routes, not the user's proxy settings
 *    (issue 6: a variable that silently did nothing let `--route` go out directly).
 *
 * A plaintext proxy off loopback given by the user (`--proxy`, or an environment variable) is an
 * InputError (exit 2) unless `--allow-plain-proxy` (spec 6). Duplicates (same URL, proxy, pinned
 * address, SNI and trust anchors) are removed keeping the first; a later route whose id is taken
 * is dropped with a warning (the race keys attempts by id).
 */
import type { Center } from '../../crypto/center-file.js';
import { InputError, type Params } from '../../errors.js';
import { envProxyFor, noProxyExempts, proxyVariablesSet } from './env-proxy.js';
import type { RouteList } from './route-list.js';
import { loadHeldRoutes } from './route-store.js';
import { isExposedProxy } from '../host.js';
import { parseProxyUrl, parseRoute, throughProxy, unchainable, type Route } from './route.js';

/** Where a route came from: `--route`, the signed route list, the center file, `--proxy`, a proxy variable. */
export type RouteSource = 'arg' | 'route-list' | 'center-file' | 'proxy' | 'env';

/** A route left out, with the message key and params to tell the user why. */
export interface RouteWarning {
  readonly key: string;
  readonly params: Params;
}

/** Options of {@link gatherRoutes}: the CLI's route options (CLI spec), the home folder and the environment. */
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

/** Why a route was left out while a proxy is given (`routes list` shows them). */
export type LeftOutReason = 'loopback-proxy' | 'no-env-proxy';

/** A route not raced because it cannot go through the user's proxy. */
export interface LeftOut {
  readonly route: Route;
  readonly source: RouteSource;
  readonly reason: LeftOutReason;
}

/** What {@link gatherRoutes} found: the routes to race, in order, and what it left out. */
export interface GatheredRoutes {
  readonly routes: Route[];
  /** Routes not raced because they could not go through the user's proxy. */
  readonly left: LeftOut[];
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


function routeKey(r: Route): string {
  return JSON.stringify([r.url.href, r.via?.href ?? '', r.proxy?.href ?? '', r.connect ? `${r.connect.host}:${r.connect.port}` : '', r.servername ?? '', r.ca ?? '']);
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

const sameEndpoint = (a: URL, b: URL) => a.protocol === b.protocol && a.host === b.host && a.username === b.username && a.password === b.password;

/**
 * One route behind the user's proxy `proxy`: through it, chained behind it, as it is (its own proxy
 * is that very proxy), or left out (issue 6 finding 1).
 */
function behind(s: Sourced, proxy: URL, rename: (r: Route) => Route, source: RouteSource, left: LeftOut[]): Sourced[] {
  const own = s.route.proxy;
  if (own && sameEndpoint(own, proxy)) return [s];
  const why = unchainable(s.route, proxy);
  if (why) {
    left.push({ route: s.route, source: s.source, reason: why });
    return [];
  }
  return [{ route: rename(s.route), source }];
}

/** `--proxy`: every route through (or chained behind) each proxy; originals only with `--also-direct`. */
function viaFlags(base: readonly Sourced[], proxies: readonly URL[], alsoDirect: boolean, left: LeftOut[]): Sourced[] {
  const proxied = base.flatMap((s) => proxies.flatMap((p, i) => behind(s, p, (r) => throughProxy(r, p, i + 1), 'proxy', left)));
  return alsoDirect ? [...proxied, ...base] : proxied;
}

/** The environment's proxy, per route URL, as `env-<n>` in place of the route (rules at the top). */
function viaEnv(base: readonly Sourced[], o: GatherOptions, left: LeftOut[], warnings: RouteWarning[]): Sourced[] {
  const set = proxyVariablesSet(o.env);
  if (set.length === 0) return [...base];
  let n = 0;
  const out = base.flatMap((s): Sourced[] => {
    const ep = envProxyFor(s.route.url, o.env);
    if (!ep) {
      if (o.alsoDirect || noProxyExempts(s.route.url, o.env)) return [s];
      left.push({ route: s.route, source: s.source, reason: 'no-env-proxy' });
      warnings.push({ key: 'transport.routes.env-left-out', params: { id: s.route.id, scheme: s.route.url.protocol.replace(':', ''), variables: set.join(', ') } });
      return [];
    }
    if (!o.allowPlainProxy && isExposedProxy(ep.proxy)) throw plainProxyError(ep.proxy, ep.variable);
    const env = behind(s, ep.proxy, (r) => ({ ...throughProxy(r, ep.proxy, 1), id: `env-${++n}` }), 'env', left);
    return o.alsoDirect && env[0] !== s ? [...env, s] : env;
  });
  // curl never reads HTTP_PROXY (httpoxy, CVE-2016-5385): say so rather than let it do nothing.
  if (set.includes('HTTP_PROXY') && !set.includes('http_proxy')) warnings.unshift({ key: 'transport.env.http-proxy-ignored', params: {} });
  return out;
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
  const left: LeftOut[] = [];
  const all = proxies.length > 0 ? viaFlags(base, proxies, o.alsoDirect, left) : viaEnv(base, o, left, warnings);
  const routes = dedupe(all, warnings);
  for (const l of left) if (l.reason === 'loopback-proxy') warnings.push({ key: 'transport.routes.left-loopback', params: { id: l.route.id } });
  return {
    routes: routes.map((s) => s.route),
    left,
    warnings,
    sources: new Map(routes.map((s) => [s.route.id, s.source])),
    list: center.list,
  };
}
