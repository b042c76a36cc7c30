#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. For a one-shot command the optimising
// tier-up buys nothing, and V8 makes the process wait for it at exit: about 150 ms of a 0.5 s
// submission here. Liftoff alone is plenty for one request; this must run before undici loads.
setFlagsFromString('--liftoff-only');

const [{ run }, { processIo }] = await Promise.all([import('./program.js'), import('./output.js')]);

run(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sealpost: error: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 5;
  },
);
