/**
 * Issue 9, build point 5, end to end on loopback: an intake (`startServe`) whose `<keys>/center.json`
 * lists two witnesses — a real `startWitness` following the center file's log, and one that is down
 * — serves at `GET /v1/checkpoint` checkpoints that carry the live witness's cosignature, also after
 * the intake restarts (its collector starts from 0 and learns the witness's size from a 409).
 */
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../src/crypto/note.js';
import { startServe } from '../../src/center/serve.js';
import { exportLog } from '../../src/center/log/export.js';
import { verifyCheckpoint } from '../../src/log/checkpoint.js';
import { parseCosignatureKey, requireCosignatures } from '../../src/log/cosignature.js';
import { generateWitnessKey } from '../../src/center/witness/keygen.js';
import { startWitness, type WitnessServing } from '../../src/center/witness/serve.js';
import { CENTER, envelope, get, makeCenter, post, token, type TestCenter } from '../fixtures/center-helpers.js';

let center: TestCenter;
let witness: WitnessServing;
let keys: ReturnType<typeof parseCosignatureKey>[];

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  center = await makeCenter();
  const w1 = await generateWitnessKey('w1.test', join(center.dir, 'w1'));
  const w2 = await generateWitnessKey('w2.test', join(center.dir, 'w2'));
  keys = [parseCosignatureKey(w1.verifierKey), parseCosignatureKey(w2.verifierKey)];
  const file = join(center.keysDir, 'center.json');
  witness = await startWitness({ keysDir: join(center.dir, 'w1'), dataDir: join(center.dir, 'w1-data'), listen: '127.0.0.1:0', centerFiles: [file], log: () => {} });
  expect(witness.origins).toEqual([`${CENTER}/log`]);
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  json.witnesses = [
    { name: 'w1.test', key: w1.verifierKey, url: witness.url.href },
    { name: 'w2.test', key: w2.verifierKey, url: `http://127.0.0.1:${await closedPort()}/` },
  ];
  json.witnessPolicy = 1;
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
});
afterAll(async () => {
  await witness.close();
  await center.cleanup();
});

async function served(url: URL): Promise<{ size: number; cosigners: string[] }> {
  const r = await get(new URL('v1/checkpoint', url));
  expect(r.status).toBe(200);
  const c = verifyCheckpoint(r.text, parseVerifierKey(center.logKey), `${CENTER}/log`);
  return { size: c.size, cosigners: requireCosignatures(r.text, keys, 1).map((x) => x.name) };
}

describe('the intake with witnesses listed in its center file', () => {
  it('serves checkpoints cosigned by the live witness; the down one adds nothing; a restart catches up', async () => {
    const data = join(center.dir, 'data');
    const lines: string[] = [];
    let s = await startServe({ keysDir: center.keysDir, dataDir: data, listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000, log: (l) => lines.push(l) });
    try {
      for (let i = 0; i < 3; i++) expect((await post(s.url, envelope(), token())).status).toBe(200);
      await s.checkpoint();
      expect(await served(s.url)).toEqual({ size: 3, cosigners: ['w1.test'] });
      expect(lines.some((l) => /witness w2\.test gave no cosignature/.test(l))).toBe(true);
      for (let i = 0; i < 4; i++) expect((await post(s.url, envelope(), token())).status).toBe(200);
      await s.checkpoint();
      expect(await served(s.url)).toEqual({ size: 7, cosigners: ['w1.test'] });
      await s.close();
      s = await startServe({ keysDir: center.keysDir, dataDir: data, listen: '127.0.0.1:0', checkpointIntervalMs: 3_600_000, log: () => {} });
      expect((await post(s.url, envelope(), token())).status).toBe(200);
      await s.checkpoint();
      expect(await served(s.url)).toEqual({ size: 8, cosigners: ['w1.test'] });
    } finally {
      await s.close();
    }
    // A static export publishes the cosigned note, so a client with a witnessPolicy verifies from a mirror.
    const tiles = join(center.dir, 'tiles');
    await exportLog({ dataDir: data, tilesDir: tiles });
    const exported = await readFile(join(tiles, 'checkpoint'), 'utf8');
    expect(verifyCheckpoint(exported, parseVerifierKey(center.logKey), `${CENTER}/log`).size).toBe(8);
    expect(requireCosignatures(exported, keys, 1).map((x) => x.name)).toEqual(['w1.test']);
  });

  it('refuses to start with a center file of another log key in --keys', async () => {
    const other = await makeCenter();
    try {
      await writeFile(join(other.keysDir, 'center.json'), await readFile(join(center.keysDir, 'center.json')));
      await expect(startServe({ keysDir: other.keysDir, dataDir: join(other.dir, 'data'), listen: '127.0.0.1:0', log: () => {} })).rejects.toMatchObject({
        code: 'bad-center-file',
        field: '--keys',
      });
    } finally {
      await other.cleanup();
    }
  });
});
