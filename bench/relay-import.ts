/**
 * bench/relay, the import part (issue 8 acceptance): peak RSS of `sealpost relay import` of a
 * 100,000-row CSV (target: under 200 MB), measured on the built command as a user runs it, with
 * GNU time's maximum resident set size (the worker threads included: they share the process).
 * The CSV is written in batches, and 1% of its rows are bad, as in the acceptance test.
 *
 * `node dist/bench/relay-import.js [rows]` after `npm run build`; bench/relay.ts calls
 * {@link benchImportRss} for its report.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'dist/bin/sealpost.mjs');

/** What one import run measured. */
export interface ImportRss {
  readonly rows: number;
  readonly peakRssMb: number;
  readonly seconds: number;
  readonly queued: number;
  readonly rejected: number;
}

function writeCsv(file: string, rows: number): void {
  const fd = openSync(file, 'w');
  writeSync(fd, 'name,orgs,country,province,date,text,group\n');
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    const group = i % 50 < 5 ? `g${Math.floor(i / 1000)}` : ''; // 10% of rows in groups of 50
    batch.push(i % 100 === 50 ? `bad ${i},XYZ,CN,310000,2024-02-01,,` : `person ${i},CYL|CYP,CN,310000,2024-02-01,"statement ${i}, in words",${group}`);
    if (batch.length === 5000) {
      writeSync(fd, batch.join('\n') + '\n');
      batch = [];
    }
  }
  writeSync(fd, batch.join('\n') + '\n');
  closeSync(fd);
}

/** Imports `rows` generated rows into a fresh home and returns the peak RSS of the command. */
export function benchImportRss(rows = 100_000): ImportRss {
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-import-'));
  try {
    const keys = join(dir, 'keys');
    const kg = spawnSync(process.execPath, [BIN, 'keygen', '--name', 'bench.example', '--out', keys]);
    if (kg.status !== 0) throw new Error(`keygen failed: ${kg.stderr}`);
    const file = join(dir, 'rows.csv');
    writeCsv(file, rows);
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, BIN, '--json', '--home', join(dir, 'home'), '--center', join(keys, 'center.json'), 'relay', 'import', file], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const seconds = (performance.now() - t0) / 1000;
    const kb = /maxrss-kb (\d+)/.exec(r.stderr)?.[1];
    if (r.status !== 0 || kb === undefined) throw new Error(`import failed (${r.status}): ${r.stderr.slice(-2000)}`);
    const doc = JSON.parse(r.stdout) as { queued: number; rejected: number };
    return { rows, peakRssMb: Math.round(Number(kb) / 1024), seconds: Math.round(seconds), queued: doc.queued, rejected: doc.rejected };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const res = benchImportRss(Number(process.argv[2] ?? 100_000));
  console.log(`relay import of ${res.rows} rows: peak RSS ${res.peakRssMb} MB (target < 200 MB), ${res.seconds} s, ${res.queued} statements queued, ${res.rejected} rows rejected`);
}
