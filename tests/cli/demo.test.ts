/**
 * Issue 6, finding 7: `demo` interrupted in its first second left `/tmp/sealpost-demo-*` with
 * `box.key`, sealed envelopes and a database. Whenever it is stopped, by a signal or an error, its
 * temporary folder goes, and the exit code is the conventional 128 + the signal's number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../harness/cli.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-demotest-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Resolves once something named `sealpost-demo-*` appears in `dir`. */
function folderAppears(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const w = watch(dir, (_e, name) => {
      if (name?.startsWith('sealpost-demo-')) {
        w.close();
        resolve();
      }
    });
  });
}

function demo(env: NodeJS.ProcessEnv = {}): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, [BIN, 'demo'], {
    env: { PATH: process.env.PATH ?? '', LANG: 'C', TMPDIR: tmp, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.resume();
  return Object.assign(child, { stderrText: () => stderr });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const [code, signal] = (child.exitCode !== null ? [child.exitCode, null] : await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

describe('demo cleans up whenever it stops (issue 6, finding 7)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s as soon as the folder exists (keys being made, no server yet)', async (sig) => {
    const appeared = folderAppears(tmp);
    const child = demo();
    await appeared;
    child.kill(sig);
    const { code, signal } = await exitOf(child);
    expect({ code, signal }).toEqual({ code: 128 + constants.signals[sig], signal: null });
    expect(child.stderrText()).not.toMatch(/local center/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('SIGINT once the center is listening and the race has begun', async () => {
    const child = demo();
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', () => {
        if (/^demo: a local center at /m.test(child.stderrText())) resolve();
      });
    });
    expect(await readdir(tmp)).toHaveLength(1);
    child.kill('SIGINT');
    const { code } = await exitOf(child);
    expect(code).toBe(130);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a crash (an uncaught exception) after the folder is made removes it too', async () => {
    // The scratch folder alone, in a process that then throws from a timer: no finally block runs.
    const scratch = fileURLToPath(new URL('../../dist/src/demo/scratch.js', import.meta.url));
    const script = `const { scratchDir } = await import(${JSON.stringify(scratch)});
      const s = scratchDir('sealpost-demo-');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(s.dir + '/box.key', 'secret');
      setTimeout(() => { throw new Error('boom'); }, 0);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const { code } = await exitOf(child);
    expect(stderr).toMatch(/boom/);
    expect(code).toBe(1);
    expect(await readdir(tmp)).toEqual([]);
  });
});
