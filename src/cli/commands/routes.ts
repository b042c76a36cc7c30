/**
 * `sealpost routes [list | test | update | sign | import]` (CLI spec, wire spec 6, issue 3 point 4).
 *
 * - `list` (the default): the routes a delivery would race, with their source and their health
 *   on this network (src/transport/race/health.ts), on stdout.
 * - `test`: probes every route once, in parallel, with a short deadline: `GET v1/routes`, which
 *   must verify when the route serves one; on a 404 (a center that publishes no list) `GET healthz`
 *   must answer `200 ok`. Exit 0 when at least one route works, 3 when none does. With
 *   `--strategies`, every DNS and TLS strategy combination of each route (routes-strategies.ts).
 * - `update`: races the routes for `GET v1/routes`; a route whose list does not verify is a lying
 *   route and the race moves on. Exit 0 when a list verified and was stored; 4 when a route brought
 *   a list that was refused (tampered, expired, issued ahead, rolled back) and none verified — the
 *   held list stays; 3 when no route answered with a list.
 * - `sign`: offline, with routes.key. `import <file>`: a note carried by hand (exit 4 when refused).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Help, type Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import type { Center, RouteSpec } from '../../crypto/center-file.js';
import { centerNameFromKeyName, keyNameFor, readSecretKeyFile } from '../../crypto/keys.js';
import { NoteSigner } from '../../crypto/note.js';
import { InputError, RouteError, VerifyError } from '../../errors.js';
import { outcomeText, t, valueText, wordText } from '../i18n/index.js';
import { race } from '../../transport/race/race.js';
import { HEALTH_STATE_KEYS, RouteHealth, type RouteHealthInfo } from '../../transport/race/health.js';
import type { Route } from '../../transport/routes/route.js';
import { formatTime, MAX_ROUTE_LIST_BYTES, signRouteList, verifyRouteList, type RouteList } from '../../transport/routes/route-list.js';
import { heldForRollback, storeRouteList } from '../../transport/routes/route-store.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { addResolverOptions, addRouteOptions, gather, positive, type RouteFlags } from '../route-options.js';
import { loadCenter } from '../home.js';
import { commandPassphrase } from '../passphrase.js';
import { EXIT, table, type ExitCode, type Output } from '../output.js';
import { parseJsonOr } from '../../util/json.js';
import { statusError } from '../../transport/outcome.js';
import { raceEntries } from '../../transport/strategy/combos.js';
import { testStrategies } from './routes-strategies.js';

/** A proxy URL for display: the password is never printed. */
function showProxy(p: URL | undefined): string {
  if (!p) return '';
  const u = new URL(p.href);
  if (u.password) u.password = '***';
  return u.href.replace(/\/$/, '');
}

function routeJson(r: Route, source: string) {
  return {
    id: r.id,
    kind: r.kind,
    url: r.url.href,
    ...(r.proxy ? { proxy: showProxy(r.proxy) } : {}),
    ...(r.via ? { via: showProxy(r.via) } : {}),
    ...(r.connect ? { connect: `${r.connect.host.includes(':') ? `[${r.connect.host}]` : r.connect.host}:${r.connect.port}` } : {}),
    ...(r.servername ? { servername: r.servername } : {}),
    ...(r.ca ? { ca: true } : {}),
    source,
  };
}

function listInfo(list: RouteList | null) {
  return list ? { issued: formatTime(list.issued), expires: formatTime(list.expires) } : null;
}

function noRoutes(out: Output): void {
  out.warning('cli.routes.no-routes');
  out.hint('cli.hint.route');
}

/** Route health on this network (src/transport/race/health.ts), for `routes list`. */
function healthJson(i: RouteHealthInfo) {
  return {
    state: i.state,
    lastGood: i.lastGood,
    ...(i.lastSuccess !== undefined ? { lastSuccess: formatTime(new Date(i.lastSuccess)) } : {}),
    ...(i.coolUntil !== undefined ? { coolUntil: formatTime(new Date(i.coolUntil)) } : {}),
    ...(i.lastOutcome !== undefined ? { lastOutcome: i.lastOutcome } : {}),
  };
}

function healthText(i: RouteHealthInfo): string {
  const state = t(HEALTH_STATE_KEYS[i.state]);
  return i.lastGood ? t('cli.routes.health.last-good', { state }) : state;
}

