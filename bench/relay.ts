/**
 * bench/relay (issue 8 acceptance): 10,000 envelopes flushed to a local `sealpost serve` over one
 * route — receipts per second and the flush's peak RSS — against a sequential loop that opens one
 * connection per envelope (what a volunteer would script: deliver, wait, next). Target: the flush
 * at least 10 x the loop. Both run as whole processes of the built command against the same
 * server (a child process), and every receipt is verified by the client in both.
 *
 * `node dist/bench/relay.js [envelopes] [loop envelopes]` after `npm run build`. One function per
 * measurement; the report at the end prints the ratio in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createServer, connect, type Server } from 'node:net';
import { parseCenterFile, type Center } from '../src/crypto/center-file.js';
import { newDeliveryToken, sealEnvelope } from '../src/crypto/envelope.js';
import { generateCenterKeys } from '../src/crypto/keys.js';
import { Outbox } from '../src/outbox/outbox.js';
import { deliver } from '../src/transport/deliver.js';
import { parseRoute } from '../src/transport/routes/route.js';
import { benchImportRss } from './relay-import.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'dist/bin/sealpost.mjs');

interface Serving {
  readonly url: string;
  readonly center: Center;
  readonly centerFile: string;
  close(): Promise<void>;
}

/** A fresh center served by `sealpost serve` in a child process. */
async function startServe(dir: string): Promise<Serving> {
  await generateCenterKeys('center.test', join(dir, 'keys'));
  const centerFile = join(dir, 'keys', 'center.json');
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((res, rej) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l);
      if (m) res(m[1]!);
    });
    child.once('exit', () => rej(new Error('serve exited')));
  });
  return {
    url,
    center: parseCenterFile(readFileSync(centerFile)),
    centerFile,
    close: () => new Promise<void>((r) => (child.kill('SIGTERM'), child.once('exit', () => r()))),
  };
}

async function fillOutbox(home: string, center: Center, n: number): Promise<void> {
  const outbox = new Outbox(home);
  for (let i = 0; i < n; i++) await outbox.add(sealEnvelope(new TextEncoder().encode(`{"i":${i}}`), center.boxKey));
}

/**
 * Peak RSS (MB) and seconds of a command, by GNU time (`/usr/bin/time -f`), as the user runs it.
 * Asynchronous: the delay relay below runs in this process and must keep forwarding.
 */
async function timed(args: readonly string[]): Promise<{ seconds: number; peakRssMb: number; stdout: string }> {
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M', process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await new Promise((r) => child.on('close', r));
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds, peakRssMb: kb / 1024, stdout };
}

/** `sealpost outbox flush` of `n` envelopes over one route: receipts per second and peak RSS. */
export async function benchFlush(s: Serving, n: number): Promise<{ n: number; perSecond: number; seconds: number; peakRssMb: number }> {
  const home = mkdtempSync(join(tmpdir(), 'sealpost-bench-flush-'));
  try {
    await fillOutbox(home, s.center, n);
    const r = await timed(['--home', home, '--center', s.centerFile, 'outbox', 'flush', '--only-routes', '--route', s.url, '--json']);
    const doc = JSON.parse(r.stdout) as { delivered: number; pending: number };
    if (doc.delivered !== n || doc.pending !== 0) throw new Error(`flush delivered ${doc.delivered} of ${n}`);
    return { n, perSecond: n / r.seconds, seconds: r.seconds, peakRssMb: r.peakRssMb };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * The baseline: one envelope at a time, each over its own connection, its receipt verified before
 * the next (sealpost's own `deliver`, so the difference is the flush's scheduling, not the code).
 */
export async function benchSequential(s: Serving, n: number): Promise<{ n: number; perSecond: number; seconds: number }> {
  const route = parseRoute({ id: 'direct-1', kind: 'direct', url: s.url });
  const envelopes = Array.from({ length: n }, (_, i) => sealEnvelope(new TextEncoder().encode(`{"seq":${i}}`), s.center.boxKey));
  const t0 = performance.now();
  for (const e of envelopes) {
    await deliver(e, newDeliveryToken(), route, { center: s.center, signal: AbortSignal.timeout(30_000) });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { n, perSecond: n / seconds, seconds };
}

/**
 * A loopback TCP relay that holds every chunk `ms` before passing it on, each way: the round trip
 * of a real network (a volunteer abroad to the center), where a sequential loop waits the RTT for
 * every envelope and the flush overlaps them.
 */
async function delayProxy(target: string, ms: number): Promise<{ url: string; server: Server }> {
  const t = new URL(target);
  const server = createServer((client) => {
    const upstream = connect(Number(t.port), t.hostname);
    const pipe = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream & { destroyed?: boolean; end(): void }) => {
      from.on('data', (d: Buffer) => setTimeout(() => to.destroyed || to.write(d), ms));
      from.on('end', () => setTimeout(() => to.end(), ms));
    };
    pipe(client, upstream);
    pipe(upstream, client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, server };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const loopN = Number(process.argv[3] ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-relay-'));
  const s = await startServe(dir);
  try {
    const loop = await benchSequential(s, loopN);
    console.log(`sequential loop: ${loop.n} envelopes in ${loop.seconds.toFixed(1)} s = ${loop.perSecond.toFixed(0)} receipts/s (one connection each)`);
    const flush = await benchFlush(s, n);
    console.log(`outbox flush:    ${flush.n} envelopes in ${flush.seconds.toFixed(1)} s = ${flush.perSecond.toFixed(0)} receipts/s, peak RSS ${flush.peakRssMb.toFixed(0)} MB`);
    console.log(`ratio: ${(flush.perSecond / loop.perSecond).toFixed(1)} x (target >= 10 x)`);
    // The same over a 20 ms round trip (10 ms each way), as across a real network.
    const slow = await delayProxy(s.url, 10);
    try {
      const far = { ...s, url: slow.url };
      const loopFar = await benchSequential(far, Math.max(100, Math.round(loopN / 5)));
      console.log(`20 ms RTT, sequential loop: ${loopFar.n} envelopes in ${loopFar.seconds.toFixed(1)} s = ${loopFar.perSecond.toFixed(0)} receipts/s`);
      const flushFar = await benchFlush(far, n);
      console.log(`20 ms RTT, outbox flush:    ${flushFar.n} envelopes in ${flushFar.seconds.toFixed(1)} s = ${flushFar.perSecond.toFixed(0)} receipts/s, peak RSS ${flushFar.peakRssMb.toFixed(0)} MB`);
      console.log(`20 ms RTT ratio: ${(flushFar.perSecond / loopFar.perSecond).toFixed(1)} x`);
    } finally {
      slow.server.close();
    }
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // Import memory (bench/relay-import.ts): 100,000 rows by default, a fourth argument to change it.
  const rows = Number(process.argv[4] ?? 100_000);
  if (rows > 0) {
    const imp = benchImportRss(rows);
    console.log(`relay import of ${imp.rows} rows: peak RSS ${imp.peakRssMb} MB (target < 200 MB), ${imp.seconds} s, ${imp.queued} statements queued, ${imp.rejected} rows rejected`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
