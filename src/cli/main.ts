#!/usr/bin/env node
import { run } from './program.js';
import { processIo } from './output.js';

run(process.argv.slice(2), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sealpost: error: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 5;
  },
);
