/**
 * Issue 9, the received log's HTTP API (wire spec 5, 7) on a real `startServe` over SQLite:
 * checkpoints signed by the log key cover every receipt, proofs and tiles verify against them with
 * the src/log verifiers (checked against an independent in-memory tree), tiles contain no envelope
 * id, and bad parameters get a 400 with a stable code.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/crypto/base64.js';
import { parseVerifierKey } from '../../src/crypto/note.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { receivedLeaf } from '../../src/center/leaf.js';
import { startServe, type Serving } from '../../src/center/serve.js';
import { verifyCheckpoint, type SignedCheckpoint } from '../../src/log/checkpoint.js';
import { consistencyPlan, inclusionPlan, leafHash, MemoryHashes, run, runSync, treeHashPlan, verifyConsistency, verifyInclusion } from '../../src/log/merkle.js';
import { decodeBundle, TileHashReader } from '../../src/log/tiles.js';
import { CENTER, envelope, makeCenter, post, token, type TestCenter } from '../fixtures/center-helpers.js';
import { startMemoryServe } from '../harness/memory-center.js';

let center: TestCenter;
let serving: Serving;
/** The receipts in index order, with their leaves. */
const got: { eh: Buffer; index: number; leaf: Uint8Array }[] = [];
let first: SignedCheckpoint;
let cp: SignedCheckpoint;
const mirror = new MemoryHashes();

async function fetchBytes(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const res = await request(new URL(path, serving.url));
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

async function checkpoint(): Promise<SignedCheckpoint> {
  const r = await fetchBytes('v1/checkpoint');
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  return verifyCheckpoint(r.body.toString('utf8'), parseVerifierKey(center.logKey), `${CENTER}/log`);
}

async function submit(n: number): Promise<void> {
  // 25 at a time: several group commits of different sizes.
  for (let i = 0; i < n; i += 25) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, async () => {
        const env = envelope();
        const a = await post(serving.url, env, token());
        expect(a.status).toBe(200);
        const eh = createHash('sha256').update(env).digest();
        const f = verifyReceipt(a.json().receipt!, { center: CENTER, logKey: center.logKey, eh });
        return { eh, index: f.index, leaf: receivedLeaf(f.blind, eh, f.hour) };
      }),
    );
    got.push(...answers);
  }
  got.sort((a, b) => a.index - b.index);
}

beforeAll(async () => {
  center = await makeCenter();
  // An hour between rounds: the test triggers them (serving.checkpoint()).
  serving = await startServe({ keysDir: center.keysDir, dataDir: join(center.dir, 'data'), listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000 });
  first = await checkpoint();
  await submit(120);
  await serving.checkpoint();
  await submit(180);
  await serving.checkpoint();
  cp = await checkpoint();
  for (const g of got) mirror.append(leafHash(g.leaf));
});
afterAll(async () => {
  await serving.close();
  await center.cleanup();
});

