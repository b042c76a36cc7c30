import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCenterFile, type Center, type RouteSpec } from '../../src/crypto/center-file.js';
import { generateCenterKeys, readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { InputError, VerifyError } from '../../src/errors.js';
import { formatTime, parseTime, signRouteList, verifyRouteList } from '../../src/transport/routes/route-list.js';
import { loadHeldRoutes, routeListPath, storeRouteList } from '../../src/transport/routes/route-store.js';

const H = 3600_000;
const DAY = 24 * H;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = (ms: number) => new Date(ms);

let tmp: string;
let center: Center;
let signer: NoteSigner;

const ROUTES: RouteSpec[] = [
  { id: 'mirror-1', kind: 'mirror', url: 'https://mirror.example.net/' },
  { id: 'tor', kind: 'socks', url: 'https://intake.example.org/', proxy: 'socks5h://127.0.0.1:9050' },
  { id: 'front', kind: 'direct', url: 'https://intake.example.org/', connect: '203.0.113.7:443', servername: 'front.example.net' },
];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-routelist-'));
  await generateCenterKeys('center.test', join(tmp, 'keys'));
  center = parseCenterFile(await readFile(join(tmp, 'keys', 'center.json')));
  const k = await readSecretKeyFile(join(tmp, 'keys', 'routes.key'), 'routes');
  signer = new NoteSigner(k.name, k.secretKey);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const sign = (issued: number, expires: number, routes = ROUTES) => signRouteList(signer, 'center.test', routes, at(issued), at(expires));
const good = () => sign(NOW - H, NOW + 7 * DAY);

function refusal(fn: () => unknown): VerifyError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VerifyError);
    return err as VerifyError;
  }
  throw new Error('not refused');
}

describe('route list notes (spec 6)', () => {
  it('signs the exact body and verifies it back into typed routes', () => {
    const note = sign(Date.parse('2026-06-01T11:00:00.999Z'), Date.parse('2026-06-08T11:00:00Z'));
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    expect(body).toBe(
      `sealpost/routes/v1\ncenter.test\nissued 2026-06-01T11:00:00Z\nexpires 2026-06-08T11:00:00Z\n${JSON.stringify(ROUTES)}\n`,
    );
    expect(note.slice(body.length)).toMatch(/^\n\u2014 center\.test\/routes \S+\n$/u);
    const list = verifyRouteList(note, { center, now: NOW });
    expect(formatTime(list.issued)).toBe('2026-06-01T11:00:00Z');
    expect(list.routes.map((r) => [r.id, r.kind, r.url.href, r.proxy?.href])).toEqual([
      ['mirror-1', 'mirror', 'https://mirror.example.net/', undefined],
      ['tor', 'socks', 'https://intake.example.org/', 'socks5h://127.0.0.1:9050'],
      ['front', 'direct', 'https://intake.example.org/', undefined],
    ]);
    expect(list.routes[2]!.connect).toEqual({ host: '203.0.113.7', port: 443 });
  });

  it('keeps a PEM trust anchor on one line', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const note = sign(NOW - H, NOW + DAY, [{ id: 'pinned', kind: 'direct', url: 'https://a.example/', ca }]);
    expect(note.split('\n\n')[0]!.split('\n')).toHaveLength(5);
    expect(verifyRouteList(note, { center, now: NOW }).routes[0]!.ca).toBe(ca);
  });

  it('refuses a note with one byte changed in the JSON line', () => {
    const note = good();
    const i = note.indexOf('mirror.example.net');
    const tampered = `${note.slice(0, i)}n${note.slice(i + 1)}`;
    expect(tampered).not.toBe(note);
    expect(refusal(() => verifyRouteList(tampered, { center, now: NOW })).code).toBe('bad-signature');
  });

  it('refuses an expired list, at and after its expiry', () => {
    const note = sign(NOW - 8 * DAY, NOW - DAY);
    expect(refusal(() => verifyRouteList(note, { center, now: NOW })).code).toBe('route-list-expired');
    const edge = sign(NOW - DAY, NOW);
    expect(refusal(() => verifyRouteList(edge, { center, now: NOW })).code).toBe('route-list-expired');
    expect(() => verifyRouteList(edge, { center, now: NOW - 1000 })).not.toThrow();
  });

  it('refuses a list issued more than one hour ahead, and accepts one exactly one hour ahead', () => {
    const ahead = sign(NOW + H + 1000, NOW + 7 * DAY);
    expect(refusal(() => verifyRouteList(ahead, { center, now: NOW })).code).toBe('route-list-future');
    expect(() => verifyRouteList(sign(NOW + H, NOW + 7 * DAY), { center, now: NOW })).not.toThrow();
  });

  it('refuses a rollback: a list issued before the held one (the same issued is fine)', () => {
    const older = sign(NOW - 2 * H, NOW + 7 * DAY);
    const held = { issued: at(NOW - H) };
    expect(refusal(() => verifyRouteList(older, { center, now: NOW, held })).code).toBe('route-list-rollback');
    expect(() => verifyRouteList(good(), { center, now: NOW, held })).not.toThrow();
  });

  it('refuses a list signed by another key of the same name', () => {
    const impostor = new NoteSigner('center.test/routes', new Uint8Array(32).fill(9));
    const note = signRouteList(impostor, 'center.test', ROUTES, at(NOW - H), at(NOW + DAY));
    expect(refusal(() => verifyRouteList(note, { center, now: NOW })).code).toBe('unsigned');
  });

  it("refuses a list for another center, even under this center's routes key", () => {
    const body = `sealpost/routes/v1\nother.test\nissued ${formatTime(at(NOW - H))}\nexpires ${formatTime(at(NOW + DAY))}\n${JSON.stringify(ROUTES)}\n`;
    expect(refusal(() => verifyRouteList(signer.sign(body), { center, now: NOW })).code).toBe('route-list-center');
  });

  it.each([
    ['a wrong header', (b: string) => b.replace('sealpost/routes/v1', 'sealpost/routes/v2')],
    ['a time with a fraction', (b: string) => b.replace(/^issued (\S+)Z$/m, 'issued $1.000Z')],
    ['a time with an offset', (b: string) => b.replace(/^expires (\S+)Z$/m, 'expires $1+00:00')],
    ['expires before issued', (b: string) => b.replace(/^expires .*$/m, 'expires 2026-01-01T00:00:00Z')],
    ['a route that does not parse', (b: string) => b.replace('https://mirror.example.net/', 'ftp://mirror.example.net/')],
    ['an extra line', (b: string) => `${b}extra\n`],
    ['duplicate route ids', (b: string) => b.replace('"id":"tor"', '"id":"mirror-1"')],
  ])('refuses a signed list with %s', (_what, edit) => {
    const body = `sealpost/routes/v1\ncenter.test\nissued ${formatTime(at(NOW - H))}\nexpires ${formatTime(at(NOW + DAY))}\n${JSON.stringify(ROUTES)}\n`;
    const changed = edit(body);
    expect(changed).not.toBe(body);
    expect(refusal(() => verifyRouteList(signer.sign(changed), { center, now: NOW })).code).toBe('bad-route-list');
  });

  it('signing refuses a bad route, a duplicate id, an unknown field, and a key of another center', () => {
    expect(() => sign(NOW, NOW + DAY, [{ id: 'x', kind: 'direct', url: 'ftp://a/' }])).toThrow(InputError);
    expect(() => sign(NOW, NOW + DAY, [ROUTES[0]!, ROUTES[0]!])).toThrow(InputError);
    expect(() => sign(NOW, NOW + DAY, [{ ...ROUTES[0]!, servname: 'x' } as RouteSpec])).toThrow(/unknown field servname/);
    expect(() => signRouteList(signer, 'other.test', ROUTES, at(NOW), at(NOW + DAY))).toThrow(RangeError);
    expect(() => sign(NOW, NOW)).toThrow(RangeError);
  });

  it('RFC 3339 times: one form only', () => {
    expect(formatTime(new Date('2026-02-03T04:05:06.789Z'))).toBe('2026-02-03T04:05:06Z');
    expect(parseTime('2026-02-03T04:05:06Z')?.getTime()).toBe(Date.parse('2026-02-03T04:05:06Z'));
    for (const bad of ['2026-02-30T00:00:00Z', '2026-02-03T24:00:00Z', '2026-02-03 04:05:06Z', '2026-02-03T04:05:06z', '2026-02-03T04:05Z']) {
      expect(parseTime(bad), bad).toBeNull();
    }
  });
});

