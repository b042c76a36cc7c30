/**
 * Issue 12 acceptance, in the censorship lab (tests/harness/lab.ts: network namespaces, root
 * only; skipped with a message elsewhere). The center (a real `sealpost serve`, TLS with the test
 * CA) is `center.test` in the server namespace. The censor:
 * - poisons the client's system resolver: every A query is answered with a wrong address (a fake
 *   resolver in the router namespace, the client's resolv.conf pointing at it);
 * - resets every flow to the center's port whose packet carries `center.test` (iptables string
 *   match, per packet);
 * - later reassembles the stream in user space (tests/harness/sni-filter.mjs `reassemble`) and
 *   resets by the ClientHello's server name.
 * sealpost must deliver, with a verified receipt, through DoH (a resolver in the server namespace
 * that answers the right address) plus `tlsfrag` or `split`; once the censor reassembles, those
 * fail too and the race moves on to a SOCKS route (microsocks in the server namespace). A route
 * with a pinned `connect` needs no DoH at all. Run with `npm run test:lab` (builds first).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { BIN } from '../harness/cli.js';
import { Lab, labSkipReason } from '../harness/lab.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TLS = here('../fixtures/tls/');
const CA = readFileSync(join(TLS, 'ca.pem'), 'utf8');
const DNS_JS = here('../harness/lab-dns.mjs');
const FILTER_JS = here('../harness/sni-filter.mjs');
const PORT = { center: 8443, doh: 8053, socks: 1080, filter: 9443 };

const skip = labSkipReason();
if (skip) process.stderr.write(`tests/lab/strategies.test.ts skipped: ${skip}\n`);

const lab = new Lab('lab12', 233);
let dir: string;
let base: Record<string, unknown>;
let center: Center;

interface Attempt {
  route: string;
  outcome: string;
  strategy?: { dns: string; tls: string };
}
interface Combo {
  route: string;
  dns: string;
  tls: string;
  outcome: string;
}

const doh = (port = PORT.doh) => ({ https: { name: 'other.test', address: `${lab.ip.srv}:${port}`, ca: CA } });
const direct = { id: 'direct-1', kind: 'direct', url: `https://center.test:${PORT.center}/`, ca: CA };

function centerFile(name: string, routes: unknown[], strategies: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...base, routes, strategies }));
  return file;
}

async function submit(file: string, home: string): Promise<{ delivered: boolean; route: string | null; receipt: string | null; attempts: Attempt[] }> {
  const r = await lab.exec(lab.ns.cli, [process.execPath, BIN, 'submit', '--json', '--allow-plain-proxy', '--home', join(dir, home), '--center', file, '--name', 'lab', '--orgs', 'CYL', '--country', 'CN', '--province', '110000']);
  if (r.code !== 0 && r.code !== 3) throw new Error(`submit exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as never;
}

async function strategies(file: string): Promise<{ route: string; combinations: Combo[]; tls: { ok: string[]; failed: string[] }; dns: { ok: string[]; failed: string[] } }[]> {
  const r = await lab.exec(lab.ns.cli, [process.execPath, BIN, 'routes', 'test', '--strategies', '--json', '--allow-plain-proxy', '--home', join(dir, 'home-test'), '--center', file, '--timeout', '5']);
  if (r.code !== 0 && r.code !== 3) throw new Error(`routes test exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as never;
}

/** The receipt verifies for this center's log key (what "delivered" means); throws when it does not. */
function verified(receipt: string | null): boolean {
  const eh = receipt ? /^envelope ([0-9a-f]{64})$/m.exec(receipt)?.[1] : undefined;
  if (!receipt || !eh) return false;
  verifyReceipt(receipt, { center: center.name, logKey: center.logKey, eh: Buffer.from(eh, 'hex'), now: Date.now() });
  return true;
}