async function listRoutes(env: ActionEnv<RouteFlags>): Promise<ExitCode> {
  const { out, home } = env;
  const { g } = await gather(env);
  const source = (r: Route) => g.sources.get(r.id) ?? '';
  const health = await RouteHealth.load(home, { passphrase: await commandPassphrase(env) });
  if (health.notice) out.warning(health.notice.key, health.notice.params);
  if (out.json) {
    const routes = g.routes.map((r) => ({ ...routeJson(r, source(r)), health: healthJson(health.describe(r)) }));
    const left = g.left.map((l) => ({ ...routeJson(l.route, l.source), reason: l.reason }));
    out.document({ list: listInfo(g.list), routes, left });
    return EXIT.ok;
  }
  if (g.routes.length === 0) noRoutes(out);
  if (g.routes.length + g.left.length > 0) {
    // Chained routes show both proxies (issue 6 finding 1); left-out ones say why instead of a health.
    const proxyText = (r: Route) => (r.via ? t('cli.routes.chained', { proxy: showProxy(r.via), own: showProxy(r.proxy) }) : showProxy(r.proxy) || '-');
    out.data(
      table([
        [t('cli.table.route'), t('cli.routes.table.kind'), t('cli.routes.table.url'), t('cli.routes.table.proxy'), t('cli.routes.table.source'), t('cli.routes.table.health')],
        ...g.routes.map((r) => [r.id, valueText(r.kind), r.url.href, proxyText(r), t(`cli.routes.source.${source(r)}`), healthText(health.describe(r))]),
        ...g.left.map((l) => [l.route.id, valueText(l.route.kind), l.route.url.href, proxyText(l.route), t(`cli.routes.source.${l.source}`), t(`cli.routes.left.${l.reason}`)]),
      ]),
    );
  }
  if (g.list) out.info('cli.routes.using-list', listInfo(g.list)!);
  else if (!env.opts.onlyRoutes) out.info('cli.routes.using-center');
  return EXIT.ok;
}

/** One probe (see the top of this file); resolves with the outcome word, never rejects. Also the local page's proxy test. */
export async function probeRoute(route: Route, center: Center, ms: number): Promise<string> {
  const { requestOverRoute } = await loadRequest();
  const signal = AbortSignal.timeout(ms);
  try {
    const a = await requestOverRoute(route, { method: 'GET', path: 'v1/routes' }, signal);
    if (a.status === 200) {
      try {
        verifyRouteList(a.body.toString('utf8'), { center, now: Date.now() });
        return 'ok';
      } catch {
        return 'bad-list';
      }
    }
    if (a.status !== 404) return `http-${a.status}`;
    const h = await requestOverRoute(route, { method: 'GET', path: 'healthz' }, signal);
    if (h.status !== 200) return `http-${h.status}`;
    return h.body.toString('utf8').trim() === 'ok' ? 'ok' : 'bad-answer';
  } catch (err) {
    return err instanceof RouteError ? err.outcome : 'error';
  }
}

/** An outcome in the user's language (as send-report.ts's); `routes` adds words of its own. */
function showOutcome(outcome: string): string {
  return ['ok', 'bad-list', 'bad-answer', 'fetched'].includes(outcome) ? wordText(outcome, t(`cli.routes.outcome.${outcome}`)) : outcomeText(outcome);
}

/** Loaded on use: undici is not needed to list or sign routes (the CLI starts fast). */
const loadRequest = () => import('../../transport/request.js');

async function testRoutes(env: ActionEnv<RouteFlags & { timeout: number; strategies?: boolean }>): Promise<ExitCode> {
  const { out } = env;
  const { center, g, plan } = await gather(env);
  if (env.opts.strategies) return testStrategies(env, center, g.routes, plan, { probe: probeRoute, showOutcome, noRoutes });
  const results = await Promise.all(
    g.routes.map(async (r) => {
      const t0 = performance.now();
      const outcome = await probeRoute(r, center, env.opts.timeout * 1000);
      return { route: r.id, outcome, ms: Math.round(performance.now() - t0) };
    }),
  );
  const ok = results.filter((r) => r.outcome === 'ok').length;
  if (out.json) out.document(results);
  else if (results.length > 0) {
    out.data(table([[t('cli.table.route'), t('cli.table.outcome'), t('cli.table.ms')], ...results.map((r) => [r.route, showOutcome(r.outcome), String(r.ms)])]));
  }
  if (results.length === 0) noRoutes(out);
  else out.info('cli.routes.tested', { ok, total: results.length });
  return ok > 0 ? EXIT.ok : EXIT.queued;
}