describe('GET /v1/checkpoint', () => {
  it('serves a checkpoint before the first envelope (size 0), then one covering every receipt after a round', () => {
    expect(first.size).toBe(0);
    expect(got.map((g) => g.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(cp.origin).toBe(`${CENTER}/log`);
    expect(cp.size).toBe(300);
  });

  it('has the root of the tree of the receipts leaves, as an independent in-memory tree computes it', () => {
    expect(Buffer.from(cp.root)).toEqual(Buffer.from(runSync(treeHashPlan(300), (p) => mirror.readHashes(p))));
  });

  it('is served the same at /v1/log/checkpoint, and not cached', async () => {
    const a = await fetchBytes('v1/log/checkpoint');
    expect(a.body.toString('utf8')).toBe(cp.note);
    expect(a.headers['cache-control']).toBe('no-cache');
  });

  it('does not change without a round (never per request), even after new receipts', async () => {
    await submit(1);
    expect((await checkpoint()).note).toBe(cp.note);
    got.pop();
  });
});

describe('GET /v1/proof/inclusion', () => {
  it('proves every receipt under the checkpoint', async () => {
    for (const g of got) {
      const r = await fetchBytes(`v1/proof/inclusion?index=${g.index}&size=${cp.size}`);
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body.toString('utf8')) as { index: number; size: number; hashes: string[] };
      expect(body.index).toBe(g.index);
      expect(body.size).toBe(cp.size);
      verifyInclusion(g.index, cp.size, leafHash(g.leaf), body.hashes.map((h) => fromBase64(h, 32)!), cp.root);
    }
  });

  it('serves proofs for smaller sizes too, matching the independent tree', async () => {
    for (const [index, size] of [[0, 1], [5, 6], [99, 120], [119, 120], [0, 256], [255, 257]] as const) {
      const r = await fetchBytes(`v1/proof/inclusion?index=${index}&size=${size}`);
      const body = JSON.parse(r.body.toString('utf8')) as { hashes: string[] };
      const root = runSync(treeHashPlan(size), (p) => mirror.readHashes(p));
      verifyInclusion(index, size, leafHash(got[index]!.leaf), body.hashes.map((h) => fromBase64(h, 32)!), root);
    }
  });

  it('a proof for the wrong leaf does not verify (the test can fail)', async () => {
    const r = await fetchBytes(`v1/proof/inclusion?index=3&size=${cp.size}`);
    const hashes = (JSON.parse(r.body.toString('utf8')) as { hashes: string[] }).hashes.map((h) => fromBase64(h, 32)!);
    expect(() => verifyInclusion(3, cp.size, leafHash(got[4]!.leaf), hashes, cp.root)).toThrow(/root/);
  });
});

describe('GET /v1/proof/consistency', () => {
  it('proves every smaller tree a prefix of the checkpoint', async () => {
    for (let m = 1; m <= cp.size; m += 7) {
      const r = await fetchBytes(`v1/proof/consistency?from=${m}&to=${cp.size}`);
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body.toString('utf8')) as { from: number; to: number; hashes: string[] };
      expect([body.from, body.to]).toEqual([m, cp.size]);
      const root1 = runSync(treeHashPlan(m), (p) => mirror.readHashes(p));
      verifyConsistency(m, cp.size, body.hashes.map((h) => fromBase64(h, 32)!), root1, cp.root);
    }
  });

  it('proves the checkpoint of 120 consistent with the one of 300', async () => {
    const r = await fetchBytes(`v1/proof/consistency?from=120&to=300`);
    const hashes = (JSON.parse(r.body.toString('utf8')) as { hashes: string[] }).hashes.map((h) => fromBase64(h, 32)!);
    verifyConsistency(120, 300, hashes, runSync(treeHashPlan(120), (p) => mirror.readHashes(p)), cp.root);
    expect(hashes).toEqual(runSync(consistencyPlan(120, 300), (p) => mirror.readHashes(p)));
  });
});

