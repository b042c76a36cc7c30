/**
 * `sealpost routes ...` run as the built command (tests/harness/cli.ts; `npx tsc -p tsconfig.json`
 * first). `routes update` and `routes test` talk to real HTTP servers on 127.0.0.1 that serve a
 * route list note the test signed; nothing else is ever a target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteSpec } from '../../src/crypto/center-file.js';
import { generateCenterKeys, readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { RouteHealth } from '../../src/transport/race/health.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { signRouteList } from '../../src/transport/routes/route-list.js';
import { sealpost } from '../harness/cli.js';
import { seedDistinctTags } from '../harness/health-file.js';

const H = 3600_000;
const DAY = 24 * H;

interface Site {
  url: string;
  /** What GET /v1/routes answers (null: 404). */
  note: string | null;
  close(): Promise<void>;
}

/** A minimal center front on loopback: /v1/routes serves `site.note`, /healthz answers `ok`. */
async function site(note: string | null): Promise<Site> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/v1/routes' && s.note !== null) res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(s.note);
    else if (req.url === '/healthz') res.writeHead(200).end('ok\n');
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const s: Site = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    note,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return s;
}

let tmp: string;
let keys: string;
let centerFile: string;
let signer: NoteSigner;
let closedUrl: string;

const LISTED: RouteSpec[] = [
  { id: 'mirror-a', kind: 'mirror', url: 'http://127.0.0.1:1/' },
  { id: 'tor', kind: 'socks', url: 'http://127.0.0.1:2/', proxy: 'socks5h://127.0.0.1:9050' },
];
const sign = (issuedAgo: number, validFor: number, routes = LISTED) =>
  signRouteList(signer, 'center.test', routes, new Date(Date.now() - issuedAgo), new Date(Date.now() - issuedAgo + validFor));
const tamper = (note: string) => note.replace('"mirror-a"', '"mirror-b"');

