/**
 * Intake throughput: durable receipts per second with group commit, then with one commit (and
 * one fsync) per request (`maxBatch = 1`), on loopback. The server runs in a child process so
 * that the load generator does not share its event loop.
 *
 *   node dist/bench/intake.js [--seconds 5] [--clients 200] [--warmup 1] [--batch 1024]
 *
 * Each client POSTs distinct random envelopes (version 0x01, 1073 bytes: the intake does not
 * open them) with fresh tokens, one request at a time; the run stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { generateCenterKeys } from '../src/crypto/keys.js';
import { verifyReceipt } from '../src/crypto/receipt.js';
import { startServe, type ServeOptions } from '../src/center/serve.js';

const CENTER = 'bench.example.org';

interface RunResult {
  readonly label: string;
  readonly receipts: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
}

/** Child mode: serve until SIGTERM. */
async function child(json: string): Promise<void> {
  const serving = await startServe(JSON.parse(json) as ServeOptions);
  process.stdout.write(`listening on ${serving.url}\n`);
  process.on('SIGTERM', () => void serving.close().then(() => process.exit(0)));
}

function startChild(opts: ServeOptions): Promise<{ proc: ChildProcess; url: URL }> {
  const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', JSON.stringify(opts)], {
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

function envelope(): Buffer {
  const e = randomBytes(1073);
  e[0] = 0x01;
  return e;
}

async function load(url: URL, clients: number, warmup: number, seconds: number, logKey: string, label: string): Promise<RunResult> {
  const pool = new Pool(url.origin, { connections: clients, pipelining: 1, keepAliveTimeout: 60_000 });
  const start = performance.now();
  const measureFrom = start + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  let receipts = 0;
  let errors = 0;
  const latencies: number[] = [];
  const sample: { note: string; eh: string }[] = [];
  async function client(): Promise<void> {
    while (performance.now() < end) {
      const body = envelope();
      const t0 = performance.now();
      try {
        const res = await pool.request({
          method: 'POST',
          path: `${url.pathname}v1/envelopes`,
          headers: { 'sealpost-token': randomBytes(16).toString('base64'), 'content-type': 'application/octet-stream' },
          body,
        });
        const text = await res.body.text();
        const t1 = performance.now();
        if (res.statusCode !== 200) {
          errors++;
          continue;
        }
        if (t1 >= measureFrom && t1 < end) {
          receipts++;
          latencies.push(t1 - t0);
          if (sample.length < 20) {
            const { id, receipt } = JSON.parse(text) as { id: string; receipt: string };
            sample.push({ note: receipt, eh: id });
          }
        }
      } catch {
        errors++;
      }
    }
  }
  await Promise.all(Array.from({ length: clients }, client));
  await pool.close();
  // The receipts are real: each sampled one verifies against the center's log key.
  for (const s of sample) verifyReceipt(s.note, { center: CENTER, logKey, eh: Buffer.from(s.eh, 'hex') });
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { label, receipts, seconds, perSecond: receipts / seconds, errors, p50: q(0.5), p99: q(0.99) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
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
    const runs: [string, number][] = [
      ['grouped', Number(values.batch)],
      ['per-request', 1],
    ];
    const results: RunResult[] = [];
    for (const [label, maxBatch] of runs) {
      if (values.only && values.only !== label) continue;
      const { proc, url } = await startChild({
        keysDir,
        dataDir: join(dir, `data-${label}`),
        listen: '127.0.0.1:0',
        maxBatch,
        maxQueue: 100_000,
        thread: values.thread as ServeOptions['thread'],
        limits: { maxConnections: clients + 50 },
      });
      try {
        const r = await load(url, clients, warmup, seconds, centerFile.logKey, label);
        results.push(r);
        console.log(
          `${label.padEnd(12)} maxBatch=${String(maxBatch).padEnd(5)} ${r.perSecond.toFixed(0).padStart(6)} receipts/s ` +
            `(${r.receipts} in ${r.seconds} s, ${r.errors} errors, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms)`,
        );
      } finally {
        await stopChild(proc);
      }
    }
    const [g, p] = results;
    if (g && p) console.log(`ratio grouped / per-request: ${(g.perSecond / p.perSecond).toFixed(1)}x`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
