/**
 * Issue 6, finding 5: a seized health.json gave the user away. The red team took the file, whose
 * salt sits in it, and offline tested 131,584 candidates in 277 ms: it recovered the route used,
 * the last delivery time to the second and the local network addresses. These tests repeat the
 * attack against what is written now (wire spec 9): the attacker knows the code, so it computes
 * every keyed hash the code can make (`health-net` is imported as a namespace so that the attack
 * runs against older versions too) and counts the candidates each field of the file confirms.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteSpec } from '../../src/crypto/center-file.js';
import { t } from '../../src/cli/i18n/index.js';
import { RouteHealth, type HealthOptions } from '../../src/transport/race/health.js';
import * as hn from '../../src/transport/race/health-net.js';
import { classify } from '../../src/transport/outcome.js';
import type { Attempt } from '../../src/transport/race/race.js';
import { parseRoute, type Route } from '../../src/transport/routes/route.js';

const T0 = 1_700_000_000_500;
const T0S = Math.floor(T0 / 1000);
const SEC = 1000;
const keep = () => 0.999;
/** A fixed salt, so that the counts below are exact; the attack does not depend on it. */
const SALT = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const timeout = () => classify(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), 'connect');

const v4 = (address: string): NetworkInterfaceInfo => ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/24` });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: `${address}/64`, scopeid: 0 });
const REAL_NET = hn.networkId({ wlan0: [v4('192.168.31.107'), v6('2408:8207:1851:2ff0:a:b:c:d')] });

/** The red team's 131,072 candidate networks: every address of 192.168.0.0/16 and 10.7.0.0/16, plus the real one. */
function candidateNetworks(): string[] {
  const out = [REAL_NET];
  for (const p of ['192.168', '10.7']) for (let x = 0; x < 256; x++) for (let y = 0; y < 256; y++) out.push(hn.networkId({ eth0: [v4(`${p}.${x}.${y}`)] }));
  return out;
}

/** The user's routes (a center file's) and 4,000 decoy route specs of the same kinds. */
const spec = (s: RouteSpec): Route => parseRoute(s);
const BRIDGE = spec({ id: 'tor-bridge', kind: 'socks', url: 'https://center.example/', proxy: 'socks5h://127.0.0.1:9050' });
const MIRROR = spec({ id: 'mirror-1', kind: 'mirror', url: 'https://mirror.example/' });
const DIRECT = spec({ id: 'direct-1', kind: 'direct', url: 'https://center.example/', connect: '203.0.113.7:443' });
const USER = [BRIDGE, MIRROR, DIRECT];
const DECOYS = Array.from({ length: 4000 }, (_, i) =>
  i % 2 ? spec({ id: `mirror-${i}`, kind: 'mirror', url: `https://m${i}.example/` }) : spec({ id: `bridge-${i}`, kind: 'socks', url: 'https://center.example/', proxy: `socks5h://10.${i >> 8}.${i & 255}.1:9050` }),
);

/** Every string of the file that could be a keyed hash: object keys and string values, at any depth. */
function tokens(x: unknown, out = new Set<string>()): Set<string> {
  if (typeof x === 'string') out.add(x);
  else if (Array.isArray(x)) for (const v of x) tokens(v, out);
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) tokens(v, out.add(k));
  return out;
}
/** The salt the file gives away, whatever its format. */
const saltOf = (doc: { salt?: string }) => Buffer.from(doc.salt ?? '', 'base64');
const fns = (names: string[]) => names.map((n) => (hn as unknown as Record<string, ((x: never, s: Uint8Array) => string) | undefined>)[n]).filter((f) => f !== undefined);