describe('bad proof requests', () => {
  it.each([
    ['v1/proof/inclusion?size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=1', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=abc&size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=01&size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=-1&size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=1.0&size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=1&index=2&size=300', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=1&size=99999999999999999', 400, 'bad-parameter'],
    ['v1/proof/inclusion?index=300&size=300', 400, 'bad-range'],
    ['v1/proof/inclusion?index=0&size=0', 400, 'bad-range'],
    ['v1/proof/inclusion?index=0&size=301', 400, 'beyond-checkpoint'],
    ['v1/proof/consistency?from=1', 400, 'bad-parameter'],
    ['v1/proof/consistency?from=0&to=5', 400, 'bad-range'],
    ['v1/proof/consistency?from=6&to=5', 400, 'bad-range'],
    ['v1/proof/consistency?from=1&to=301', 400, 'beyond-checkpoint'],
    ['v1/proof/other?index=1&size=2', 404, 'not-found'],
  ])('%s → %d %s', async (path, status, code) => {
    const r = await fetchBytes(path);
    expect(r.status).toBe(status);
    const body = JSON.parse(r.body.toString('utf8')) as { error: string; message: string };
    expect(body.error).toBe(code);
    expect(body.message).toMatch(/\w/);
  });

  it('answers 405 to a POST', async () => {
    const res = await request(new URL('v1/checkpoint', serving.url), { method: 'POST', body: 'x' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    await res.body.dump();
  });
});

describe('GET /v1/log/tile/...', () => {
  it('serves only the tiles of the served size: full ones immutable, partial ones briefly cached, others 404', async () => {
    const full = await fetchBytes('v1/log/tile/0/000');
    expect(full.status).toBe(200);
    expect(full.body.length).toBe(256 * 32);
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const partial = await fetchBytes('v1/log/tile/0/001.p/44');
    expect(partial.status).toBe(200);
    expect(partial.headers['cache-control']).toBe('public, max-age=10');
    expect((await fetchBytes('v1/log/tile/1/000.p/1')).status).toBe(200);
    for (const p of ['v1/log/tile/0/001.p/45', 'v1/log/tile/0/001.p/43', 'v1/log/tile/0/001', 'v1/log/tile/0/002.p/1', 'v1/log/tile/1/000', 'v1/log/tile/2/000.p/1', 'v1/log/tile/0/0', 'v1/log/tile/entries/001.p/45']) {
      expect((await fetchBytes(p)).status, p).toBe(404);
    }
  });

  it('reproduces the API proofs and the root through TileHashReader', async () => {
    const reader = new TileHashReader(cp.size, async (path) => {
      const r = await fetchBytes(`v1/log/${path}`);
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      return r.body;
    });
    expect(Buffer.from(await run(treeHashPlan(cp.size), reader))).toEqual(Buffer.from(cp.root));
    for (const index of [0, 1, 127, 255, 256, 299]) {
      const api = await fetchBytes(`v1/proof/inclusion?index=${index}&size=${cp.size}`);
      const hashes = (JSON.parse(api.body.toString('utf8')) as { hashes: string[] }).hashes;
      expect((await run(inclusionPlan(index, cp.size), reader)).map((h) => Buffer.from(h).toString('base64'))).toEqual(hashes);
    }
    const c = await fetchBytes(`v1/proof/consistency?from=120&to=${cp.size}`);
    expect((await run(consistencyPlan(120, cp.size), reader)).map((h) => Buffer.from(h).toString('base64'))).toEqual((JSON.parse(c.body.toString('utf8')) as { hashes: string[] }).hashes);
  });

  it('entry bundles hold the 40-byte leaves, and no tile or bundle holds an envelope id', async () => {
    const b0 = await fetchBytes('v1/log/tile/entries/000');
    const b1 = await fetchBytes('v1/log/tile/entries/001.p/44');
    expect(b0.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const leaves = [...decodeBundle(b0.body), ...decodeBundle(b1.body)];
    expect(leaves.map((l) => Buffer.from(l).toString('hex'))).toEqual(got.map((g) => Buffer.from(g.leaf).toString('hex')));
    const all = Buffer.concat([b0.body, b1.body, ...(await Promise.all(['tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1'].map(async (p) => (await fetchBytes(`v1/log/${p}`)).body)))]);
    for (const g of got) expect(all.includes(g.eh)).toBe(false);
    // The check itself can fail: a leaf is found.
    expect(all.includes(Buffer.from(got[7]!.leaf))).toBe(true);
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await request(new URL('v1/log/tile/0/000', serving.url), { method: 'HEAD' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(256 * 32));
    expect((await res.body.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('the memory center of the client-only tests (tests/harness/memory-center.ts)', () => {
  it('serves the same checkpoint, proofs and tiles', async () => {
    const mem = await startMemoryServe({ keysDir: center.keysDir, dataDir: join(center.dir, 'mem'), listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000 });
    try {
      const leaves: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        const env = envelope();
        const eh = createHash('sha256').update(env).digest();
        const f = verifyReceipt((await post(mem.url, env, token())).json().receipt!, { center: CENTER, logKey: center.logKey, eh });
        expect(f.index).toBe(i);
        leaves.push(receivedLeaf(f.blind, eh, f.hour));
      }
      await mem.checkpoint();
      const note = await (await request(new URL('v1/checkpoint', mem.url))).body.text();
      const c = verifyCheckpoint(note, parseVerifierKey(center.logKey));
      expect(c.size).toBe(3);
      for (let i = 0; i < 3; i++) {
        const body = (await (await request(new URL(`v1/proof/inclusion?index=${i}&size=3`, mem.url))).body.json()) as { hashes: string[] };
        verifyInclusion(i, 3, leafHash(leaves[i]!), body.hashes.map((h) => fromBase64(h, 32)!), c.root);
      }
      const reader = new TileHashReader(3, async (p) => new Uint8Array(await (await request(new URL(`v1/log/${p}`, mem.url))).body.arrayBuffer()));
      expect(Buffer.from(await run(treeHashPlan(3), reader))).toEqual(Buffer.from(c.root));
    } finally {
      await mem.close();
    }
  });
});
