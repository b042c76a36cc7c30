/**
 * Issue 7, build point 4, as a user meets it: `submit` says which hop failed and separates what
 * only the user can fix ("fix this: ...") from what retrying later may fix; a missing center file
 * says where one comes from and how to check its fingerprint. The built command against real peers
 * on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server as ProxyChain } from 'proxy-chain';
import { startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA, tlsAnswering, tlsPair, type Peer } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';

let c: TestCenter;
/** A center with other keys under the same name: the first center's file does not match it. */
let rekeyed: TestCenter;
let wrongCert: Peer;
let chain: ProxyChain;
let tmp: string;
let centerFile: string;
const statement = ['--name', 'A', '--orgs', 'CYL', '--country', 'TW'];

interface Doc {
  delivered: boolean;
  attempts: { route: string; outcome: string; ms: number; hop?: string }[];
}

beforeAll(async () => {
  [c, rekeyed] = await Promise.all([startCenter(), startCenter({ tls: true })]);
  centerFile = join(c.keysDir, 'center.json');
  wrongCert = await tlsAnswering(tlsPair('other'), (_q, res) => res.end('{}'));
  chain = new ProxyChain({ port: 0, host: '127.0.0.1', prepareRequestFunction: ({ username, password }) => ({ requestAuthentication: username !== 'u' || password !== 'p' }) });
  await chain.listen();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-diagnosis-'));
});
afterAll(async () => {
  await chain.close(true);
  await wrongCert.close();
  await Promise.all([c.close(), rekeyed.close()]);
  await rm(tmp, { recursive: true, force: true });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

let homes = 0;
const home = () => join(tmp, `home-${++homes}`);

/** The first center's file with these routes instead of its own; returns its path and fingerprint. */
async function centerWith(routes: unknown[]): Promise<{ file: string; fingerprint: string }> {
  const doc = JSON.parse(await readFile(centerFile, 'utf8')) as Record<string, unknown>;
  const file = join(tmp, `center-${++homes}.json`);
  const bytes = JSON.stringify({ ...doc, routes });
  await writeFile(file, bytes);
  return { file, fingerprint: createHash('sha256').update(bytes).digest('hex') };
}

const submit = (args: string[]) => sealpost(['submit', '--home', home(), ...args, ...statement]);

describe('submit: which hop failed, and what to do', () => {
  it('a proxy on this machine that is not running: refused at the proxy, "fix this: start the proxy", no "try again later"', async () => {
    const port = await closedPort();
    const r = await submit(['--json', '--center', centerFile, '--only-routes', '--route', c.url.toString(), '--proxy', `socks5h://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Doc).attempts).toEqual([{ route: 'arg-1+proxy-1', outcome: 'refused', ms: expect.any(Number), hop: 'proxy' }]);
    expect(r.stderr).toContain(`warning: arg-1+proxy-1: nothing answers at the proxy 127.0.0.1:${port} on this machine: the proxy is not running`);
    expect(r.stderr).toContain(`hint: fix this: start the proxy 127.0.0.1:${port} (e.g. Tor)`);
    expect(r.stderr).toMatch(/retrying will not help until this is fixed/);
    expect(r.stderr).not.toMatch(/try again later/);
  });

  it('a wrong proxy password: proxy-auth at the proxy, "fix this" names the password', async () => {
    const r = await submit(['--json', '--center', centerFile, '--only-routes', '--route', c.url.toString(), '--proxy', `http://u:wrong@127.0.0.1:${chain.port}`]);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Doc).attempts).toEqual([{ route: 'arg-1+proxy-1', outcome: 'proxy-auth', ms: expect.any(Number), hop: 'proxy' }]);
    expect(r.stderr).toContain(`hint: fix this: the proxy 127.0.0.1:${chain.port} refused the user name or password`);
    expect(r.stderr).not.toMatch(/try again later/);
  });

  it('a center file whose key is not the center\'s: "signed by another key than your center file\'s", "get the center file again", exit 3', async () => {
    const { file, fingerprint } = await centerWith([{ id: 'main', kind: 'direct', url: rekeyed.url.toString(), ca: TEST_CA }]);
    const r = await submit(['--json', '--center', file]);
    // Exit 3, not 4: the envelope stays queued (CLI spec: 3 includes a route that answered with a bad receipt).
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Doc).attempts).toEqual([{ route: 'main', outcome: 'bad-receipt', ms: expect.any(Number), hop: 'center' }]);
    expect(r.stderr).toContain("warning: main: the receipt is signed by another key than your center file's");
    expect(r.stderr).toContain(`hint: fix this: get the center file again from the center and check that its fingerprint (sha256sum center.json) is the one the center publishes; the file in use has fingerprint ${fingerprint}`);
    expect(r.stderr).toMatch(/retrying will not help until this is fixed/);
    const zh = await submit(['--lang', 'zh-CN', '--center', file]);
    expect(zh.code).toBe(3);
    expect(zh.stderr).toContain('回执是用另一把密钥签名的，不是您中心文件中的密钥');
    expect(zh.stderr).toContain(`需要您修改：请从中心重新获取中心文件`);
  });

  it('a wrong certificate: tls at the center, "not the center\'s", and retrying later may help', async () => {
    const { file } = await centerWith([{ id: 'main', kind: 'direct', url: `https://center.test:${wrongCert.port}/`, connect: `127.0.0.1:${wrongCert.port}`, ca: TEST_CA }]);
    const r = await submit(['--json', '--center', file]);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as Doc).attempts).toEqual([{ route: 'main', outcome: 'tls', ms: expect.any(Number), hop: 'center' }]);
    expect(r.stderr).toContain("warning: main: the certificate is not the center's");
    expect(r.stderr).toMatch(/hint: the envelope stays in the outbox; try again later/);
    expect(r.stderr).not.toMatch(/fix this/);
  });

  it('a route\'s own proxy not running and a center that refuses: the fix, and "try again later" for the other', async () => {
    const [tor, down] = [await closedPort(), await closedPort()];
    const { file } = await centerWith([
      { id: 'tor', kind: 'socks', url: c.url.toString(), proxy: `socks5h://127.0.0.1:${tor}` },
      { id: 'main', kind: 'direct', url: `http://127.0.0.1:${down}/` },
    ]);
    const r = await submit(['--json', '--center', file]);
    expect(r.code).toBe(3);
    const hops = Object.fromEntries((JSON.parse(r.stdout) as Doc).attempts.map((a) => [a.route, [a.outcome, a.hop]]));
    expect(hops).toEqual({ tor: ['refused', 'route-proxy'], main: ['refused', 'center'] });
    expect(r.stderr).toContain("warning: main: the center's server refused the connection");
    expect(r.stderr).toContain(`hint: fix this: start the proxy 127.0.0.1:${tor} (e.g. Tor)`);
    expect(r.stderr).toMatch(/hint: the envelope stays in the outbox; try again later/);
  });
});

describe('a missing center file', () => {
  it('exits 2 and says where a center file comes from and how to check its fingerprint, in both languages', async () => {
    const en = await submit([]);
    expect(en.code).toBe(2);
    expect(en.stderr).toMatch(/error: no center file: give --center <file> or put center.json in .*; a center file comes from the center, which publishes it with its fingerprint \(sealpost keygen prints it\)/);
    expect(en.stderr).toContain('sha256sum center.json');
    const zh = await submit(['--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('中心文件由中心发布，同时公布其指纹');
    expect(zh.stderr).toContain('sha256sum center.json');
    const flag = await submit(['--json', '--center', join(tmp, 'nowhere.json')]);
    expect(flag.code).toBe(2);
    const doc = JSON.parse(flag.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('no-center');
    expect(doc.error.message).toMatch(/nowhere\.json does not exist; a center file comes from the center.*sha256sum center\.json/);
  });
});