/** The candidates of `list` that some keyed hash the code can make, under the file's salt, confirms. */
function confirmedRoutes(text: string, list: readonly Route[]): Route[] {
  const doc = JSON.parse(text) as { salt?: string };
  const found = tokens(doc);
  return list.filter((r) => fns(['routeKey', 'routeTag']).some((f) => found.has(f(r as never, saltOf(doc)))));
}
function confirmedNetworks(text: string, ids: readonly string[]): string[] {
  const doc = JSON.parse(text) as { salt?: string };
  const found = tokens(doc);
  const hashes = fns(['networkKey', 'networkTag']);
  return ids.filter((id) => hashes.some((f) => found.has(f(id as never, saltOf(doc)))));
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-seized-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A home whose health file starts with the fixed salt (as the client itself writes an empty one). */
async function seededHome(name: string): Promise<string> {
  const home = join(dir, name);
  await (await RouteHealth.load(home, { passphrase: null, now: () => T0 })).save();
  const doc = JSON.parse(await readFile(join(home, 'health.json'), 'utf8')) as { salt: string };
  await writeFile(join(home, 'health.json'), JSON.stringify({ ...doc, salt: SALT.toString('base64') }));
  return home;
}
async function deliver(home: string, at: number, attempts: Attempt[], opts: HealthOptions = {}): Promise<string> {
  const h = await RouteHealth.load(home, { networkId: REAL_NET, now: () => at, random: keep, passphrase: null, ...opts });
  h.order(USER);
  h.record(attempts, at, [...USER, ...DECOYS]);
  await h.save();
  return readFile(join(home, 'health.json'), 'utf8');
}
const won = (r: Route, ms = 734): Attempt => ({ route: r.id, outcome: 'delivered', ms });
const failed = (r: Route): Attempt => ({ route: r.id, outcome: 'timeout', ms: 250, error: timeout() });
/** Every number written in the file. */
const numbers = (text: string) => [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));

describe('a seized health file without a passphrase (issue 6, finding 5)', () => {
  it('(a) confirms no route: a delivery over a decoy of the same kind writes the same bytes, and no candidate matches', async () => {
    const [real, decoy] = await Promise.all([seededHome('real'), seededHome('decoy')]);
    const text = await deliver(real, T0, [won(BRIDGE)]);
    expect(await deliver(decoy, T0, [won(DECOYS[0]!)])).toBe(text);
    expect(confirmedRoutes(text, [...USER, ...DECOYS])).toEqual([]);
    for (const clear of ['tor-bridge', 'center.example', '127.0.0.1', '9050', '203.0.113.7']) expect(text).not.toContain(clear);
  });

  it('(b) its network tag fits dozens of the 131,073 candidate networks, the real one among them', async () => {
    const text = await deliver(await seededHome('net'), T0, [won(MIRROR)]);
    const hits = confirmedNetworks(text, candidateNetworks());
    expect(hits).toContain(REAL_NET);
    expect(hits.length).toBeGreaterThanOrEqual(8);
    expect(text).not.toContain('192.168');
  });

  it('(c) keeps no time finer than the hour: a delivery 20 minutes later in the same hour writes the same bytes', async () => {
    const [a, b] = await Promise.all([seededHome('a'), seededHome('b')]);
    const text = await deliver(a, T0, [won(BRIDGE)]);
    expect(T0S % 3600).toBeLessThan(3600 - 1234);
    expect(await deliver(b, T0 + 1234 * SEC, [won(BRIDGE)])).toBe(text);
    const times = numbers(text).filter((n) => Math.abs(n - T0S) < 2 * 86400 || Math.abs(n - T0) < 2 * 86400 * SEC);
    expect(times.filter((n) => n % 3600 !== 0)).toEqual([]);
    expect(numbers(text)).toContain(Math.floor(T0S / 3600));
  });

  it('(d) names a failed route only by a tag dozens of candidates share, and only until its cool-down ends', async () => {
    const home = await seededHome('cool');
    const cooling = await deliver(home, T0, [failed(BRIDGE), won(MIRROR)]);
    const hits = confirmedRoutes(cooling, [...USER, ...DECOYS]);
    expect(hits).toContain(BRIDGE);
    expect(hits.length).toBeGreaterThanOrEqual(4);
    // Only loaded (as `routes list` does) after the cool-down: the file is rewritten without it.
    await RouteHealth.load(home, { networkId: REAL_NET, now: () => T0 + 181 * SEC, passphrase: null });
    const after = await readFile(join(home, 'health.json'), 'utf8');
    expect(confirmedRoutes(after, [...USER, ...DECOYS])).toEqual([]);
    expect(numbers(after).filter((n) => Math.abs(n - T0S) < 2 * 86400 && n % 3600 !== 0)).toEqual([]);
  });

  it('erases a file of the first format (routes and networks by testable hashes) as soon as it is loaded', async () => {
    const home = join(dir, 'v1');
    const v1 = { v: 1, salt: SALT.toString('base64'), nets: { '0123456789abcdef': { good: 'fedcba9876543210', routes: { fedcba9876543210: { ok: T0S, lat: [734], out: 'delivered' } } } } };
    await mkdir(home);
    await writeFile(join(home, 'health.json'), JSON.stringify(v1));
    const h = await RouteHealth.load(home, { networkId: REAL_NET, now: () => T0, passphrase: null });
    expect(h.damaged).toBe(false);
    const text = await readFile(join(home, 'health.json'), 'utf8');
    for (const gone of ['0123456789abcdef', 'fedcba9876543210', String(T0S)]) expect(text).not.toContain(gone);
  });
});

