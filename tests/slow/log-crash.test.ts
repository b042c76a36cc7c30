/**
 * Issue 9, acceptance: `sealpost serve` (the built CLI, checkpoints every 0.1 s) is killed with
 * SIGKILL 20 times under load; after each restart every receipt ever issued is included under the
 * next checkpoint (the first one served), and every checkpoint ever served is consistent with it.
 * Every receipt is checked against the served entry bundles and an independent tree of them; the
 * last round's receipts also by proofs from the hash tiles (TileHashReader), a sample by the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { fromBase64 } from '../../src/crypto/base64.js';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { receivedLeaf } from '../../src/center/leaf.js';
import { verifyCheckpoint, type SignedCheckpoint } from '../../src/log/checkpoint.js';
import { inclusionPlan, leafHash, MemoryHashes, run, runSync, treeHashPlan, verifyConsistency, verifyInclusion } from '../../src/log/merkle.js';
import { decodeBundle, entriesPath, TileHashReader, TILE_WIDTH } from '../../src/log/tiles.js';
import { BIN } from '../harness/cli.js';
import { seeded } from '../harness/prng.js';

const KILLS = 20;
const CLIENTS = 16;

let dir: string;
let center: Center;
let server: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-log-crash-'));
  await generateCenterKeys('center.test', join(dir, 'keys'));
  center = parseCenterFile(await readFile(join(dir, 'keys', 'center.json')));
});
afterAll(async () => {
  server?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function start(): Promise<{ proc: ChildProcess; url: URL }> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--checkpoint-interval', '0.1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l);
      if (m) resolve({ proc, url: new URL(m[1]!) });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited (${code})`)));
  });
}

interface Issued {
  readonly index: number;
  readonly leaf: Uint8Array;
}

async function getText(url: URL, dispatcher?: Agent): Promise<string> {
  const res = await request(url, dispatcher ? { dispatcher } : {});
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url.pathname}: ${res.statusCode} ${text}`);
  return text;
}

describe('serve killed with SIGKILL under load', () => {
  it(`${KILLS} kills: every receipt is included under the next checkpoint, every served checkpoint is consistent with it`, async () => {
    const issued = new Map<number, Issued>();
    const served = new Map<string, SignedCheckpoint>();
    const lastRound: Issued[] = [];
    const random = seeded(9);
    const checkpointOf = (note: string) => verifyCheckpoint(note, center.logKey, 'center.test/log');
    let receiptsAtKill = 0;
    for (let round = 0; round <= KILLS; round++) {
      const { proc, url } = await start();
      server = proc;
      // The next checkpoint: the first served after the restart.
      const next = checkpointOf(await getText(new URL('v1/checkpoint', url)));
      served.set(next.note, next);
      for (const i of issued.keys()) expect(i, `receipt ${i} beyond checkpoint ${next.size}`).toBeLessThan(next.size);
      // Every receipt: its leaf is at its index in the served entry bundles, and the tree of all
      // the bundles' leaves (computed here, independently) has the checkpoint's root.
      const fetchTile = async (p: string) => new Uint8Array(await (await request(new URL(`v1/log/${p}`, url))).body.arrayBuffer());
      const leaves: Uint8Array[] = [];
      for (let n = 0; n * TILE_WIDTH < next.size; n++) leaves.push(...decodeBundle(await fetchTile(entriesPath(n, Math.min(TILE_WIDTH, next.size - n * TILE_WIDTH)))));
      expect(leaves).toHaveLength(next.size);
      for (const r of issued.values()) expect(Buffer.from(leaves[r.index]!).equals(r.leaf), `leaf ${r.index}`).toBe(true);
      const mirror = new MemoryHashes();
      for (const l of leaves) mirror.append(leafHash(l));
      expect(Buffer.from(runSync(treeHashPlan(next.size), (p) => mirror.readHashes(p)))).toEqual(Buffer.from(next.root));
      // The receipts of the last round, also by inclusion proofs from the hash tiles.
      const tiles = new TileHashReader(next.size, fetchTile);
      for (const r of lastRound) verifyInclusion(r.index, next.size, leafHash(r.leaf), await run(inclusionPlan(r.index, next.size), tiles), next.root);
      lastRound.length = 0;
      const sample = [...issued.values()].filter(() => random() < 0.01);
      for (const r of sample) {
        const body = JSON.parse(await getText(new URL(`v1/proof/inclusion?index=${r.index}&size=${next.size}`, url))) as { hashes: string[] };
        verifyInclusion(r.index, next.size, leafHash(r.leaf), body.hashes.map((h) => fromBase64(h, 32)!), next.root);
      }
      for (const c of served.values()) {
        expect(c.size, 'a served checkpoint larger than the next one').toBeLessThanOrEqual(next.size);
        if (c.size === 0) continue;
        const body = JSON.parse(await getText(new URL(`v1/proof/consistency?from=${c.size}&to=${next.size}`, url))) as { hashes: string[] };
        verifyConsistency(c.size, next.size, body.hashes.map((h) => fromBase64(h, 32)!), c.root, next.root);
      }
      if (round === KILLS) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
        server = undefined;
        break;
      }

      // Load, a checkpoint watcher, and a SIGKILL at a random moment (the point of the test: not a synchronisation).
      let killed = false;
      const agent = new Agent({ connections: CLIENTS + 2 });
      const client = async () => {
        while (!killed) {
          const env = randomBytes(1073);
          env[0] = 0x01;
          try {
            const res = await request(new URL('v1/envelopes', url), {
              method: 'POST',
              body: env,
              headers: { 'sealpost-token': randomBytes(16).toString('base64') },
              dispatcher: agent,
            });
            const text = await res.body.text();
            if (res.statusCode !== 200) continue;
            const eh = createHash('sha256').update(env).digest();
            const f = verifyReceipt((JSON.parse(text) as { receipt: string }).receipt, { center: center.name, logKey: center.logKey, eh });
            const r = { index: f.index, leaf: receivedLeaf(f.blind, eh, f.hour) };
            issued.set(f.index, r);
            lastRound.push(r);
          } catch {
            // the kill resets the connection
          }
        }
      };
      const watcher = async () => {
        while (!killed) {
          try {
            const c = checkpointOf(await getText(new URL('v1/checkpoint', url), agent));
            served.set(c.note, c);
          } catch {
            // the kill
          }
        }
      };
      const exited = new Promise((r) => proc.once('exit', r));
      const timer = setTimeout(() => proc.kill('SIGKILL'), 150 + Math.floor(random() * 500));
      const load = Promise.all([...Array.from({ length: CLIENTS }, client), watcher()]);
      await exited;
      clearTimeout(timer);
      killed = true;
      await load;
      await agent.destroy();
      server = undefined;
      receiptsAtKill = issued.size;
    }
    console.log(`${issued.size} receipts, ${served.size} distinct checkpoints served over ${KILLS} kills`);
    // The test proves something only if the kills came under load, with checkpoints moving.
    expect(receiptsAtKill).toBeGreaterThan(KILLS * 20);
    expect(served.size).toBeGreaterThan(KILLS * 2);
  });
});