async function updateRoutes(env: ActionEnv<RouteFlags & { timeout: number }>): Promise<ExitCode> {
  const { out, home } = env;
  const { center, g, plan } = await gather(env);
  // Each strategy combination is a race entry (issue 12), as for a delivery.
  const entries = raceEntries(g.routes, plan);
  const byId = new Map(entries.map((r) => [r.id, r]));
  const { requestOverRoute } = await loadRequest();
  const held = await heldForRollback(home, center);
  const r = await race(
    entries,
    async (id, signal, progress) => {
      const a = await requestOverRoute(byId.get(id)!, { method: 'GET', path: 'v1/routes' }, signal, {}, progress);
      if (a.status !== 200) throw statusError(a.status);
      const note = a.body.toString('utf8');
      try {
        verifyRouteList(note, { center, now: Date.now(), held });
      } catch (cause) {
        // A list that does not verify makes this route a liar, not the end of the update.
        throw new RouteError('bad-list', 'blocked', cause instanceof Error ? cause.message : 'bad route list', { cause });
      }
      return note;
    },
    { deadline: env.opts.timeout * 1000 },
  );
  // The race calls a success `delivered`; here nothing was delivered, a list was fetched (issue 6 finding 7).
  const attempts = r.attempts.map((a) => ({ route: a.route, outcome: a.outcome === 'delivered' ? 'fetched' : a.outcome, ms: a.ms }));
  const refused = r.attempts.filter((a) => a.outcome === 'bad-list');
  for (const a of refused) out.warning('cli.routes.refused-list', { route: a.route });
  let list: RouteList | null = null;
  let failure: unknown = null;
  if (r.winner) {
    try {
      list = await storeRouteList(home, r.winner.value, center);
    } catch (err) {
      failure = err;
    }
  } else if (refused.length > 0) {
    failure = refused[0]!.error?.cause ?? new VerifyError('bad-route-list', 'bad route list', { key: 'transport.routes.bad-list', params: { why: '' } });
  }
  if (out.json) {
    out.document({ updated: list !== null, route: list ? r.winner!.route : null, ...(list ? { ...listInfo(list), routes: list.routes.length } : {}), attempts });
  } else if (attempts.length > 0) {
    out.text(table([[t('cli.table.route'), t('cli.table.outcome'), t('cli.table.ms')], ...attempts.map((a) => [a.route, showOutcome(a.outcome), String(a.ms)])]));
  }
  if (list) {
    out.info('cli.routes.updated', { route: r.winner!.route, ...listInfo(list)!, count: list.routes.length });
    return EXIT.ok;
  }
  if (g.routes.length === 0) noRoutes(out);
  if (failure) {
    const code = out.fail(failure);
    if (failure instanceof VerifyError) out.hint('cli.routes.hint.kept');
    return code;
  }
  if (g.routes.length > 0) out.warning('cli.routes.not-updated');
  return EXIT.queued;
}

/** `--in`: a JSON array of routes, or an object with `routes` (e.g. a center file). */
async function readRouteSpecs(file: string): Promise<RouteSpec[]> {
  const bad = (why: string) => new InputError('bad-routes-input', `${file}: ${why}`, { key: 'cli.routes.bad-input', params: { file, why }, field: '--in' });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError('unreadable', `cannot read ${file}`, { cause, key: 'cli.unreadable', params: { file }, field: '--in' });
  }
  const o = parseJsonOr(text, bad);
  const routes = Array.isArray(o) ? o : typeof o === 'object' && o !== null ? (o as { routes?: unknown }).routes : undefined;
  if (!Array.isArray(routes)) throw bad('no array of routes');
  return routes as RouteSpec[];
}

