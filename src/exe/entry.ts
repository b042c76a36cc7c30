/**
 * The single-executable entry (issue 11, build point 2). Node 20's SEA runs one CommonJS script
 * that can only `require` built-ins, so scripts/build-exe.mjs bundles this file with the whole
 * client inlined. No top-level await (not allowed in CommonJS): the program is imported
 * statically, where src/cli/main.ts imports it lazily.
 */
import './flags.js';
import { buildProgram, run } from '../cli/program.js';
import { EXIT } from '../cli/output.js';
import { processIo } from '../cli/output.js';
import { userArgs } from './args.js';

const commands = buildProgram({ io: processIo, exit: EXIT.ok }).commands.map((c) => c.name());

run(userArgs(process.argv, commands), processIo).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sealpost: error: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 5;
  },
);
