/**
 * `sealpost ui`'s server (issue 11): who may ask (secret, Host, Origin), the headers of every
 * answer, and the API on the CLI's engine against a real local center: a statement sent comes back
 * with a receipt that verifies, the outbox lists, a CSV's rejects come back by line, and nothing of
 * a statement is written in the clear under the home folder.
 */
import { request } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { readSecretKeyFile } from '../../src/crypto/keys.js';
import { writeArmor } from '../../src/crypto/armor.js';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { signRouteList } from '../../src/transport/routes/route-list.js';
import { UiEngine } from '../../src/ui/engine.js';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { engineOptions } from './engine-options.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let tc: TestCenter;
let home: string;
let ui: UiServer;
let cookie: string;
let origin: string;

function ask(path: string, o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ui.port, path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** A request as the page makes it: the cookie, its own Origin. */
const page = (path: string, body?: unknown, raw?: string) =>
  ask(path, {
    method: body === undefined && raw === undefined ? 'GET' : 'POST',
    headers: { cookie, origin, 'content-type': raw === undefined ? 'application/json' : 'application/octet-stream' },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const WORDS = 'UI-TEST-MARKER 我不再是党员了 0xC0FFEE';
const NAME = '界面测试张三';

beforeAll(async () => {
  tc = await startCenter();
  home = await mkdtemp(join(tmpdir(), 'sealpost-ui-'));
  const engine = new UiEngine(engineOptions(home, tc.center, { routeFlags: [tc.url.href] }));
  ui = await startUiServer({ engine, lang: 'zh-CN' });
  origin = `http://127.0.0.1:${ui.port}`;
  const opened = await ask(`/open/${ui.secret}`, { headers: { host: `127.0.0.1:${ui.port}` } });
  expect(opened.status).toBe(303);
  const set = String(opened.headers['set-cookie']);
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  cookie = set.split(';')[0]!;
});

afterAll(async () => {
  await ui?.close();
  await tc?.close();
  await rm(home, { recursive: true, force: true });
});

describe('who may ask', () => {
  it('prints a URL on 127.0.0.1 whose path carries the secret', () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/open/${ui.secret}`);
    expect(ui.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses a request without the secret, or with a wrong one (403)', async () => {
    expect((await ask('/')).status).toBe(403);
    expect((await ask('/api/outbox')).status).toBe(403);
    expect((await ask('/api/outbox', { headers: { cookie: 'sealpost_ui=wrong' } })).status).toBe(403);
    expect((await ask('/open/not-the-secret')).status).toBe(403);
    expect((await ask('/', { headers: { cookie } })).status).toBe(200);
  });

  it('refuses another Host even with the secret (421: DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${ui.port}`, `127.0.0.1:${ui.port + 1}`, `localhost.evil:${ui.port}`]) {
      expect((await ask('/api/outbox', { headers: { cookie, host } })).status).toBe(421);
    }
    expect((await ask(`/open/${ui.secret}`, { headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await ask('/api/outbox', { headers: { cookie, host: `localhost:${ui.port}` } })).status).toBe(200);
  });

  it('refuses a change from another Origin, or with none (403)', async () => {
    const wipe = (headers: Record<string, string>) => ask('/api/wipe', { method: 'POST', headers: { cookie, ...headers }, body: '{}' });
    expect((await wipe({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await wipe({ origin: `http://localhost:${ui.port}` })).status).toBe(403); // not the page's own (Host is 127.0.0.1)
    expect((await wipe({})).status).toBe(403);
    expect((await wipe({ origin, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await ask('/api/lang', { method: 'POST', headers: { cookie, origin }, body: '{"lang":"zh-CN"}' })).status).toBe(200);
  });

  it('sends the strict headers on every answer, refusals too, and no CORS header', async () => {
    for (const a of [await ask('/'), await page('/'), await page('/page.js'), await page('/api/outbox'), await ask('/x', { headers: { cookie, host: 'x' } })]) {
      const csp = String(a.headers['content-security-policy']);
      for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "form-action 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(d);
      expect(a.headers['cache-control']).toBe('no-store');
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['referrer-policy']).toBe('no-referrer');
      expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    const preflight = await ask('/api/send', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('serves the page with no inline script or style and statement fields without autocomplete', async () => {
    const html = (await page('/')).body;
    expect(html).toContain('<script src="/page.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<)|<script(?![^>]*\bsrc=)[^>]*>|<style|\son[a-z]+=|style="/);
    for (const id of ['s-name', 's-city', 's-text', 'd-name', 'd-city', 'd-text']) expect(html).toMatch(new RegExp(`id="${id}"[^>]*autocomplete="off"`));
    expect((await page('/page.js')).headers['content-type']).toMatch(/^text\/javascript/);
  });
});

describe('the API on the CLI engine', () => {
  it('previews exactly what is sealed, sends it to a real center, and the receipt verifies', async () => {
    const events: string[] = [];
    const sse = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      request({ host: '127.0.0.1', port: ui.port, path: '/api/events', headers: { cookie } }, resolve).end();
    });
    sse.setEncoding('utf8');
    sse.on('data', (d: string) => events.push(d));
    const fields = { name: NAME, realName: false, orgs: ['CCP', 'CYL'], province: '110000', city: '北京', sector: 'education', text: WORDS, publish: true };
    const p = await page('/api/preview', { fields });
    expect(p.status).toBe(200);
    const { draft, sealed } = JSON.parse(p.body) as { draft: string; sealed: string };
    const st = JSON.parse(sealed) as { people: { name: string; orgs: string[] }[]; region: { country: string; province: string }; text: string; publish: boolean };
    expect(st.people).toEqual([{ name: NAME, orgs: ['CCP', 'CYL'] }]);
    expect(st.region).toMatchObject({ country: 'CN', province: '110000' });
    expect(st.text).toBe(WORDS);
    expect(st.publish).toBe(true);
    const s = await page('/api/send', { draft });
    expect(s.status).toBe(200);
    const r = JSON.parse(s.body) as { id: string; delivered: boolean; receipt: string; verdict: string };
    expect(r.delivered).toBe(true);
    expect(r.verdict).toBe('已送达，回执已验证');
    const fieldsOfReceipt = verifyReceipt(r.receipt, { center: tc.center.name, logKey: tc.center.logKey, eh: Buffer.from(r.id, 'hex') });
    expect(Buffer.from(fieldsOfReceipt.eh).toString('hex')).toBe(r.id);
    // The draft is gone once sent: a second send is refused.
    expect((await page('/api/send', { draft })).status).toBe(400);
    // Live states reached the page: trying, then delivered.
    await expect.poll(() => events.join('')).toMatch(/"state":"delivered"/);
    expect(events.join('')).toMatch(/"state":"trying"/);
    sse.destroy();
    const qr = JSON.parse((await page('/api/qr', { text: r.receipt })).body) as { svg: string };
    expect(qr.svg).toMatch(/^<svg/);
  });

  it('names the field at fault in the page language', async () => {
    const a = await page('/api/preview', { fields: { name: '', orgs: [], province: '110000' } });
    expect(a.status).toBe(400);
    const e = JSON.parse(a.body) as { error: string; field: string };
    expect(e.field).toMatch(/^--/);
    expect(e.error).toMatch(/[\u4e00-\u9fff]/);
  });

  it('queues from the desk, lists the outbox, and retry delivers', async () => {
    const fields = { name: `${NAME}二`, orgs: ['CYP'], province: '310000', text: WORDS };
    const q = JSON.parse((await page('/api/queue', { fields })).body) as { id: string; state: string };
    expect(q.state).toBe('pending');
    let list = JSON.parse((await page('/api/outbox')).body) as { id: string; state: string }[];
    expect(list.find((i) => i.id === q.id)?.state).toBe('pending');
    const round = JSON.parse((await page('/api/retry', {})).body) as { delivered: number };
    expect(round.delivered).toBeGreaterThanOrEqual(1);
    list = JSON.parse((await page('/api/outbox')).body) as { id: string; state: string }[];
    expect(list.find((i) => i.id === q.id)?.state).toBe('delivered');
  });

  it('imports a CSV held in memory and gives its rejects by line', async () => {
    const csv = ['name,orgs,country,province,date,text', `甲,CCP,CN,110000,2024-01-01,${WORDS}`, '乙,XYZ,CN,110000,2024-01-01,', `丙,CYL,CN,110000,2024-01-01,${WORDS}`, '丁,CCP,CN,999999,2024-01-01,', '戊,CCP'].join('\n');
    const a = await page('/api/import-csv', undefined, `${csv}\n`);
    expect(a.status).toBe(200);
    const r = JSON.parse(a.body) as { rows: number; good: number; queued: number; rejects: { line: number; code: string; reason: string }[] };
    expect(r.rows).toBe(5);
    expect(r.good).toBe(2);
    expect(r.queued).toBe(2);
    expect(r.rejects.map((x) => x.line)).toEqual([3, 5, 6]);
    expect(r.rejects[2]!.code).toBe('bad-columns');
    expect(r.rejects.every((x) => /[\u4e00-\u9fff]/.test(x.reason))).toBe(true);
    // No rejects file anywhere: the upload was never on disk.
    expect((await allFiles(home)).some((f) => f.endsWith('.rejects.csv'))).toBe(false);
  });

  it('accepts pasted envelopes and reports bad blocks', async () => {
    const a = await page('/api/accept', undefined, 'nothing here');
    const r = JSON.parse(a.body) as { items: unknown[]; problems: { code: string }[] };
    expect(r.items).toEqual([]);
    expect(r.problems.map((p) => p.code)).toEqual(['no-envelope']);
    // Two envelopes sealed by someone else, as a chat message would carry them.
    const envelopes = [0, 1].map((i) => sealEnvelope(new TextEncoder().encode(`{"other":${i}}`), tc.center.boxKey));
    const text = `from a friend:\n${writeArmor(envelopes)}\nbye`;
    const b = JSON.parse((await page('/api/accept', undefined, text)).body) as { items: { id: string; state: string }[]; problems: unknown[] };
    expect(b.items.map((i) => i.state)).toEqual(['queued', 'queued']);
    expect(b.problems).toEqual([]);
    const list = JSON.parse((await page('/api/outbox')).body) as { id: string }[];
    for (const i of b.items) expect(list.map((x) => x.id)).toContain(i.id);
  });

  it('writes nothing of a statement in the clear under the home folder', async () => {
    const files = await allFiles(home);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = (await readFile(f)).toString('utf8');
      for (const secret of [WORDS, NAME, 'UI-TEST-MARKER', '甲', '丙']) expect(text.includes(secret), `${f} holds ${secret}`).toBe(false);
    }
  });

  it('imports a route list carried by hand, and refuses one not signed by the center', async () => {
    const key = await readSecretKeyFile(join(tc.keysDir, 'routes.key'), 'routes');
    const issued = new Date(Math.floor(Date.now() / 1000) * 1000);
    const note = signRouteList(new NoteSigner(key.name, key.secretKey), tc.center.name, [{ id: 'm1', kind: 'direct', url: 'https://mirror.example/' }], issued, new Date(issued.getTime() + 86_400_000));
    const a = await page('/api/route-list', undefined, note.replace(/\n/g, '\r\n'));
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toMatchObject({ routes: 1 });
    const bad = await page('/api/route-list', undefined, note.replace('mirror.example', 'evil.example'));
    expect(bad.status).toBe(400);
  });

  it('answers a malformed request with 400, not a crash', async () => {
    expect((await page('/api/preview', {})).status).toBe(400);
    expect((await page('/api/queue', { fields: 'x' })).status).toBe(400);
  });

  it('wipes as sealpost wipe does', async () => {
    const r = JSON.parse((await page('/api/wipe', {})).body) as { removed: string[] };
    expect(r.removed).toContain('outbox');
    expect(r.removed).toContain('relay.secret');
    expect(JSON.parse((await page('/api/outbox')).body)).toEqual([]);
  });
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}
