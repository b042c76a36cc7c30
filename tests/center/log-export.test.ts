/**
 * Issue 9, build 3: `sealpost log export --data <dir> --tiles <dir>` (the built CLI) writes the
 * received log at its latest stored checkpoint as C2SP tlog-tiles files that reproduce the API's
 * proofs through TileHashReader and hold no envelope id; a re-export writes only what changed.
 * Also serve's `--checkpoint-interval` flag. Runs the built code: `npm run build` first.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/crypto/base64.js';
import { parseVerifierKey } from '../../src/crypto/note.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { startServe, type Serving } from '../../src/center/serve.js';
import { verifyCheckpoint } from '../../src/log/checkpoint.js';
import { consistencyPlan, inclusionPlan, run, treeHashPlan } from '../../src/log/merkle.js';
import { decodeBundle, TileHashReader } from '../../src/log/tiles.js';
import { sealpost } from '../harness/cli.js';
import { CENTER, envelope, makeCenter, post, token, type TestCenter } from '../fixtures/center-helpers.js';

let center: TestCenter;
let serving: Serving;
let dataDir: string;
const ehs: Buffer[] = [];

async function submit(n: number): Promise<void> {
  // 20 at a time: within the per-address connection cap.
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async () => {
        const env = envelope();
        const a = await post(serving.url, env, token());
        const eh = createHash('sha256').update(env).digest();
        verifyReceipt(a.json().receipt!, { center: CENTER, logKey: center.logKey, eh });
        ehs.push(eh);
      }),
    );
  }
  await serving.checkpoint();
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

beforeAll(async () => {
  center = await makeCenter();
  dataDir = join(center.dir, 'data');
  serving = await startServe({ keysDir: center.keysDir, dataDir, listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000 });
  await submit(300);
});
afterAll(async () => {
  await serving.close();
  await center.cleanup();
});

describe('sealpost log export', () => {
  it('writes the checkpoint, every tile and bundle of its size, and they reproduce the API proofs', async () => {
    const tiles = join(center.dir, 'tiles');
    const r = await sealpost(['--json', 'log', 'export', '--data', dataDir, '--tiles', tiles]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ size: 300, written: 6, kept: 0, tiles });
    expect(await files(tiles)).toEqual(['checkpoint', 'tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1', 'tile/entries/000', 'tile/entries/001.p/44']);
    const note = await readFile(join(tiles, 'checkpoint'), 'utf8');
    const cp = verifyCheckpoint(note, parseVerifierKey(center.logKey));
    expect(note).toBe(await (await request(new URL('v1/checkpoint', serving.url))).body.text());
    const reader = new TileHashReader(cp.size, async (p) => readFile(join(tiles, p)));
    expect(Buffer.from(await run(treeHashPlan(cp.size), reader))).toEqual(Buffer.from(cp.root));
    for (const [index, from] of [[0, 1], [255, 100], [256, 256], [299, 299]] as const) {
      const api = (await (await request(new URL(`v1/proof/inclusion?index=${index}&size=300`, serving.url))).body.json()) as { hashes: string[] };
      expect((await run(inclusionPlan(index, 300), reader)).map((h) => Buffer.from(h).toString('base64'))).toEqual(api.hashes);
      const c = (await (await request(new URL(`v1/proof/consistency?from=${from}&to=300`, serving.url))).body.json()) as { hashes: string[] };
      expect(await run(consistencyPlan(from, 300), reader)).toEqual(c.hashes.map((h) => fromBase64(h, 32)));
    }
    const all = Buffer.concat(await Promise.all((await files(tiles)).map((f) => readFile(join(tiles, f)))));
    for (const eh of ehs) expect(all.includes(eh)).toBe(false);
    const leaves = [...decodeBundle(await readFile(join(tiles, 'tile/entries/000'))), ...decodeBundle(await readFile(join(tiles, 'tile/entries/001.p/44')))];
    expect(leaves).toHaveLength(300);
    expect(leaves.every((l) => l.length === 40)).toBe(true);
  });

  it('a re-export keeps the full tiles and writes only the new ones and the checkpoint', async () => {
    const tiles = join(center.dir, 'tiles-again');
    expect((await sealpost(['log', 'export', '--data', dataDir, '--tiles', tiles])).code).toBe(0);
    const before = (await stat(join(tiles, 'tile/0/000'))).mtimeMs;
    const same = await sealpost(['--json', 'log', 'export', '--data', dataDir, '--tiles', tiles]);
    expect(JSON.parse(same.stdout)).toMatchObject({ written: 0, kept: 6 });
    await submit(240);
    const r = await sealpost(['--json', 'log', 'export', '--data', dataDir, '--tiles', tiles]);
    expect(r.code, r.stderr).toBe(0);
    // size 540: tile 0/001 becomes full, 0/002.p/28 and 1/000.p/2 and their bundles are new; 0/000 kept.
    expect(JSON.parse(r.stdout)).toMatchObject({ size: 540, written: 6, kept: 2 });
    expect((await stat(join(tiles, 'tile/0/000'))).mtimeMs).toBe(before);
    expect(await files(tiles)).toEqual(expect.arrayContaining(['tile/0/001', 'tile/0/002.p/28', 'tile/1/000.p/2', 'tile/entries/001', 'tile/entries/002.p/28']));
    const cp = verifyCheckpoint(await readFile(join(tiles, 'checkpoint'), 'utf8'), parseVerifierKey(center.logKey));
    const reader = new TileHashReader(540, async (p) => readFile(join(tiles, p)));
    expect(Buffer.from(await run(treeHashPlan(540), reader))).toEqual(Buffer.from(cp.root));
  });

  it('prints the tiles folder on stdout and a summary on stderr, in English and zh-CN', async () => {
    const tiles = join(center.dir, 'tiles-text');
    const en = await sealpost(['log', 'export', '--data', dataDir, '--tiles', tiles]);
    expect(en.stdout).toBe(`${tiles}\n`);
    expect(en.stderr).toMatch(/exported the received log at size \d+ to /);
    const zh = await sealpost(['--lang', 'zh-CN', 'log', 'export', '--data', dataDir, '--tiles', tiles]);
    expect(zh.stderr).toMatch(/已把大小为 \d+ 的接收日志导出到/);
  });

  it('a folder without a log exits 2 naming --data, in both languages', async () => {
    const empty = join(center.dir, 'no-data');
    const en = await sealpost(['log', 'export', '--data', empty, '--tiles', join(center.dir, 't')]);
    expect(en.code).toBe(2);
    expect(en.stderr).toMatch(/sealpost: error: .*holds no received log with a checkpoint/);
    expect(en.stderr).toMatch(/--data/);
    const zh = await sealpost(['--lang', 'zh-CN', 'log', 'export', '--data', empty, '--tiles', join(center.dir, 't')]);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/中没有带检查点的接收日志/);
  });
});

describe('sealpost serve --checkpoint-interval', () => {
  it.each(['0', 'abc', '-1', '3601', '1e3'])('refuses %s with exit 2', async (v) => {
    const r = await sealpost(['serve', '--keys', center.keysDir, '--data', join(center.dir, 'unused'), '--listen', '127.0.0.1:0', '--checkpoint-interval', v]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--checkpoint-interval must be a number of seconds above 0 and at most 3600/);
  });
});
