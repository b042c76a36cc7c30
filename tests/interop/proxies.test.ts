/**
 * Interop: sealpost delivers through Debian's own proxy servers, not only npm ones: tinyproxy as
 * an HTTP CONNECT proxy with Basic auth, and microsocks as a SOCKS5 proxy with user/password.
 * `.ci/run` installs them with apt-get; the suite fails in CI when a binary is missing and skips
 * elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { RouteError } from '../../src/errors.js';
import { deliver } from '../../src/transport/deliver.js';
import { parseProxyUrl, parseRoute, throughProxy, type Route } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { TEST_CA } from '../harness/censor.js';
import { daemon, have, type Daemon } from '../harness/daemon.js';

const missing = ['tinyproxy', 'microsocks'].filter((b) => !have(b));
if (missing.length && process.env.CI) throw new Error(`interop servers missing: ${missing.join(', ')} (see .ci/run)`);

let secure: TestCenter;
let tiny: Daemon;
let micro: Daemon;
let dir: string;

beforeAll(async () => {
  if (missing.length) return;
  secure = await startCenter({ tls: true });
  dir = await mkdtemp(join(tmpdir(), 'sealpost-interop-'));
  tiny = await daemon('tinyproxy', async (port) => {
    const conf = join(dir, 'tinyproxy.conf');
    const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', 'MaxClients 20', 'Allow 127.0.0.1', 'BasicAuth user s3cret', 'LogLevel Critical'];
    await writeFile(conf, lines.join('\n') + '\n');
    return ['-d', '-c', conf];
  });
  micro = await daemon('microsocks', (port) => ['-i', '127.0.0.1', '-p', String(port), '-u', 'user', '-P', 's3cret']);
});

afterAll(async () => {
  await tiny?.stop();
  await micro?.stop();
  await secure?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function send(route: Route) {
  const envelope = sealEnvelope(new TextEncoder().encode('{"interop":1}'), secure.center.boxKey);
  return deliver(envelope, randomBytes(16), route, {
    center: { name: secure.center.name, logKey: secure.center.logKey },
    signal: AbortSignal.timeout(10_000),
    timeouts: { connect: 5000, tls: 5000, receipt: 5000 },
  });
}

const centerUrl = () => `https://localhost:${secure.url.port}/`;

describe.skipIf(missing.length > 0)('Debian proxy servers', () => {
  it('tinyproxy (HTTP CONNECT, Basic auth) carries a submission to a verified receipt', async () => {
    const d = await send(parseRoute({ id: 'tiny', kind: 'http-proxy', url: centerUrl(), proxy: `http://user:s3cret@127.0.0.1:${tiny.port}`, ca: TEST_CA }));
    expect(d.fields.center).toBe('center.test');
  });

  it('tinyproxy with wrong credentials is proxy-auth, a configuration error', async () => {
    const e = await send(parseRoute({ id: 'tiny', kind: 'http-proxy', url: centerUrl(), proxy: `http://user:wrong@127.0.0.1:${tiny.port}`, ca: TEST_CA })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RouteError);
    expect(e).toMatchObject({ outcome: 'proxy-auth', failureClass: 'config' });
  });

  it('microsocks (SOCKS5, user/password, name resolved at the proxy) carries a submission', async () => {
    const d = await send(parseRoute({ id: 'micro', kind: 'socks', url: centerUrl(), proxy: `socks5://user:s3cret@127.0.0.1:${micro.port}`, ca: TEST_CA }));
    expect(d.fields.center).toBe('center.test');
  });

  it('microsocks with wrong credentials is proxy-auth', async () => {
    const e = await send(parseRoute({ id: 'micro', kind: 'socks', url: centerUrl(), proxy: `socks5h://user:nope@127.0.0.1:${micro.port}`, ca: TEST_CA })).catch((x: unknown) => x);
    expect(e).toMatchObject({ outcome: 'proxy-auth', failureClass: 'config' });
  });

  it('a target the proxy cannot reach is proxy-refused', async () => {
    const closed = `https://localhost:1/`;
    const e1 = await send(parseRoute({ id: 'tiny', kind: 'http-proxy', url: closed, proxy: `http://user:s3cret@127.0.0.1:${tiny.port}`, ca: TEST_CA })).catch((x: unknown) => x);
    expect(e1).toMatchObject({ outcome: 'proxy-refused' });
    const e2 = await send(parseRoute({ id: 'micro', kind: 'socks', url: closed, proxy: `socks5h://user:s3cret@127.0.0.1:${micro.port}`, ca: TEST_CA })).catch((x: unknown) => x);
    expect(e2).toMatchObject({ outcome: 'proxy-refused' });
  });

  it('chained (issue 6): microsocks as the user proxy in front of tinyproxy as the route proxy, and the other way round', async () => {
    const viaTiny = parseRoute({ id: 'tiny', kind: 'http-proxy', url: centerUrl(), proxy: `http://user:s3cret@127.0.0.1:${tiny.port}`, ca: TEST_CA });
    const a = await send(throughProxy(viaTiny, parseProxyUrl(`socks5h://user:s3cret@127.0.0.1:${micro.port}`), 1));
    expect(a.fields.center).toBe('center.test');
    const viaMicro = parseRoute({ id: 'micro', kind: 'socks', url: centerUrl(), proxy: `socks5h://user:s3cret@127.0.0.1:${micro.port}`, ca: TEST_CA });
    const b = await send(throughProxy(viaMicro, parseProxyUrl(`http://user:s3cret@127.0.0.1:${tiny.port}`), 1));
    expect(b.fields.center).toBe('center.test');
  });
});