describe('the held route list (<home>/routes.note)', () => {
  it('stores a verified list with mode 0600 and loads it until it expires, then falls back (null)', async () => {
    const home = join(tmp, 'home-store');
    const note = sign(NOW - H, NOW + DAY);
    await storeRouteList(home, note, center, NOW);
    expect((await stat(routeListPath(home))).mode & 0o777).toBe(0o600);
    expect(await readFile(routeListPath(home), 'utf8')).toBe(note);
    expect((await loadHeldRoutes(home, center, NOW))?.routes.map((r) => r.id)).toEqual(['mirror-1', 'tor', 'front']);
    expect(await loadHeldRoutes(home, center, NOW + DAY)).toBeNull();
  });

  it('keeps the held list when a tampered, expired, early or rolled-back list is offered', async () => {
    const home = join(tmp, 'home-keep');
    const held = sign(NOW - H, NOW + DAY);
    await storeRouteList(home, held, center, NOW);
    const i = held.indexOf('mirror-1');
    const offers = {
      tampered: `${held.slice(0, i)}M${held.slice(i + 1)}`,
      expired: sign(NOW - 3 * DAY, NOW - DAY),
      early: sign(NOW + 2 * H, NOW + DAY),
      rollback: sign(NOW - 2 * H, NOW + 2 * DAY),
    };
    for (const [what, offer] of Object.entries(offers)) {
      await expect(storeRouteList(home, offer, center, NOW), what).rejects.toBeInstanceOf(VerifyError);
      expect(await readFile(routeListPath(home), 'utf8'), what).toBe(held);
    }
    const newer = sign(NOW, NOW + 2 * DAY);
    await storeRouteList(home, newer, center, NOW);
    expect(await readFile(routeListPath(home), 'utf8')).toBe(newer);
  });

  it('an expired held list still forbids older lists (no rollback after expiry)', async () => {
    const home = join(tmp, 'home-expired');
    await storeRouteList(home, sign(NOW - 2 * DAY, NOW - DAY + H), center, NOW - DAY);
    const older = sign(NOW - 3 * DAY, NOW + DAY); // still valid, but issued before the held one
    await expect(storeRouteList(home, older, center, NOW)).rejects.toMatchObject({ code: 'route-list-rollback' });
  });

  it('ignores a garbage or foreign held file', async () => {
    const home = join(tmp, 'home-garbage');
    await storeRouteList(home, good(), center, NOW);
    await writeFile(routeListPath(home), 'not a note');
    expect(await loadHeldRoutes(home, center, NOW)).toBeNull();
    await storeRouteList(home, good(), center, NOW); // a garbage held file does not block a good list
    expect(await loadHeldRoutes(home, center, NOW)).not.toBeNull();
    expect(await loadHeldRoutes(join(tmp, 'nowhere'), center, NOW)).toBeNull();
  });
});
