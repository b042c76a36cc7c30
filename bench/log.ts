/**
 * The received log at scale (issue 9 acceptance): append 11,366,927 leaves (the withdrawals
 * counted by mid-2006) to the SQLite log, batched as the intake does (1024 a transaction, fsync'd,
 * the hashes in the same transaction as the entries); sign a checkpoint at that size; the latency
 * of inclusion and consistency proofs at that size, in the store and over HTTP from a real
 * `startServe` on that data folder; then intake receipts per second with the log on against off.
 *
 *   node dist/bench/log.js [--leaves 11366927] [--proofs 2000] [--rounds 3] [--seconds 4] [--clients 200]
 *                          [--only build|intake] [--dir <folder to keep the big log in>]
 *
 * Targets: intake with the log >= 90 % of without; a proof under 5 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { generateCenterKeys, readSecretKeyFile } from '../src/crypto/keys.js';
import { NoteSigner } from '../src/crypto/note.js';
import { sodiumSigner } from '../src/crypto/ed25519-sodium.js';
import { DB_FILE, startServe, type ServeOptions } from '../src/center/serve.js';
import { IntakeDb } from '../src/center/sqlite-db.js';
import type { AppendItem } from '../src/center/store.js';
import { signCheckpoint } from '../src/log/checkpoint.js';
import { load } from './intake-load.js';

const CENTER = 'bench.example.org';
const BATCH = 1024;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const median = (xs: number[]) => pct(xs, 50);
const ms = (x: number) => `${x.toFixed(3)} ms`;
const dist = (xs: number[]) => `p50 ${ms(median(xs))} p90 ${ms(pct(xs, 90))} p99 ${ms(pct(xs, 99))} max ${ms(Math.max(...xs))}`;

/** Distinct items without a random draw per item: one random block a batch. */
function batch(n: number): AppendItem[] {
  const r = randomBytes(64 * n);
  const empty = new Uint8Array(0);
  return Array.from({ length: n }, (_, i) => ({ idem: r.subarray(64 * i, 64 * i + 32), eh: r.subarray(64 * i + 32, 64 * i + 64), envelope: empty }));
}

/** Appends leaves up to `target` (resuming a kept folder), timing the whole commits and the log's share. */
function build(path: string, target: number): void {
  const db = new IntakeDb(path);
  let logMs = 0;
  const append = db.log.append.bind(db.log);
  db.log.append = (first, hashes) => {
    const t = performance.now();
    append(first, hashes);
    logMs += performance.now() - t;
  };
  const start = db.count();
  const t0 = performance.now();
  let last = t0;
  for (let at = start; at < target; ) {
    const n = Math.min(BATCH, target - at);
    db.commit(batch(n));
    at += n;
    if (performance.now() - last > 10_000) {
      last = performance.now();
      console.log(`  ${at} leaves, ${(((at - start) / (last - t0)) * 1000).toFixed(0)} appends/s`);
    }
  }
  const total = performance.now() - t0;
  const n = target - start;
  if (n > 0) {
    console.log(`appended ${n} leaves in ${(total / 1000).toFixed(1)} s: ${((n / total) * 1000).toFixed(0)} appends/s (entries + hashes, ${BATCH} a transaction, fsync'd)`);
    console.log(`  the log's share: ${(logMs / 1000).toFixed(1)} s, ${((n / logMs) * 1000).toFixed(0)} leaf appends/s (O(log n) hashes each)`);
  } else console.log(`kept log of ${db.count()} leaves`);
  db.close();
}