async function signRoutes(env: ActionEnv<{ keys: string; in: string; out: string; days: number }>): Promise<ExitCode> {
  const { opts, out } = env;
  const key = await readSecretKeyFile(join(resolve(opts.keys), 'routes.key'), 'routes');
  const center = centerNameFromKeyName(key.name);
  if (key.name !== keyNameFor(center, 'routes')) {
    throw new InputError('bad-key-file', `${key.name} is not a routes key`, { key: 'crypto.bad-key-name', params: { name: key.name }, field: '--keys' });
  }
  const specs = await readRouteSpecs(resolve(opts.in));
  const issued = new Date(Math.floor(Date.now() / 1000) * 1000);
  const expires = new Date(issued.getTime() + Math.round(opts.days * 86_400) * 1000);
  const note = signRouteList(new NoteSigner(key.name, key.secretKey), center, specs, issued, expires);
  const file = resolve(opts.out);
  await writeFileAtomic(file, note, { mode: 0o644 }); // public: it is published at /v1/routes
  const info = { center, file, issued: formatTime(issued), expires: formatTime(expires), count: specs.length };
  if (out.json) out.document({ center, out: file, issued: info.issued, expires: info.expires, routes: specs.length });
  else {
    out.data(file);
    out.info('cli.routes.signed', info);
  }
  return EXIT.ok;
}

async function importRoutes(env: ActionEnv<object>, file: string): Promise<ExitCode> {
  const { opts, out, home } = env;
  const center = await loadCenter(opts.center, home);
  const path = resolve(file);
  let note: string;
  try {
    if ((await stat(path)).size > MAX_ROUTE_LIST_BYTES) {
      throw new VerifyError('bad-route-list', 'route list too large', { key: 'transport.routes.bad-list', params: { why: `larger than ${MAX_ROUTE_LIST_BYTES} bytes` } });
    }
    note = await readFile(path, 'utf8');
  } catch (cause) {
    if (cause instanceof VerifyError) throw cause;
    throw new InputError('unreadable', `cannot read ${path}`, { cause, key: 'cli.unreadable', params: { file: path } });
  }
  // A note carried by hand may have passed through Windows; the signature is over LF lines.
  let list: RouteList;
  try {
    list = await storeRouteList(home, note.replace(/\r\n/g, '\n'), center);
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err;
    const code = out.fail(err);
    out.hint('cli.routes.hint.kept');
    return code;
  }
  const info = { ...listInfo(list)!, count: list.routes.length };
  if (out.json) out.document({ imported: true, issued: info.issued, expires: info.expires, routes: info.count });
  else out.info('cli.routes.imported', info);
  return EXIT.ok;
}

export function registerRoutes(program: Command, ctx: Ctx): Command {
  const routes = program.command('routes').description(t('cli.routes.description')).helpCommand(false);
  // Subcommands are built before program.ts localizes `routes`' help: defer to it at help time.
  const help = { formatHelp: (c: Command, h: Help) => (routes.configureHelp().formatHelp ?? Help.prototype.formatHelp).call(h, c, h) };
  const sub = (name: string, isDefault = false) => routes.command(name, { isDefault }).configureHelp(help);
  addRouteOptions(sub('list', true).description(t('cli.routes.list.description'))).action(action<RouteFlags>(ctx, listRoutes));
  for (const [name, secs, run] of [
    ['test', 10, testRoutes],
    ['update', 60, updateRoutes],
  ] as const) {
    const cmd = addRouteOptions(sub(name).description(t(`cli.routes.${name}.description`))).option(
      '--timeout <seconds>',
      t(`cli.routes.opt.${name}-timeout`),
      positive('--timeout'),
      secs,
    );
    if (name === 'test') addResolverOptions(cmd.option('--strategies', t('cli.routes.opt.strategies')));
    cmd.action(action<RouteFlags & { timeout: number }>(ctx, run));
  }
  sub('sign')
    .description(t('cli.routes.sign.description'))
    .requiredOption('--keys <dir>', t('cli.routes.opt.keys'))
    .requiredOption('--in <file>', t('cli.routes.opt.in'))
    .requiredOption('--out <file>', t('cli.routes.opt.out'))
    .option('--days <days>', t('cli.routes.opt.days'), positive('--days'), 7)
    .action(action<{ keys: string; in: string; out: string; days: number }>(ctx, signRoutes));
  sub('import')
    .description(t('cli.routes.import.description'))
    .argument('<file>', t('cli.routes.arg.file'))
    .action(action<object>(ctx, importRoutes));
  return routes;
}
