/** Runs the built `sealpost` command (dist/, built by `npm test` before vitest) as a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** SEALPOST_TEST_BIN runs the tests against another build (e.g. the commit before a fix, to see a test fail). */
export const BIN = process.env.SEALPOST_TEST_BIN ?? fileURLToPath(new URL('../../dist/bin/sealpost.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
}

/** Runs `command` with `args` (PATH and LANG=C, plus `env`), feeds it `input`, collects its output. */
export function runCommand(command: string, args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', LANG: 'C', ...opts.env },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** The built sealpost (BIN) under this Node, with optional Node flags (e.g. `--import` a recorder). */
export function sealpost(args: readonly string[], opts: RunOptions & { nodeArgs?: readonly string[] } = {}): Promise<CliResult> {
  return runCommand(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], opts);
}

/** What `submit --json` prints (the fields the tests read). */
export interface SubmitJson {
  delivered: boolean;
  route: string | null;
  receipt: string | null;
  attempts: { route: string; outcome: string; strategy?: { dns: string; tls: string } }[];
}