async function checkpointAndProofs(dir: string, keysDir: string, proofs: number): Promise<void> {
  const path = join(dir, 'data', DB_FILE);
  const key = await readSecretKeyFile(join(keysDir, 'log.key'), 'log');
  const signer = new NoteSigner(key.name, key.secretKey, sodiumSigner(key.secretKey) ?? undefined);
  const db = new IntakeDb(path);
  const size = db.log.size();
  let t = performance.now();
  const root = db.log.root(size);
  const rootMs = performance.now() - t;
  t = performance.now();
  signCheckpoint(signer, { origin: key.name, size, root });
  const signMs = performance.now() - t;
  t = performance.now();
  const c = db.checkpoint(signer);
  const storedMs = performance.now() - t;
  console.log(`checkpoint at size ${c.size}: root ${ms(rootMs)}, signing ${ms(signMs)}, root + sign + store (fsync) ${ms(storedMs)}`);
  db.close();

  // The server's side: its read-only connection.
  const reader = new IntakeDb(path, { readonly: true });
  const incl: number[] = [];
  const cons: number[] = [];
  // Warm-up as a running server is: the connection's cache holds the tree's upper levels.
  for (let i = 0; i < 200; i++) reader.log.inclusion(randomInt(0, size), size);
  for (let i = 0; i < proofs; i++) {
    const index = randomInt(0, size);
    t = performance.now();
    reader.log.inclusion(index, size);
    incl.push(performance.now() - t);
    const from = randomInt(1, size + 1);
    t = performance.now();
    reader.log.consistency(from, size);
    cons.push(performance.now() - t);
  }
  reader.close();
  console.log(`store, ${proofs} random proofs at size ${size}: inclusion ${dist(incl)}; consistency ${dist(cons)}`);

  // Over HTTP on loopback, one request at a time, from a real server on that data folder.
  const serving = await startServe({ keysDir, dataDir: join(dir, 'data'), listen: '127.0.0.1:0' });
  try {
    const get = async (p: string) => {
      const t1 = performance.now();
      const res = await request(new URL(p, serving.url));
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`${p}: ${res.statusCode}`);
      return performance.now() - t1;
    };
    for (let i = 0; i < 50; i++) await get(`v1/proof/inclusion?index=${randomInt(0, size)}&size=${size}`);
    const hi: number[] = [];
    const hc: number[] = [];
    for (let i = 0; i < proofs; i++) {
      hi.push(await get(`v1/proof/inclusion?index=${randomInt(0, size)}&size=${size}`));
      hc.push(await get(`v1/proof/consistency?from=${randomInt(1, size + 1)}&to=${size}`));
    }
    console.log(`HTTP, ${proofs} random proofs at size ${size}: inclusion ${dist(hi)}; consistency ${dist(hc)} (target < 5 ms)`);
  } finally {
    await serving.close();
  }
}

/** Child mode: serve until SIGTERM. */
async function child(json: string): Promise<void> {
  const serving = await startServe(JSON.parse(json) as ServeOptions);
  process.stdout.write(`listening on ${serving.url}\n`);
  process.on('SIGTERM', () => void serving.close().then(() => process.exit(0)));
}

function startChild(opts: ServeOptions): Promise<{ proc: ChildProcess; url: URL }> {
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`server child exited early (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)$/.exec(l);
      if (m) resolve({ proc, url: new URL(m[1]!) });
    });
  });
}

function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/** Intake receipts per second with the log on and off, rounds alternating (a shared machine weighs on both). */
async function intake(dir: string, keysDir: string, rounds: number, seconds: number, clients: number): Promise<void> {
  const rates = { on: [] as number[], off: [] as number[] };
  let runs = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const mode of ['on', 'off'] as const) {
      const dataDir = join(dir, `intake-${++runs}`);
      const { proc, url } = await startChild({
        keysDir,
        dataDir,
        listen: '127.0.0.1:0',
        maxQueue: 100_000,
        limits: { maxConnections: clients + 50, maxConnectionsPerClient: 0 },
        ...(mode === 'off' ? { receivedLog: false } : {}),
      });
      try {
        const r = await load({ url, clients, warmup: 1, seconds });
        rates[mode].push(r.perSecond);
        console.log(`round ${round} log ${mode.padEnd(3)} ${r.perSecond.toFixed(0).padStart(6)} receipts/s (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors)`);
      } finally {
        await stopChild(proc);
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  const on = median(rates.on);
  const off = median(rates.off);
  console.log(`intake with the log ${on.toFixed(0)} receipts/s, without ${off.toFixed(0)} (medians): ${((on / off) * 100).toFixed(1)} % (target >= 90 %)`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      leaves: { type: 'string', default: '11366927' },
      proofs: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '4' },
      clients: { type: 'string', default: '200' },
      only: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  if (values.serve !== undefined) return child(values.serve);
  const dir = values.dir ?? (await mkdtemp(join(tmpdir(), 'sealpost-bench-log-')));
  try {
    const keysDir = join(dir, 'keys');
    // A kept --dir already has its keys (its checkpoints are signed with them).
    if (!existsSync(join(keysDir, 'log.key'))) await generateCenterKeys(CENTER, keysDir);
    if (values.only !== 'intake') {
      await mkdir(join(dir, 'data'), { recursive: true });
      build(join(dir, 'data', DB_FILE), Number(values.leaves));
      await checkpointAndProofs(dir, keysDir, Number(values.proofs));
    }
    if (values.only !== 'build') await intake(dir, keysDir, Number(values.rounds), Number(values.seconds), Number(values.clients));
  } finally {
    if (values.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

await main();
