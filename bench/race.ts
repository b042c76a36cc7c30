/**
 * bench/race (issue 3): time to a verified receipt through a censored network, where the blocking
 * is done by a router in between (network namespaces + nftables/iptables, see race-lab.ts).
 * Five routes: a blackholed direct address, an SNI-reset mirror, a wrong certificate, a lying
 * mirror (200 without a valid receipt), and a SOCKS5 proxy that works. Compares, as whole
 * processes: sealpost cold (no route memory), sealpost warm, the working route alone (the limit),
 * and a sequential curl loop over the same routes (--connect-timeout 10 --max-time 30), which is
 * what users would script; each curl answer is checked for a valid receipt, as sealpost does; and
 * the same loop written with the card's packages (undici with https-proxy-agent / socks-proxy-agent,
 * race-agents.ts, issue 7 point 7), also a whole process. After the lab, race-agents-stall.ts
 * measures those agents against a proxy that never answers (loopback).
 * Then the starvation mix (race-starve.ts): five routes that accept and never answer and the
 * working one, cold, in random order, each run within the working route alone + 0.6 s.
 * Last, the strategy mix (race-strategies.ts, issue 12): a poisoned name and a per-packet SNI reset,
 * got through by DoH plus TLS fragmentation; cold, warm, the winning combination alone, and curl
 * with --doh-url.
 *
 * Run as root after `npm run build`: `node dist/bench/race.js [runs]`.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseCenterFile } from '../src/crypto/center-file.js';
import { verifyReceipt } from '../src/crypto/receipt.js';
import { blackhole, labDown, labUp, missingTools, NS, SRV, sniReset, startIn } from './race-lab.js';
import { HANG_PORTS, hangingRoutes, starveReport, type StarveRun } from './race-starve.js';
import { strategyMix } from './race-strategies.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'dist/bin/sealpost.mjs');
const TLS = join(ROOT, 'tests/fixtures/tls');
const CA = readFileSync(join(TLS, 'ca.pem'), 'utf8');
const RUNS = Number(process.argv[2] ?? 5);
const P = { direct: 8443, sni: 8444, wrong: 8445, liar: 8446, socks: 1080 };

const routes = [
  { id: 'direct', kind: 'direct', url: `https://center.test:${P.direct}/`, connect: `${SRV}:${P.direct}`, ca: CA },
  { id: 'mirror-sni', kind: 'mirror', url: `https://center.test:${P.sni}/`, connect: `${SRV}:${P.sni}`, ca: CA },
  { id: 'mirror-cert', kind: 'mirror', url: `https://center.test:${P.wrong}/`, connect: `${SRV}:${P.wrong}`, ca: CA },
  { id: 'mirror-liar', kind: 'mirror', url: `https://center.test:${P.liar}/`, connect: `${SRV}:${P.liar}`, ca: CA },
  { id: 'socks', kind: 'socks', url: `https://center.test:${P.direct}/`, proxy: `socks5h://${SRV}:${P.socks}`, ca: CA },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Submitted {
  readonly ms: number;
  readonly attempts: readonly { route: string; outcome: string; ms?: number }[];
}

function submit(centerFile: string, home: string): number {
  return submitted(centerFile, home).ms;
}

function submitted(centerFile: string, home: string): Submitted {
  const t0 = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', NS.cli, process.execPath, BIN, 'submit', '--json', '--allow-plain-proxy', '--home', home, '--center', centerFile,
    '--name', 'bench', '--orgs', 'CYL', '--country', 'CN', '--province', '110000'], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`submit exited ${r.status}: ${r.stderr}`);
  return { ms, attempts: (JSON.parse(r.stdout) as { attempts: Submitted['attempts'] }).attempts };
}

/** What a user would script: try each route with curl in turn until an answer carries a valid receipt. */
function curlLoop(envelopeFile: string, center: ReturnType<typeof parseCenterFile>, eh: Buffer, caFile: string): number {
  const t0 = performance.now();
  for (const r of routes) {
    const args = ['--silent', '--connect-timeout', '10', '--max-time', '30', '--cacert', caFile, '-H', `Sealpost-Token: ${randomBytes(16).toString('base64')}`, '--data-binary', `@${envelopeFile}`];
    if (r.proxy) args.push('--socks5-hostname', r.proxy.replace('socks5h://', ''));
    else args.push('--connect-to', `center.test:${new URL(r.url).port}:${r.connect}`);
    const out = spawnSync('ip', ['netns', 'exec', NS.cli, 'curl', ...args, `${r.url}v1/envelopes`], { encoding: 'utf8' });
    try {
      const { receipt } = JSON.parse(out.stdout) as { receipt: string };
      verifyReceipt(receipt, { center: center.name, logKey: center.logKey, eh });
      return performance.now() - t0;
    } catch {
      // no valid receipt: next route
    }
  }
  throw new Error('curl loop: no route delivered');
}

