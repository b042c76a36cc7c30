/**
 * Issue 6 finding 7: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not switch off the
 * certificate check of a route (routes carry their own trust, spec 6). A center behind an
 * interception certificate that answers with what looks like success is never "delivered".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCenter, type TestCenter } from '../harness/center.js';
import { tlsAnswering, tlsPair, type Peer } from '../harness/censor.js';
import { sealpost } from '../harness/cli.js';

let c: TestCenter;
let impostor: Peer;
let tmp: string;

beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-tls-env-'));
  impostor = await tlsAnswering(tlsPair('impostor'), (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
afterAll(async () => {
  await impostor.close();
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('NODE_TLS_REJECT_UNAUTHORIZED', () => {
  it('=0 is ignored: an untrusted certificate is still a tls failure, and Node prints no warning', async () => {
    const doc = JSON.parse(await readFile(join(c.keysDir, 'center.json'), 'utf8')) as Record<string, unknown>;
    const file = join(tmp, 'center.json');
    await writeFile(file, JSON.stringify({ ...doc, routes: [] }));
    const url = `https://127.0.0.1:${impostor.port}/`;
    const r = await sealpost(['submit', '--json', '--home', join(tmp, 'home'), '--center', file, '--route', url, '--name', 'A', '--orgs', 'CYL', '--country', 'TW'], {
      env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    });
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as { attempts: { outcome: string }[] }).attempts).toEqual([{ route: 'arg-1', outcome: 'tls', ms: expect.any(Number), hop: 'center' }]);
    expect(r.stderr).not.toContain('NODE_TLS_REJECT_UNAUTHORIZED');
    expect(impostor.accepted()).toBe(0); // the handshake never completed, so no request reached it
  });
});