describe.skipIf(skip !== null)('censorship lab: encrypted DNS and TLS fragmentation raced like routes (issue 12)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sealpost-lab12-'));
    lab.up();
    const { ns, ip } = lab;
    const keygen = spawnSync(process.execPath, [BIN, 'keygen', '--name', 'center.test', '--out', join(dir, 'keys')], { encoding: 'utf8' });
    if (keygen.status !== 0) throw new Error(`keygen: ${keygen.stderr}`);
    base = JSON.parse(readFileSync(join(dir, 'keys/center.json'), 'utf8')) as Record<string, unknown>;
    center = parseCenterFile(readFileSync(join(dir, 'keys/center.json')));
    // The client's system resolver is the censor's; the SOCKS proxy resolves the center's name itself.
    lab.etc(ns.cli, { 'resolv.conf': `nameserver ${ip.gfwCli}\n`, hosts: '127.0.0.1 localhost\n' });
    lab.etc(ns.srv, { hosts: `127.0.0.1 localhost\n${ip.srv} center.test\n` });
    await lab.start(ns.srv, [process.execPath, BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', `0.0.0.0:${PORT.center}`, '--tls-cert', join(TLS, 'center.pem'), '--tls-key', join(TLS, 'center-key.pem')], /listening on/);
    await lab.start(ns.srv, [process.execPath, DNS_JS, 'doh', `${ip.srv}:${PORT.doh}`, join(TLS, 'other.pem'), join(TLS, 'other-key.pem'), `center.test=${ip.srv}`], /ready/);
    // Every A answer is the router's own address, where nothing listens: a poisoned name.
    await lab.start(ns.gfw, [process.execPath, DNS_JS, 'poison', ip.gfwCli, ip.gfwCli], /ready/);
    await lab.start(ns.srv, ['bash', '-c', `microsocks -i ${ip.srv} -p ${PORT.socks} & pid=$!; trap 'kill $pid' TERM; for i in $(seq 200); do (exec 3<>/dev/tcp/${ip.srv}/${PORT.socks}) 2>/dev/null && { echo ready; wait $pid; exit; }; sleep 0.02; done; kill $pid; exit 1`], /ready/);
    lab.sniReset('center.test', PORT.center);
  }, 60_000);

  afterAll(async () => {
    await lab.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the censor works: a plain curl with the system resolver, and one with --doh-url, both fail', async () => {
    const plain = await lab.exec(lab.ns.cli, ['curl', '-sS', '--max-time', '5', '--cacert', join(TLS, 'ca.pem'), `https://center.test:${PORT.center}/healthz`]);
    expect(plain.code).not.toBe(0);
    const viaDoh = await lab.exec(lab.ns.cli, ['curl', '-sS', '--max-time', '5', '--cacert', join(TLS, 'ca.pem'), '--resolve', `other.test:${PORT.doh}:${lab.ip.srv}`, '--doh-url', `https://other.test:${PORT.doh}/dns-query`, `https://center.test:${PORT.center}/healthz`]);
    // The right address, and the SNI in one packet: reset (curl cannot fragment).
    expect(viaDoh.code).not.toBe(0);
  });

  for (const tls of ['tlsfrag:sni', 'split:sni']) {
    it(`per-packet censor: the plain route fails; DoH + ${tls} delivers a verified receipt, and the next submission starts with it`, async () => {
      const file = centerFile(`center-${tls.replace(':', '-')}`, [direct], { dns: [{ system: {} }, doh()], tls: ['', tls] });
      const found = await strategies(file);
      const byId = new Map(found[0]!.combinations.map((c) => [c.route, c.outcome]));
      expect(byId.get('direct-1')).not.toBe('ok');
      expect(byId.get(`direct-1+${tls}`)).not.toBe('ok');
      expect(byId.get('direct-1+doh:other.test')).toBe('reset');
      expect(byId.get(`direct-1+doh:other.test+${tls}`)).toBe('ok');

      const home = `home-${tls.replace(':', '-')}`;
      const r = await submit(file, home);
      expect(r.delivered).toBe(true);
      expect(r.route).toBe(`direct-1+doh:other.test+${tls}`);
      expect(verified(r.receipt)).toBe(true);
      const plain = r.attempts.find((a) => a.route === 'direct-1');
      expect(plain && plain.outcome).not.toBe('delivered');
      expect(r.attempts.find((a) => a.outcome === 'delivered')!.strategy).toEqual({ dns: `https:other.test@${lab.ip.srv}:${PORT.doh}`, tls });

      const warm = await submit(file, home);
      expect(warm.attempts[0]).toMatchObject({ route: `direct-1+doh:other.test+${tls}`, outcome: 'delivered' });
      expect(verified(warm.receipt)).toBe(true);
    }, 60_000);
  }

  it('no DoH reachable: the route with a pinned connect still delivers (tlsfrag), and a DoH answer never applies to it', async () => {
    const pinned = { ...direct, id: 'pinned-1', connect: `${lab.ip.srv}:${PORT.center}` };
    // The listed resolver's port has nothing behind it.
    const file = centerFile('center-pinned', [direct, pinned], { dns: [{ system: {} }, doh(PORT.doh + 1)], tls: ['', 'tlsfrag:sni'] });
    const r = await submit(file, 'home-pinned');
    expect(r.delivered).toBe(true);
    expect(r.route).toBe('pinned-1+tlsfrag:sni');
    expect(verified(r.receipt)).toBe(true);
    expect(r.attempts.some((a) => a.route.startsWith('pinned-1+doh'))).toBe(false);
  }, 60_000);

  it('a reassembling censor: every fragmented variant fails too, and the race moves on to the proxy route', async () => {
    await lab.start(lab.ns.gfw, [process.execPath, FILTER_JS, 'reassemble', `0.0.0.0:${PORT.filter}`, `${lab.ip.srv}:${PORT.center}`, 'center.test'], /listening/);
    lab.redirect(PORT.center, PORT.filter);
    const socks = { id: 'socks-1', kind: 'socks', url: `https://center.test:${PORT.center}/`, proxy: `socks5h://${lab.ip.srv}:${PORT.socks}`, ca: CA };
    const file = centerFile('center-reassembled', [direct, socks], { dns: [{ system: {} }, doh()], tls: ['', 'tlsfrag:sni', 'split:sni'] });
    const found = await strategies(file);
    const d = found.find((x) => x.route === 'direct-1')!;
    expect(d.combinations).toHaveLength(6);
    expect(d.combinations.filter((c) => c.outcome === 'ok')).toEqual([]);
    expect(d.combinations.find((c) => c.route === 'direct-1+doh:other.test+tlsfrag:sni')!.outcome).toBe('reset');
    expect(d.combinations.find((c) => c.route === 'direct-1+doh:other.test+split:sni')!.outcome).toBe('reset');
    expect(found.find((x) => x.route === 'socks-1')!.combinations.map((c) => c.outcome)).toEqual(['ok']);

    const r = await submit(file, 'home-reassembled');
    expect(r.delivered).toBe(true);
    expect(r.route).toBe('socks-1');
    expect(verified(r.receipt)).toBe(true);
    expect(r.attempts.filter((a) => a.route.startsWith('direct-1')).every((a) => a.outcome !== 'delivered')).toBe(true);
  }, 60_000);
});

describe.runIf(skip !== null)('censorship lab', () => {
  it.skip(`skipped: ${skip}`, () => {});
});
