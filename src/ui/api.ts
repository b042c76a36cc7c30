/**
 * The local page's API (`/api/*`, JSON unless named): each call one function of the engine
 * (src/ui/engine.ts). Errors the person can fix come back as 400 `{ error, code, field? }` in the
 * page's language; live route states and outbox changes go out as events (src/ui/server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderSVG } from 'uqr';
import { isSealpostError } from '../errors.js';
import { allKeys, describeError, t, valueText, type Lang } from '../cli/i18n/index.js';
import { itemJson } from '../cli/commands/outbox.js';
import { PROVINCE_CODES, provinceName } from '../statement/regions.js';
import { SECTORS } from '../statement/types.js';
import { HEALTH_STATE_KEYS } from '../transport/race/health.js';
import type { PageFields, RouteEvent, UiEngine } from './engine.js';
import { detectLocalProxies } from './proxies.js';

/** Largest body: a CSV of a hotline's day, or an armored file of envelopes. */
const MAX_BODY = 8 * 1024 * 1024;

export interface ApiContext {
  readonly engine: UiEngine;
  lang: Lang;
  /** Sends an event to every open page. */
  readonly broadcast: (event: object) => void;
}

class TooLarge extends Error {}

async function body(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TooLarge();
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await body(req)).toString('utf8');
  try {
    const v = JSON.parse(text || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
}

/** Every page text (`ui.*` keys) in `lang`. */
export function pageStrings(lang: Lang): Record<string, string> {
  return Object.fromEntries(allKeys().filter((k) => k.startsWith('ui.')).map((k) => [k, t(k, {}, lang)]));
}

function init(ctx: ApiContext, lang: Lang) {
  return {
    lang,
    strings: pageStrings(lang),
    center: ctx.engine.center.name,
    locked: ctx.engine.locked,
    provinces: PROVINCE_CODES.map((code) => ({ code, name: provinceName(code, lang === 'zh-CN' ? 'zh-CN' : 'en') })),
    sectors: SECTORS.map((s) => ({ value: s, name: valueText(s, lang) })),
  };
}

async function routesJson(ctx: ApiContext) {
  const { engine } = ctx;
  const g = await engine.routes();
  const health = await engine.health();
  return g.routes.map((r) => {
    const h = health.describe(r);
    return { id: r.id, kind: r.kind, url: r.url.href, source: g.sources.get(r.id) ?? '', health: h.state, healthText: t(HEALTH_STATE_KEYS[h.state], {}, ctx.lang) };
  });
}

const pageLang = (v: unknown): Lang | undefined => (v === 'en' || v === 'zh-CN' ? v : undefined);

/** What the page may ask while the engine waits for the passphrase: its texts, the unlock, and wipe. */
const WHILE_LOCKED = new Set(['/api/init', '/api/lang', '/api/unlock', '/api/wipe']);

/** Answers one `/api/*` request (the guard has passed it). */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { engine } = ctx;
  const onRoute = (e: RouteEvent) => ctx.broadcast({ type: 'route', ...e });
  const post = req.method === 'POST';
  try {
    if (path === '/api/init' && !post) {
      const q = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('lang');
      return send(res, 200, init(ctx, pageLang(q) ?? ctx.lang));
    }
    if (engine.locked && !WHILE_LOCKED.has(path)) return send(res, 423, { error: t('ui.err.locked', {}, ctx.lang), code: 'passphrase-needed' });
    if (path === '/api/outbox' && !post) return send(res, 200, (await engine.list()).map(itemJson));
    if (path === '/api/routes' && !post) return send(res, 200, await routesJson(ctx));
    if (!post) return send(res, 405, { error: 'method' });
    switch (path) {
      case '/api/lang': {
        ctx.lang = pageLang((await json(req)).lang) ?? ctx.lang;
        return send(res, 200, init(ctx, ctx.lang));
      }
      case '/api/unlock': {
        await engine.unlock((await json(req)).passphrase);
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, init(ctx, ctx.lang));
      }
      case '/api/preview':
        return send(res, 200, engine.preview((await json(req)).fields as PageFields));
      case '/api/send': {
        const draft = (await json(req)).draft;
        const r = typeof draft === 'string' ? await engine.send(draft, onRoute) : null;
        if (r === null) return send(res, 400, { error: t('ui.err.no-draft', {}, ctx.lang), code: 'no-draft' });
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, { ...r, verdict: t(r.delivered ? 'ui.send.verdict-ok' : 'ui.send.verdict-queued', {}, ctx.lang) });
      }
      case '/api/queue': {
        const item = await engine.queue((await json(req)).fields as PageFields);
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, { id: item.id, state: item.state });
      }
      case '/api/retry': {
        const r = await engine.flush((await json(req)).dueOnly === true, onRoute);
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, r ?? { busy: true });
      }
      case '/api/accept': {
        const r = await engine.accept(await body(req));
        ctx.broadcast({ type: 'outbox' });
        const problems = r.problems.map((p) => ({ block: p.block ?? null, code: p.code, message: t(p.key, p.params, ctx.lang) }));
        return send(res, 200, { items: r.items.map((i) => ({ id: i.id, block: i.block, state: i.state })), problems });
      }
      case '/api/import-csv': {
        const r = await engine.importCsv(await body(req), (x) => t(x.key, x.params, ctx.lang));
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, { rows: r.rows, good: r.good, rejected: r.rejected, queued: r.queued, skipped: r.skipped, rejects: r.rejects });
      }
      case '/api/route-list':
        return send(res, 200, await engine.importRouteList((await body(req)).toString('utf8')));
      case '/api/proxy': {
        const url = (await json(req)).url;
        return send(res, 200, await engine.addProxy(typeof url === 'string' ? url : ''));
      }
      case '/api/detect':
        return send(res, 200, await detectLocalProxies());
      case '/api/qr': {
        const text = (await json(req)).text;
        if (typeof text !== 'string' || text.length > 2000) return send(res, 400, { error: 'qr', code: 'bad-qr' });
        return send(res, 200, { svg: renderSVG(text, { ecc: 'M' }) });
      }
      case '/api/wipe': {
        const removed = await engine.wipe();
        ctx.broadcast({ type: 'outbox' });
        return send(res, 200, { removed });
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  } catch (err) {
    if (err instanceof TooLarge) return send(res, 413, { error: t('ui.err.too-large', {}, ctx.lang), code: 'too-large' });
    if (isSealpostError(err)) {
      const field = (err as { field?: unknown }).field;
      return send(res, 400, { error: describeError(err, ctx.lang), code: err.code, ...(typeof field === 'string' ? { field } : {}) });
    }
    throw err;
  }
}
