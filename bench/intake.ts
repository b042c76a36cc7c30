/**
 * Intake throughput: durable receipts per second with group commit, then with one commit (and
 * one fsync) per request (`maxBatch = 1`), on loopback. The server runs in a child process so
 * that the load generator does not share its event loop.
 *
 *   node dist/bench/intake.js [--rounds 3] [--seconds 4] [--clients 200] [--warmup 1] [--batch 1024]
 *
 * Each client POSTs distinct random envelopes (version 0x01, 1073 bytes: the intake does not
 * open them) with fresh tokens, one request at a time; the run stops by itself. Prints each run and
 * the medians: the machine may be shared, so rounds alternate the two modes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCenterKeys } from '../src/crypto/keys.js';
import { verifyReceipt } from '../src/crypto/receipt.js';
import { DB_FILE, startServe, type ServeOptions } from '../src/center/serve.js';
import { openSqliteStore } from '../src/center/sqlite-store.js';
import { load } from './intake-load.js';

const CENTER = 'bench.example.org';

/** Child mode: serve until SIGTERM. */
async function child(json: string): Promise<void> {
  const serving = await startServe(JSON.parse(json) as ServeOptions);
  process.stdout.write(`listening on ${serving.url}\n`);
  process.on('SIGTERM', () => void serving.close().then(() => process.exit(0)));
}

function startChild(opts: ServeOptions): Promise<{ proc: ChildProcess; url: URL }> {
  const proc = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), fileURLToPath(import.meta.url), '--serve', JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
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

/** Context for the ratio: what one fsync of an appended 4 KiB costs on the data folder's disk. */
async function fsyncMicros(dir: string): Promise<number> {
  const fh = await open(join(dir, 'fsync-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const n = 200;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await fh.write(page);
    await fh.datasync();
  }
  const us = ((performance.now() - t0) * 1000) / n;
  await fh.close();
  return us;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      seconds: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      clients: { type: 'string', default: '200' },
      batch: { type: 'string', default: '1024' },
      thread: { type: 'string', default: 'auto' },
      only: { type: 'string' },
    },
  });
  if (values.serve !== undefined) return child(values.serve);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const clients = Number(values.clients);
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-bench-'));
  try {
    const keysDir = join(dir, 'keys');
    const centerFile = await generateCenterKeys(CENTER, keysDir);
    console.log(`${clients} clients, ${seconds} s per run after ${warmup} s warm-up, ${values.rounds} rounds; fsync ~${(await fsyncMicros(dir)).toFixed(0)} µs`);
    const runs: [string, number][] = [
      ['grouped', Number(values.batch)],
      ['per-request', 1],
    ];
    const results = new Map<string, number[]>(runs.map(([label]) => [label, []]));
    // Rounds alternate the two modes, so that a noisy neighbour on a shared machine weighs on both.
    for (let round = 1; round <= Number(values.rounds); round++) {
      for (const [label, maxBatch] of runs) {
        if (values.only && values.only !== label) continue;
        const dataDir = join(dir, `data-${label}-${round}`);
        const { proc, url } = await startChild({
          keysDir,
          dataDir,
          listen: '127.0.0.1:0',
          maxBatch,
          maxQueue: 100_000,
          thread: values.thread as ServeOptions['thread'],
          limits: { maxConnections: clients + 50 },
        });
        let r;
        try {
          r = await load({ url, clients, warmup, seconds });
        } finally {
          await stopChild(proc);
        }
        await checkKept(dataDir, centerFile.logKey, r.kept);
        results.get(label)!.push(r.perSecond);
        console.log(
          `round ${round} ${label.padEnd(12)} maxBatch=${String(maxBatch).padEnd(5)} ${r.perSecond.toFixed(0).padStart(6)} receipts/s ` +
            `(${r.receipts} in ${seconds} s, ${r.errors} errors, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms)`,
        );
      }
    }
    const g = results.get('grouped')!;
    const p = results.get('per-request')!;
    if (g.length) console.log(`grouped:     median ${median(g).toFixed(0)} receipts/s`);
    if (p.length) console.log(`per-request: median ${median(p).toFixed(0)} receipts/s`);
    if (g.length && p.length) console.log(`ratio grouped / per-request (medians): ${(median(g) / median(p)).toFixed(1)}x`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The receipts are real and durable: the kept ones verify, and the stopped server's store holds each. */
async function checkKept(dataDir: string, logKey: string, kept: readonly { envelope: Buffer; body: string }[]): Promise<void> {
  const store = await openSqliteStore({ path: join(dataDir, DB_FILE), thread: 'main' });
  try {
    for (const k of kept) {
      const eh = createHash('sha256').update(k.envelope).digest();
      const { receipt } = JSON.parse(k.body) as { receipt: string };
      const f = verifyReceipt(receipt, { center: CENTER, logKey, eh });
      const e = await store.entry(f.index);
      if (!e || !Buffer.from(e.eh).equals(eh)) throw new Error(`receipt ${f.index} is not in the store`);
    }
  } finally {
    await store.close();
  }
}

await main();
