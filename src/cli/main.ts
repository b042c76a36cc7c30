#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with llhttp compiled to WebAssembly. For a one-shot command the optimising
// tier-up buys nothing, and V8 makes the process wait for it at exit: about 150 ms of a 0.5 s
// submission here. Liftoff alone is plenty for one request; this must run before undici loads.
setFlagsFromString('--liftoff-only');

// Routes carry their own trust (spec 6 `ca`): a variable that switches certificate checks off for
// every TLS connection in the process is not honoured, and unset before anything reads it, so
// Node does not even warn (issue 6 finding 7). Each TLS hop also sets rejectUnauthorized itself.
delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;

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