let n = 0;
/** A fresh home folder holding `note` (imported through the CLI), or none. */
async function freshHome(note?: string): Promise<string> {
  const home = join(tmp, `home-${++n}`);
  if (note !== undefined) {
    const f = join(tmp, `held-${n}.note`);
    await writeFile(f, note);
    const r = await run(home, ['routes', 'import', f]);
    expect(r.code, r.stderr).toBe(0);
  }
  return home;
}
const run = (home: string, args: string[]) => sealpost(['--home', home, '--center', centerFile, ...args]);
const held = (home: string) => readFile(join(home, 'routes.note'), 'utf8');
async function listed(home: string): Promise<string[]> {
  const r = await run(home, ['routes', 'list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { routes: { id: string }[] }).routes.map((x) => x.id);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-cli-routes-'));
  keys = join(tmp, 'keys');
  await generateCenterKeys('center.test', keys, ['http://127.0.0.1:3/']);
  centerFile = join(keys, 'center.json');
  const k = await readSecretKeyFile(join(keys, 'routes.key'), 'routes');
  signer = new NoteSigner(k.name, k.secretKey);
  const gone = await site(null);
  closedUrl = gone.url;
  await gone.close();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('sealpost routes sign / import / list', () => {
  it('routes sign, then routes import, then routes list --json shows the list routes', async () => {
    const input = join(tmp, 'routes.json');
    const out = join(tmp, 'routes.note');
    await writeFile(input, JSON.stringify({ routes: LISTED }));
    const s = await sealpost(['routes', 'sign', '--keys', keys, '--in', input, '--out', out, '--days', '2', '--json']);
    expect(s.code, s.stderr).toBe(0);
    const doc = JSON.parse(s.stdout) as { center: string; issued: string; expires: string; routes: number };
    expect(doc).toMatchObject({ center: 'center.test', routes: 2 });
    expect(Date.parse(doc.expires) - Date.parse(doc.issued)).toBe(2 * DAY);
    expect(await readFile(out, 'utf8')).toMatch(/^sealpost\/routes\/v1\ncenter\.test\nissued \S+Z\nexpires \S+Z\n\[.*\]\n\n\u2014 center\.test\/routes /u);

    const home = join(tmp, 'home-sign');
    expect(await listed(home)).toEqual(['direct-1']); // the center file's, before any list
    const i = await run(home, ['routes', 'import', out]);
    expect(i.code, i.stderr).toBe(0);
    expect((await stat(join(home, 'routes.note'))).mode & 0o777).toBe(0o600);
    const l = await run(home, ['routes', 'list', '--json']);
    const list = JSON.parse(l.stdout) as { list: { issued: string }; routes: { id: string; source: string; proxy?: string }[] };
    expect(list.list.issued).toBe(doc.issued);
    expect(list.routes.map((r) => [r.id, r.source])).toEqual([['mirror-a', 'route-list'], ['tor', 'route-list']]);
    expect(list.routes[1]!.proxy).toBe('socks5h://127.0.0.1:9050');
    const text = await run(home, ['routes']); // `list` is the default
    expect(text.stdout).toMatch(/^mirror-a\s+mirror\s+http:\/\/127\.0\.0\.1:1\/\s+-\s+signed route list\s+unknown$/m);
  });

  it.each([
    ['a bad route', [{ id: 'x', kind: 'direct', url: 'ftp://127.0.0.1/' }], /route x/],
    ['an unknown field', [{ id: 'x', kind: 'direct', url: 'http://127.0.0.1/', servname: 'a' }], /unknown field servname/],
    ['no array', { nothing: [] }, /not a JSON array of routes/],
  ])('routes sign refuses %s (exit 2)', async (_what, input, stderr) => {
    const f = join(tmp, `in-${++n}.json`);
    await writeFile(f, JSON.stringify(input));
    const r = await sealpost(['routes', 'sign', '--keys', keys, '--in', f, '--out', join(tmp, `out-${n}.note`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(stderr);
  });

  it('routes import of a tampered, expired, early or rolled-back list exits 4 and the held list stays in use', async () => {
    const good = sign(H, DAY);
    const home = await freshHome(good);
    const offers: [string, string, RegExp][] = [
      ['tampered', tamper(sign(0, DAY)), /signature by center\.test\/routes does not verify/],
      ['expired', sign(3 * DAY, DAY), /expired/],
      ['early', sign(-2 * H, DAY), /more than an hour ahead/],
      ['rollback', sign(2 * H, 3 * DAY), /before the list already held/],
    ];
    for (const [what, note, stderr] of offers) {
      const f = join(tmp, `offer-${what}.note`);
      await writeFile(f, note);
      const r = await run(home, ['routes', 'import', f]);
      expect(r.code, what).toBe(4);
      expect(r.stderr, what).toMatch(stderr);
      expect(r.stderr, what).toMatch(/^sealpost: hint: the route list was refused; the routes held before stay in use$/m);
      expect(await held(home), what).toBe(good);
    }
    expect(await listed(home)).toEqual(['mirror-a', 'tor']);
  });

  it('routes import: a missing file exits 2; CRLF line ends are accepted; messages follow --lang', async () => {
    const home = await freshHome();
    expect((await run(home, ['routes', 'import', join(tmp, 'missing.note')])).code).toBe(2);
    const f = join(tmp, 'crlf.note');
    await writeFile(f, sign(H, DAY).replace(/\n/g, '\r\n'));
    expect((await run(home, ['routes', 'import', f])).code).toBe(0);
    await writeFile(f, sign(3 * DAY, DAY));
    const zh = await run(home, ['--lang', 'zh-CN', 'routes', 'import', f]);
    expect(zh.code).toBe(4);
    expect(zh.stderr).toMatch(/^sealpost: error: 线路列表已于 \S+ 过期$/m);
  });

  it('falls back to the center file routes once the held list has expired', async () => {
    const home = await freshHome(sign(DAY, DAY + 3000));
    expect(await listed(home)).toEqual(['mirror-a', 'tor']);
    await new Promise((r) => setTimeout(r, 3500));
    expect(await listed(home)).toEqual(['direct-1']);
  });

  it('routes list shows each route health on this network', async () => {
    const home = await freshHome();
    const [good, slow] = ['http://127.0.0.1:6/', 'http://127.0.0.1:7/'].map((url, i) => parseRoute({ id: `arg-${i + 1}`, kind: 'direct', url }));
    await seedDistinctTags(home, [good!, slow!]);
    const h = await RouteHealth.load(home);
    h.record([{ route: 'arg-1', outcome: 'delivered', ms: 40 }, { route: 'arg-2', outcome: 'timeout', ms: 9000 }], Date.now(), [good!, slow!]);
    expect(await h.save()).toBe(true);
    const args = ['routes', 'list', '--only-routes', '--route', good!.url.href, '--route', slow!.url.href];
    const r = await run(home, [...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { routes: { id: string; health: { state: string; lastGood: boolean; lastOutcome?: string } }[] };
    expect(doc.routes.map((x) => [x.id, x.health.state, x.health.lastGood, x.health.lastOutcome])).toEqual([
      // Without a passphrase the memory knows the kind that delivered, not the route (wire spec 9).
      ['arg-1', 'good', true, undefined],
      ['arg-2', 'cooling', false, 'timeout'],
    ]);
    const text = await run(home, args);
    expect(text.stdout).toMatch(/^route\s+kind\s+address\s+proxy\s+source\s+health$/m);
    expect(text.stdout).toMatch(/^arg-1\s.*\s--route\s+working, last good route \(tried first\)$/m);
    expect(text.stdout).toMatch(/^arg-2\s.*\s--route\s+cooling down$/m);
  });

  it('a plaintext --proxy off loopback exits 2 naming the flag, unless --allow-plain-proxy', async () => {
    const home = await freshHome();
    const r = await run(home, ['routes', 'list', '--proxy', 'http://u:secret@198.51.100.1:3128']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--proxy: the plaintext proxy 198\.51\.100\.1:3128 is not on this machine/);
    expect(r.stderr).not.toContain('secret');
    const ok = await run(home, ['routes', 'list', '--json', '--proxy', 'http://u:secret@198.51.100.1:3128', '--allow-plain-proxy']);
    expect(ok.code, ok.stderr).toBe(0);
    const doc = JSON.parse(ok.stdout) as { routes: { id: string; proxy: string }[] };
    expect(doc.routes).toEqual([expect.objectContaining({ id: 'direct-1+proxy-1', proxy: 'http://u:***@198.51.100.1:3128' })]);
  });

  it('names environment routes env-N and --route routes arg-N', async () => {
    const home = await freshHome();
    const r = await sealpost(['--home', home, '--center', centerFile, 'routes', 'list', '--json', '--route', 'http://127.0.0.1:4/'], {
      env: { http_proxy: 'http://127.0.0.1:3128' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { routes: { id: string; source: string }[] }).routes.map((x) => [x.id, x.source])).toEqual([
      ['env-1', 'env'],
      ['env-2', 'env'],
    ]);
  });
});

describe('sealpost routes update (over real loopback HTTP)', () => {
  const update = (home: string, urls: string[], extra: string[] = []) =>
    run(home, ['routes', 'update', '--only-routes', ...urls.flatMap((u) => ['--route', u]), ...extra]);

  it('fetches, verifies and keeps a newer list (exit 0)', async () => {
    const home = await freshHome(sign(2 * H, DAY));
    const fresh = sign(0, 2 * DAY, [{ id: 'fresh', kind: 'mirror', url: 'http://127.0.0.1:5/' }]);
    const s = await site(fresh);
    try {
      const r = await update(home, [s.url], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      // A list was fetched, nothing was delivered (issue 6 finding 7: it used to say "delivered (receipt verified)").
      expect(JSON.parse(r.stdout)).toMatchObject({ updated: true, route: 'arg-1', routes: 1, attempts: [{ route: 'arg-1', outcome: 'fetched' }] });
      expect(await held(home)).toBe(fresh);
      expect(await listed(home)).toEqual(['fresh']);
      const text = await update(home, [s.url], ['--lang', 'en']);
      expect(text.stderr).toMatch(/^arg-1\s+fetched \(route list fetched and verified\)\s+\d+$/m);
      expect(text.stderr + text.stdout).not.toMatch(/delivered|receipt/);
    } finally {
      await s.close();
    }
  });

  it.each([
    ['tampered', () => tamper(sign(0, DAY))],
    ['expired', () => sign(3 * DAY, DAY)],
    ['rolled back', () => sign(5 * H, 2 * DAY)],
  ])('refuses a %s list with exit 4 and keeps the held one', async (_what, offer) => {
    const before = sign(2 * H, DAY);
    const home = await freshHome(before);
    const s = await site(offer());
    try {
      const r = await update(home, [s.url]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^sealpost: warning: route arg-1 served a route list that does not verify$/m);
      expect(r.stderr).toMatch(/^sealpost: hint: the route list was refused; the routes held before stay in use$/m);
      expect(await held(home)).toBe(before);
      expect(await listed(home)).toEqual(['mirror-a', 'tor']);
    } finally {
      await s.close();
    }
  });

  it('moves on from a lying route to one that serves a valid list', async () => {
    const home = await freshHome();
    const good = sign(0, DAY);
    const [liar, honest] = [await site(tamper(good)), await site(good)];
    try {
      const r = await update(home, [liar.url, honest.url], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ updated: true, route: 'arg-2' });
      expect(r.stderr).toMatch(/route arg-1 served a route list that does not verify/);
      expect(await held(home)).toBe(good);
    } finally {
      await liar.close();
      await honest.close();
    }
  });

  it('exits 3 and keeps the held list when no route answers with a list', async () => {
    const before = sign(H, DAY);
    const home = await freshHome(before);
    const none = await site(null);
    try {
      const r = await update(home, [closedUrl, none.url], ['--json']);
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as { updated: boolean; attempts: { route: string; outcome: string }[] };
      expect(doc.updated).toBe(false);
      expect(doc.attempts.map((a) => a.outcome).sort()).toEqual(['http-404', 'refused']);
      expect(await held(home)).toBe(before);
    } finally {
      await none.close();
    }
  });
});

describe('sealpost routes test', () => {
  it('probes every route in parallel and prints route / outcome / ms', async () => {
    const home = await freshHome();
    const [withList, noList, liar] = [await site(sign(0, DAY)), await site(null), await site(tamper(sign(0, DAY)))];
    try {
      const args = ['routes', 'test', '--only-routes', '--timeout', '5', ...[withList.url, noList.url, liar.url, closedUrl].flatMap((u) => ['--route', u])];
      const r = await run(home, [...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as { route: string; outcome: string; ms: number }[];
      expect(rows.map((x) => [x.route, x.outcome])).toEqual([
        ['arg-1', 'ok'],
        ['arg-2', 'ok'],
        ['arg-3', 'bad-list'],
        ['arg-4', 'refused'],
      ]);
      expect(rows.every((x) => Number.isInteger(x.ms) && x.ms >= 0 && x.ms < 5000)).toBe(true);
      const text = await run(home, args);
      expect(text.stdout).toMatch(/^route\s+outcome\s+ms$/m);
      expect(text.stdout).toMatch(/^arg-3\s+bad-list \(the route list it served does not verify\)\s+\d+$/m);
      const dead = await run(home, ['routes', 'test', '--only-routes', '--route', closedUrl]);
      expect(dead.code).toBe(3);
    } finally {
      await withList.close();
      await noList.close();
      await liar.close();
    }
  });
});
