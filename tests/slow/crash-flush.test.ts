/**
 * Issue 8, acceptance "crash safety" (with --keep-receipts): `outbox flush` of 500 envelopes to a
 * real `sealpost serve` (a child process of the built CLI) is killed with SIGKILL at 50 random
 * moments; after a final flush the center holds each of the 500 envelope ids exactly once (its
 * SQLite read-only) and the outbox marks all 500 delivered with receipts that verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { fromHex } from '../../src/crypto/base64.js';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { BIN, sealpost } from '../harness/cli.js';
import { seeded } from '../harness/prng.js';

const ENVELOPES = 500;
const KILLS = 50;

let dir: string;
let server: ChildProcess;
let url: string;
let center: Center;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-crash-flush-'));
  await generateCenterKeys('center.test', join(dir, 'keys'));
  center = parseCenterFile(await readFile(join(dir, 'keys', 'center.json')));
  server = spawn(process.execPath, [BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
    server.on('exit', () => reject(new Error('serve exited')));
  });
});
afterAll(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dir, { recursive: true, force: true });
});

const flushArgs = (home: string) => ['--home', home, '--keep-receipts', '--center', join(dir, 'keys', 'center.json'), 'outbox', 'flush', '--only-routes', '--route', url, '--json'];

/** Pending items, read from the clear headers (no decoding: a killed writer may leave only whole files). */
async function pendingCount(home: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(join(home, 'outbox'))) {
    if (f.endsWith('.json') && (JSON.parse(await readFile(join(home, 'outbox', f), 'utf8')) as { state: string }).state === 'pending') n++;
  }
  return n;
}

function killAfter(args: string[], ms: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('outbox flush killed with SIGKILL', () => {
  it(`${KILLS} kills during a ${ENVELOPES}-envelope flush: every envelope once at the center, all delivered with valid receipts`, async () => {
    const home = join(dir, 'home');
    const outbox = new Outbox(home);
    const ids: string[] = [];
    for (let i = 0; i < ENVELOPES; i++) ids.push((await outbox.add(sealEnvelope(new TextEncoder().encode(`{"i":${i}}`), center.boxKey))).id);

    // The kill moments: after the process has started (its start-up measured once), at a random
    // offset steered so that each kill lands a little further into the flush (about 6 envelopes a
    // kill, so that a machine that speeds up mid-test still leaves work for the last kills): too
    // early delivers nothing, too late would finish the 500 before the 50th kill.
    const t0 = Date.now();
    await sealpost(['--home', join(dir, 'empty'), 'outbox', 'list']);
    let delay = Date.now() - t0;
    const random = seeded(8);
    let killedWhilePending = 0;
    const progress = new Set<number>();
    let pending = await pendingCount(home);
    for (let k = 0; k < KILLS; k++) {
      if (pending > 0) killedWhilePending++;
      progress.add(pending);
      await killAfter(flushArgs(home), Math.max(0, Math.round(delay + (random() - 0.5) * 40)));
      const now = await pendingCount(home);
      const delivered = pending - now;
      if (delivered < 3) delay += delivered === 0 ? 25 : 15;
      else if (delivered > 9) delay -= 10 + delivered;
      pending = now;
    }
    console.log(`pending before each kill: ${[...progress].join(' ')}; kills with work left: ${killedWhilePending}`);
    // Most kills must have hit a flush with work left, or the test proves little.
    expect(killedWhilePending).toBeGreaterThanOrEqual(KILLS * 0.8);
    // ... and at many different points of it (not all before the first delivery).
    expect(progress.size, [...progress].join(' ')).toBeGreaterThanOrEqual(10);

    const final = await sealpost(flushArgs(home));
    expect(final.code, final.stderr).toBe(0);

    const db = new Database(join(dir, 'data', 'intake.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT lower(hex(eh)) AS eh, count(*) AS n FROM entries GROUP BY eh').all() as { eh: string; n: number }[];
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(rows.map((r) => r.eh).sort()).toEqual([...ids].sort());
    } finally {
      db.close();
    }
    const items = await new Outbox(home).list();
    expect(items).toHaveLength(ENVELOPES);
    for (const item of items) {
      expect(item.state).toBe('delivered');
      verifyReceipt(item.receipt!, { center: center.name, logKey: center.logKey, eh: fromHex(item.id, 32)! });
    }
    // No temp file of write-file-atomic is left behind as an item.
    expect((await readdir(join(home, 'outbox'))).filter((f) => f.endsWith('.json'))).toHaveLength(ENVELOPES);
  });
});