describe('a seized health file with a passphrase (wire spec 9: nothing readable)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('(e) shows only the sealing envelope; a wrong or missing passphrase neither opens nor overwrites it', async () => {
    const home = join(dir, 'sealed');
    vi.stubEnv('SEALPOST_PASSPHRASE', 'correct horse 正确');
    const opts = { networkId: REAL_NET, random: keep } as const;
    const h = await RouteHealth.load(home, { ...opts, now: () => T0 });
    expect(h.sealed).toBe(true);
    h.order(USER);
    h.record([failed(DIRECT), won(BRIDGE)]);
    expect(await h.save()).toBe(true);
    const text = await readFile(join(home, 'health.json'), 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['N', 'box', 'kdf', 'nonce', 'p', 'r', 'salt', 'v']);
    expect([doc.v, doc.kdf, doc.N, doc.r, doc.p]).toEqual(['sealpost/at-rest/v1', 'scrypt', 131072, 8, 1]);
    for (const f of ['salt', 'nonce', 'box']) expect(doc[f]).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(confirmedRoutes(text, [...USER, ...DECOYS])).toEqual([]);
    expect(confirmedNetworks(text, [REAL_NET])).toEqual([]);

    for (const [passphrase, lock] of [['correct horse 正确 ', 'wrong-passphrase'], [null, 'no-passphrase']] as const) {
      const locked = await RouteHealth.load(home, { ...opts, now: () => T0 + 10 * SEC, passphrase });
      expect(locked.locked).toBe(lock);
      expect(locked.notice).toEqual({ key: `transport.health.locked-${lock}`, params: { file: locked.file } });
      expect(t(locked.notice!.key, locked.notice!.params, 'zh-CN')).toMatch(/线路状况文件/);
      expect(locked.order(USER).headStart).toBeUndefined();
      locked.record([won(MIRROR)]);
      expect(await locked.save()).toBe(false);
      expect(await readFile(join(home, 'health.json'), 'utf8')).toBe(text);
    }
    // The right passphrase (SEALPOST_PASSPHRASE) still opens the untouched memory.
    const back = await RouteHealth.load(home, { ...opts, now: () => T0 + 20 * SEC });
    expect([back.locked, back.sealed]).toEqual([undefined, true]);
    const o = back.order(USER);
    expect([o.routes[0], o.headStart]).toEqual([BRIDGE, 1000]);
    expect(back.describe(DIRECT).state).toBe('cooling');
  }, 30_000);

  it('seals a plain file as soon as a passphrase is set', async () => {
    const home = await seededHome('plain-then-sealed');
    await deliver(home, T0, [won(BRIDGE)]);
    await RouteHealth.load(home, { networkId: REAL_NET, now: () => T0, passphrase: 'pw', kdf: { N: 1024, r: 8, p: 1 } });
    const doc = JSON.parse(await readFile(join(home, 'health.json'), 'utf8')) as Record<string, unknown>;
    expect(doc.v).toBe('sealpost/at-rest/v1');
  });
});
