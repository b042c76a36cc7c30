/**
 * bench/race, the strategy mix (issue 12): the center's name is poisoned (the client's system
 * resolver answers every A query with a wrong address) and its SNI reset by a per-packet string
 * match (iptables), in the lab of bench/lab.ts. The center file lists the system resolver and a
 * DoH resolver (in the server namespace) and three TLS entries (plain, tlsfrag:sni, split:sni):
 * six combinations, two of which get through. Compares, as whole processes, time to a verified
 * receipt:
 * - the winning combination alone (a route with only that DoH resolver and tlsfrag:sni): the limit;
 * - sealpost cold (no route memory): target <= limit + 0.6 s;
 * - sealpost warm (the remembered combination): target <= 1.05 x limit;
 * - curl with `--doh-url` (the right address, but curl cannot fragment): never delivers.
 *
 * Run as root after the build: `node dist/bench/race-strategies.js [runs]` (bench/race.js runs it too).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCenterFile } from '../src/crypto/center-file.js';
import { verifyReceipt } from '../src/crypto/receipt.js';
import { Lab, labSkipReason } from './lab.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'dist/bin/sealpost.mjs');
const TLS = join(ROOT, 'tests/fixtures/tls');
const DNS_JS = join(ROOT, 'tests/harness/lab-dns.mjs');
const PORT = { center: 8443, doh: 8053 };

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

/** Runs the strategy mix; returns the report's lines (also printed). */
export async function strategyMix(runs: number): Promise<string[]> {
  const skip = labSkipReason();
  if (skip) throw new Error(`the strategy mix needs the lab: ${skip}`);
  const lab = new Lab('bench12', 234);
  const dir = mkdtempSync(join(tmpdir(), 'sealpost-bench-strategies-'));
  const CA = readFileSync(join(TLS, 'ca.pem'), 'utf8');
  try {
    lab.up();
    const { ns, ip } = lab;
    spawnSync(process.execPath, [BIN, 'keygen', '--name', 'center.test', '--out', join(dir, 'keys')]);
    const base = JSON.parse(readFileSync(join(dir, 'keys/center.json'), 'utf8')) as Record<string, unknown>;
    const center = parseCenterFile(readFileSync(join(dir, 'keys/center.json')));
    lab.etc(ns.cli, { 'resolv.conf': `nameserver ${ip.gfwCli}\n`, hosts: '127.0.0.1 localhost\n' });
    await lab.start(ns.srv, [process.execPath, BIN, 'serve', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--listen', `0.0.0.0:${PORT.center}`, '--tls-cert', join(TLS, 'center.pem'), '--tls-key', join(TLS, 'center-key.pem')], /listening on/);
    await lab.start(ns.srv, [process.execPath, DNS_JS, 'doh', `${ip.srv}:${PORT.doh}`, join(TLS, 'other.pem'), join(TLS, 'other-key.pem'), `center.test=${ip.srv}`], /ready/);
    await lab.start(ns.gfw, [process.execPath, DNS_JS, 'poison', ip.gfwCli, ip.gfwCli], /ready/);
    lab.sniReset('center.test', PORT.center);

    const doh = { https: { name: 'other.test', address: `${ip.srv}:${PORT.doh}`, ca: CA } };
    const route = { id: 'direct-1', kind: 'direct', url: `https://center.test:${PORT.center}/`, ca: CA };
    const all = join(dir, 'center-all.json');
    const alone = join(dir, 'center-alone.json');
    writeFileSync(all, JSON.stringify({ ...base, routes: [route], strategies: { dns: [{ system: {} }, doh], tls: ['', 'tlsfrag:sni', 'split:sni'] } }));
    writeFileSync(alone, JSON.stringify({ ...base, routes: [{ ...route, dns: [doh], tls: ['tlsfrag:sni'] }] }));

    const submit = (file: string, home: string): { ms: number; route: string; attempts: string } => {
      const t0 = performance.now();
      const r = spawnSync('ip', ['netns', 'exec', ns.cli, process.execPath, BIN, 'submit', '--json', '--home', join(dir, home), '--center', file, '--name', 'bench', '--orgs', 'CYL', '--country', 'CN', '--province', '110000'], { encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`submit exited ${r.status}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { route: string; receipt: string; attempts: { route: string; outcome: string; ms: number }[] };
      const eh = /^envelope ([0-9a-f]{64})$/m.exec(doc.receipt)?.[1] ?? '';
      verifyReceipt(doc.receipt, { center: center.name, logKey: center.logKey, eh: Buffer.from(eh, 'hex') });
      return { ms, route: doc.route, attempts: doc.attempts.map((a) => `${a.route} ${a.outcome} ${a.ms} ms`).join(', ') };
    };

    const limit: number[] = [];
    const cold: number[] = [];
    const coldRuns: string[] = [];
    const warm: number[] = [];
    submit(all, 'home-warm'); // seeds the memory
    for (let i = 0; i < 2 * runs; i++) {
      if (i < runs) limit.push(submit(alone, `home-limit-${i}`).ms);
      const c = submit(all, `home-cold-${i}`);
      cold.push(c.ms);
      coldRuns.push(`${fmt(c.ms)}: ${c.attempts}`);
      if (i < runs) warm.push(submit(all, 'home-warm').ms);
    }
    let curlDelivered = 0;
    const curlRuns = Math.max(3, runs);
    const envFile = join(dir, 'envelope.bin');
    spawnSync(process.execPath, [BIN, 'seal', '--center', all, '--name', 'bench', '--orgs', 'CYL', '--country', 'CN', '--province', '110000', '--out', envFile, '--binary']);
    for (let i = 0; i < curlRuns; i++) {
      const r = spawnSync('ip', ['netns', 'exec', ns.cli, 'curl', '-s', '--max-time', '10', '--cacert', join(TLS, 'ca.pem'), '--resolve', `other.test:${PORT.doh}:${ip.srv}`, '--doh-url', `https://other.test:${PORT.doh}/dns-query`,
        '-H', `Sealpost-Token: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')}`, '--data-binary', `@${envFile}`, `https://center.test:${PORT.center}/v1/envelopes`], { encoding: 'utf8' });
      if (r.status === 0 && r.stdout.includes('"receipt"')) curlDelivered++;
    }
    const L = median(limit);
    const lines = [
      `strategy mix (poisoned DNS + per-packet SNI reset; 6 combinations, 2 get through), whole process, median of ${runs} (cold: ${cold.length}):`,
      `${'winning combination alone (limit)'.padEnd(36)}${fmt(L).padStart(10)}   1.00 x limit`,
      `${'sealpost cold'.padEnd(36)}${fmt(median(cold)).padStart(10)}   ${`${(median(cold) / L).toFixed(2)} x limit`.padEnd(16)}target <= limit + 0.6 s: ${median(cold) <= L + 600 ? 'met' : 'MISSED'}`,
      `${'sealpost warm (remembered)'.padEnd(36)}${fmt(median(warm)).padStart(10)}   ${`${(median(warm) / L).toFixed(2)} x limit`.padEnd(16)}target <= 1.05 x limit: ${median(warm) <= 1.05 * L ? 'met' : 'MISSED'}`,
      `${'curl --doh-url (no fragmentation)'.padEnd(36)}${`${curlDelivered} of ${curlRuns}`.padStart(10)}   delivered        target: never: ${curlDelivered === 0 ? 'met' : 'MISSED'}`,
      'sealpost cold, attempts of each run:',
      ...coldRuns.map((l) => `  ${l}`),
    ];
    return lines;
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  strategyMix(Number(process.argv[2] ?? 5)).then(
    (lines) => process.stdout.write(`${lines.join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`bench/race-strategies: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
