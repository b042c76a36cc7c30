import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoteSigner } from '../../src/crypto/note.js';
import { signReceipt } from '../../src/crypto/receipt.js';
import { readArmor } from '../../src/crypto/armor.js';
import { envelopeIdHex, openEnvelopeText } from '../../src/crypto/envelope.js';
import { readSecretKeyFile } from '../../src/crypto/keys.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { answering, type Peer } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';

let c: TestCenter;
let liar: Peer;
let tmp: string;
let centerFile: string;

beforeAll(async () => {
  c = await startCenter();
  centerFile = join(c.keysDir, 'center.json');
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-cli-'));
  const forger = new NoteSigner('center.test/log', new Uint8Array(32).fill(7));
  liar = await answering((_q, res, body) => {
    const eh = envelopeIdHex(new Uint8Array(body));
    const receipt = signReceipt(forger, { center: 'center.test', eh: Buffer.from(eh, 'hex'), blind: new Uint8Array(16), index: 0, hour: 1 });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: eh, receipt }));
  });
});
afterAll(async () => {
  await liar.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

const NAME = '王秘密测试';
const TEXT = 'Zyxwvut secret words 退出声明正文';
const compose = ['--name', NAME, '--orgs', 'CCP,CYL', '--country', 'CN', '--province', '110000', '--text', TEXT];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}

describe('sealpost CLI', () => {
  it('keygen writes four secret keys (0600) and center.json, and refuses to overwrite them', async () => {
    const out = join(tmp, 'keys');
    const r = await sealpost(['keygen', '--name', 'example.org', '--out', out, '--url', 'https://intake.example.org', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { fingerprint: string };
    expect(doc.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    for (const k of ['box', 'log', 'tally', 'routes']) expect((await stat(join(out, `${k}.key`))).mode & 0o777).toBe(0o600);
    const center = JSON.parse(await readFile(join(out, 'center.json'), 'utf8')) as { routes: unknown[]; logKey: string };
    expect(center.routes).toEqual([{ id: 'direct-1', kind: 'direct', url: 'https://intake.example.org/' }]);
    expect(center.logKey).toMatch(/^example\.org\/log\+[0-9a-f]{8}\+/);
    const again = await sealpost(['keygen', '--name', 'example.org', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^sealpost: error: refusing to overwrite/m);
  });

  it.each([
    [['--bogus'], 1, /unknown command|unknown option/],
    [['submit', '--bogus'], 1, /unknown option --bogus/],
    [['keygen', '--name', 'Bad Name', '--out', '/nonexistent-sealpost'], 2, /bad center name/],
    [['compose', '--name', 'x', '--country', 'CN'], 2, /missing --orgs/],
    [['compose', '--name', 'x', '--orgs', 'CCP', '--country', 'CN'], 2, /province/],
    [['--lang', 'zh-CN', 'compose', '--name', 'x', '--country', 'CN'], 2, /缺少 --orgs/],
  ])('%j exits %i', async (args, code, stderr) => {
    const r = await sealpost(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr as RegExp);
    expect(r.stdout).toBe('');
  });

  it('compose prints a valid statement', async () => {
    const r = await sealpost(['compose', ...compose]);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout) as { people: { name: string; orgs: string[] }[]; region: unknown; id: string };
    expect(st.people).toEqual([{ name: NAME, orgs: ['CCP', 'CYL'] }]);
    expect(st.region).toEqual({ country: 'CN', province: '110000' });
    expect(st.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('seal prints a bare armored envelope that the box key opens', async () => {
    const r = await sealpost(['seal', '--center', centerFile, ...compose]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/BEGIN/);
    const { envelopes, problems } = readArmor(r.stdout);
    expect(problems).toEqual([]);
    expect(envelopes[0]!.length).toBe(1073);
    const box = await readSecretKeyFile(join(c.keysDir, 'box.key'), 'box');
    expect(JSON.parse(openEnvelopeText(envelopes[0]!, [box.secretKey])).people[0].name).toBe(NAME);
  });

  it('submit --json delivers over --route and prints the verified receipt and attempts', async () => {
    const home = join(tmp, 'home-ok');
    const r = await sealpost(['submit', '--json', '--home', home, '--center', centerFile, '--route', c.url.toString(), ...compose]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { id: string; delivered: boolean; route: string; receipt: string; attempts: { route: string; outcome: string; ms: number }[] };
    expect(doc.delivered).toBe(true);
    expect(doc.route).toBe('arg-1');
    expect(doc.receipt).toContain(`envelope ${doc.id}\n`);
    expect(doc.attempts).toEqual([{ route: 'arg-1', outcome: 'delivered', ms: expect.any(Number) }]);
    expect(await readdir(join(home, 'outbox'))).toEqual([]); // delivered: envelope and token forgotten
  });

  it('submit through a route that answers 200 with a forged receipt exits 3, warns, and keeps the envelope queued', async () => {
    const home = join(tmp, 'home-liar');
    const r = await sealpost(['submit', '--json', '--home', home, '--center', centerFile, '--route', liar.url, ...compose]);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout) as { delivered: boolean; receipt: null; attempts: { outcome: string }[] };
    expect(doc.delivered).toBe(false);
    expect(doc.receipt).toBeNull();
    expect(doc.attempts.map((a) => a.outcome)).toEqual(['bad-receipt']);
    expect(r.stderr).toMatch(/warning: route arg-1 answered without a valid receipt/);
    expect(await readdir(join(home, 'outbox'))).toHaveLength(1);
  });

  it('submit of an invalid statement exits 2 and queues nothing', async () => {
    const home = join(tmp, 'home-bad');
    const r = await sealpost(['submit', '--home', home, '--center', centerFile, '--route', c.url.toString(), '--name', 'x', '--orgs', 'XYZ', '--country', 'CN', '--province', '110000']);
    expect(r.code).toBe(2);
    await expect(readdir(join(home, 'outbox'))).rejects.toThrow();
  });

  it('submit reads a statement from stdin', async () => {
    const st = (await sealpost(['compose', ...compose])).stdout;
    const r = await sealpost(['submit', '-', '--json', '--home', join(tmp, 'home-stdin'), '--center', centerFile, '--route', c.url.toString()], { input: st });
    expect(r.code).toBe(0);
  });

  // A client-only install has no better-sqlite3 for the demo's center (vitest.client.config.ts).
  it.skipIf(process.env.SEALPOST_CLIENT_ONLY)('demo races a blackholed, a resetting and a lying route and gets through the SOCKS5 proxy', async () => {
    const r = await sealpost(['demo', '--json', '--home', join(tmp, 'home-demo')]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { delivered: boolean; route: string; attempts: { route: string; outcome: string }[] };
    expect(doc.delivered).toBe(true);
    expect(doc.route).toBe('tor-1');
    expect(Object.fromEntries(doc.attempts.map((a) => [a.route, a.outcome]))).toEqual({
      direct: 'cancelled',
      'mirror-1': 'reset',
      'mirror-2': 'bad-receipt',
      'tor-1': 'delivered',
    });
    expect(r.stderr).toMatch(/warning: route mirror-2 answered without a valid receipt/);
  });

  it('after seal, submit and demo no file under the home or data folders contains a name or text of the statements', async () => {
    const needles = [NAME, TEXT, 'Zyxwvut', '退出声明正文', 'Demo Alias', 'demonstration statement'].map((s) => Buffer.from(s));
    const files = [...(await filesUnder(tmp)), ...(await filesUnder(c.dataDir))];
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const bytes = await readFile(f);
      for (const n of needles) expect(bytes.includes(n), `${f} contains ${n.toString()}`).toBe(false);
    }
  });
});
