/**
 * `verify` end to end (issue 9): the real intake (`startServe`), `submit --keep-receipts` (sealed
 * under a passphrase), then `verify` — first before a checkpoint covers the receipts, then after;
 * and the same receipts proved from a `log export --tiles` folder on a plain static file server
 * (the center out of reach), which holds no envelope id.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { exportLog, startServe, type Serving } from '../../src/center/serve.js';
import { sealpost } from '../harness/cli.js';

let dir: string;
let server: Serving;
let statics: Server;
const env = { SEALPOST_PASSPHRASE: 'a long enough test passphrase' };
const STATEMENT = ['--name', '小李', '--orgs', 'CYL', '--country', 'CN', '--province', '440000'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-verify-e2e-'));
  await generateCenterKeys('center.test', join(dir, 'keys'));
  // A checkpoint only when the test asks (an hour apart otherwise): what `verify` sees is fixed.
  server = await startServe({ keysDir: join(dir, 'keys'), dataDir: join(dir, 'data'), listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await new Promise((r) => (statics ? statics.close(r) : r(undefined)));
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], center = join(dir, 'keys', 'center.json')) => sealpost(['--home', join(dir, 'home'), '--center', center, ...args], { env });

/** A plain static file server (no sealpost code) over `root`. */
async function serveFolder(root: string): Promise<URL> {
  statics = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => statics.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(statics.address() as { port: number }).port}/`);
}

describe('verify against the real intake', () => {
  const ids: string[] = [];

  it('submit --keep-receipts twice; verify before a checkpoint covers them: not yet covered, exit 0', async () => {
    for (let i = 0; i < 2; i++) {
      const s = await run(['--keep-receipts', 'submit', ...STATEMENT, '--only-routes', '--route', server.url.href, '--json']);
      expect(s.code).toBe(0);
      ids.push(JSON.parse(s.stdout).id);
    }
    const v = await run(['verify', '--only-routes', '--route', server.url.href, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).receipts.map((r: { status: string }) => r.status)).toEqual(['not-yet-covered', 'not-yet-covered']);
  });

  it('after a checkpoint: both included, proved from the intake tiles, consistent with the one kept', async () => {
    await server.checkpoint();
    const v = await run(['verify', '--only-routes', '--route', server.url.href, '--json']);
    expect(v.code).toBe(0);
    const doc = JSON.parse(v.stdout);
    expect(doc.checkpoint.size).toBe(2);
    expect(doc.receipts.map((r: { status: string; proof: string }) => [r.status, r.proof])).toEqual([
      ['included', 'tiles'],
      ['included', 'tiles'],
    ]);
    expect(doc.ok).toBe(true);
  });

  it('from a tiles export on a static file server, the center out of reach: exit 0; the export holds no envelope id', async () => {
    const tiles = join(dir, 'tiles');
    await exportLog({ dataDir: join(dir, 'data'), tilesDir: tiles });
    const url = await serveFolder(tiles);
    const center = JSON.parse(await readFile(join(dir, 'keys', 'center.json'), 'utf8'));
    await writeFile(join(dir, 'mirrored.json'), JSON.stringify({ ...center, tiles: [url.href] }));
    const v = await run(['verify', '--only-routes', '--route', 'http://127.0.0.1:1/', '--json'], join(dir, 'mirrored.json'));
    expect(v.code).toBe(0);
    const doc = JSON.parse(v.stdout);
    expect(doc.checkpoint.route).toBe('arg-1~tiles-1');
    expect(doc.receipts.map((r: { status: string }) => r.status)).toEqual(['included', 'included']);
    const files = await readdir(tiles, { recursive: true, withFileTypes: true });
    const all = Buffer.concat(await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name)))));
    for (const id of ids) {
      expect(all.includes(Buffer.from(id, 'hex'))).toBe(false);
      expect(all.includes(Buffer.from(id))).toBe(false);
    }
  });
});
