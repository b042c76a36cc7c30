/**
 * Preloaded into the CLI by bench/ui.ts (`node --import`): writes, at exit, how long the process
 * ran after Node's own start-up (from this module's load, before sealpost's first module, to exit)
 * to the file named by SEALPOST_BENCH_CLOCK, as JSON `{ "bootMs", "runMs" }`.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.SEALPOST_BENCH_CLOCK;
const t0 = performance.now();
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify({ bootMs: t0, runMs: performance.now() - t0 })));