/** The same loop written with undici and the proxy agents (race-agents.ts), timed as a whole process. */
function agentsLoop(centerFile: string, envelopeFile: string): { ms: number; attempts: string } {
  const t0 = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', NS.cli, process.execPath, join(ROOT, 'dist/bench/race-agents.js'), centerFile, envelopeFile], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`undici + agents loop exited ${r.status}: ${r.stdout}${r.stderr}`);
  const out = JSON.parse(r.stdout) as { attempts: { route: string; outcome: string; ms: number }[] };
  return { ms, attempts: out.attempts.map((a) => `${a.route} ${a.outcome} ${(a.ms / 1000).toFixed(3)} s`).join(', ') };
}

async function main(): Promise<void> {
  const missing = missingTools();
  if (process.getuid?.() !== 0 || missing.length) {
    process.stderr.write(`bench/race needs root and: ip, nft, iptables, microsocks, curl (missing: ${missing.join(', ') || 'root'})\n`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-race-'));
  const children: ChildProcess[] = [];
  try {
    labUp();
    spawnSync(process.execPath, [BIN, 'keygen', '--name', 'center.test', '--out', join(dir, 'keys')]);
    const base = JSON.parse(readFileSync(join(dir, 'keys/center.json'), 'utf8')) as Record<string, unknown>;
    const serve = (port: number, data: string) =>
      startIn(NS.srv, [process.execPath, BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, data), '--listen', `0.0.0.0:${port}`, '--tls-cert', join(TLS, 'center.pem'), '--tls-key', join(TLS, 'center-key.pem')], /listening on/);
    children.push(await serve(P.direct, 'data-1'), await serve(P.sni, 'data-2'));
    children.push(await startIn(NS.srv, [process.execPath, join(ROOT, 'dist/bench/race-peers.js'), TLS, 'center.test', String(P.wrong), String(P.liar), ...HANG_PORTS.map(String)], /ready/));
    children.push(await startIn(NS.srv, ['bash', '-c', `microsocks -i ${SRV} -p ${P.socks} & pid=$!; trap 'kill $pid' TERM; for i in $(seq 200); do (exec 3<>/dev/tcp/${SRV}/${P.socks}) 2>/dev/null && { echo ready; wait $pid; exit; }; sleep 0.02; done; kill $pid; exit 1`], /ready/));
    blackhole(P.direct);
    sniReset('center.test', P.sni);

    const all = join(dir, 'center-all.json');
    const alone = join(dir, 'center-alone.json');
    writeFileSync(all, JSON.stringify({ ...base, routes }));
    writeFileSync(alone, JSON.stringify({ ...base, routes: routes.filter((r) => r.id === 'socks') }));
    const starve = join(dir, 'center-starve.json');
    // Shuffled here too, though a cold sealpost shuffles unknown routes itself.
    const mix = [...hangingRoutes(SRV, CA), routes.find((r) => r.id === 'socks')!].sort(() => Math.random() - 0.5);
    writeFileSync(starve, JSON.stringify({ ...base, routes: mix }));

    const limit: number[] = [];
    const cold: number[] = [];
    const coldAttempts: string[] = [];
    const warm: number[] = [];
    const warmHome = join(dir, 'home-warm');
    submit(all, warmHome); // seeds the route memory
    // Cold runs twice as many: where the working route falls in the random order (after the
    // blackholed one or not) moves a run by a whole stagger, so a median of 5 is a coin toss.
    for (let i = 0; i < 2 * RUNS; i++) {
      if (i < RUNS) limit.push(submit(alone, join(dir, `home-limit-${i}`)));
      const c = submitted(all, join(dir, `home-cold-${i}`));
      cold.push(c.ms);
      coldAttempts.push(`${(c.ms / 1000).toFixed(3)} s: ${c.attempts.map((a) => `${a.route} ${a.outcome} ${a.ms ?? '?'} ms`).join(', ')}`);
      if (i < RUNS) warm.push(submit(all, warmHome));
    }
    const center = parseCenterFile(readFileSync(all));
    const envFile = join(dir, 'envelope.bin');
    spawnSync(process.execPath, [BIN, 'seal', '--center', all, '--name', 'bench', '--orgs', 'CYL', '--country', 'CN', '--province', '110000', '--out', envFile, '--binary']);
    const env = readFileSync(envFile);
    const eh = Buffer.from(await crypto.subtle.digest('SHA-256', env));
    const caFile = join(TLS, 'ca.pem');
    const curl = [curlLoop(envFile, center, eh, caFile)];
    if (RUNS > 3) curl.push(curlLoop(envFile, center, eh, caFile));
    const agents = [agentsLoop(all, envFile)];
    if (RUNS > 3) agents.push(agentsLoop(all, envFile));
    const agentsMs = median(agents.map((a) => a.ms));

    const starveRuns: StarveRun[] = [];
    for (let i = 0; i < 2 * RUNS; i++) {
      const s = submitted(starve, join(dir, `home-starve-${i}`));
      starveRuns.push({ ms: s.ms, place: s.attempts.findIndex((a) => a.route === 'socks') + 1, started: s.attempts.length });
    }

    const L = median(limit);
    const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
    const rows = [
      ['working route alone (limit)', fmt(L), '1.00 x limit', ''],
      ['sealpost cold', fmt(median(cold)), `${(median(cold) / L).toFixed(2)} x limit`, `target <= limit + 0.6 s: ${median(cold) <= L + 600 ? 'met' : 'MISSED'}`],
      ['sealpost warm', fmt(median(warm)), `${(median(warm) / L).toFixed(2)} x limit`, `target <= 1.15 x limit: ${median(warm) <= 1.15 * L ? 'met' : 'MISSED'}`],
      ['curl loop', fmt(median(curl)), `${(median(curl) / median(cold)).toFixed(1)} x sealpost cold`, `target >= 20 x: ${median(curl) >= 20 * median(cold) ? 'met' : 'MISSED'}`],
      ['undici + proxy agents loop', fmt(agentsMs), `${(agentsMs / median(cold)).toFixed(1)} x sealpost cold`, ''],
    ];
    process.stdout.write(`bench/race: time to a verified receipt, whole process, median of ${RUNS} (sealpost cold: ${cold.length}; curl, undici + agents: ${curl.length})\n`);
    for (const r of rows) process.stdout.write(`${r[0]!.padEnd(30)}${r[1]!.padStart(10)}   ${r[2]!.padEnd(26)}${r[3]}\n`);
    const sr = starveReport(starveRuns, L);
    const worst = Math.max(...starveRuns.map((r) => r.ms));
    process.stdout.write(
      `starvation mix (5 hanging + the working route, cold, random order), ${starveRuns.length} runs: median ${fmt(median(starveRuns.map((r) => r.ms)))}, ` +
        `worst ${fmt(worst)} = limit + ${((worst - L) / 1000).toFixed(3)} s; target every run <= limit + 0.6 s: ${sr.met ? 'met' : 'MISSED'}\n`,
    );
    for (const line of sr.lines) process.stdout.write(`${line}\n`);
    process.stdout.write(`sealpost cold, attempts of each run:\n${coldAttempts.map((l) => `  ${l}`).join('\n')}\n`);
    process.stdout.write(`undici + proxy agents loop, attempts of its last run: ${agents.at(-1)!.attempts}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    labDown();
    rmSync(dir, { recursive: true, force: true });
  }
  // On loopback, outside the lab; the agents' stray sockets die with that process.
  spawnSync(process.execPath, [join(ROOT, 'dist/bench/race-agents-stall.js')], { stdio: ['ignore', 'inherit', 'ignore'] });
  // The strategy mix (issue 12): poisoned DNS and a per-packet SNI reset, in a lab of its own.
  for (const line of await strategyMix(RUNS)) process.stdout.write(`${line}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/race: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
