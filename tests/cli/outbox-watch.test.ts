/**
 * `outbox flush --watch` (issue 8, build point 1): it goes on until every envelope is delivered,
 * and Ctrl-C (SIGINT) stops it cleanly — summary, exit 3, the lock released, the envelope kept.
 * And the live status line: drawn only on a TTY without --json, erased before the verdict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Output } from '../../src/cli/output.js';
import { StatusLine } from '../../src/cli/status-line.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { BIN, sealpost } from '../harness/cli.js';

let c: TestCenter;
let tmp: string;
beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-watch-'));
});
afterAll(async () => {
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

const STATEMENT = ['--name', 'Watch Alias', '--orgs', 'CYL', '--country', 'CN', '--province', '440000'];

async function queued(home: string, count: number): Promise<void> {
  await mkdir(home, { recursive: true });
  for (let i = 0; i < count; i++) {
    const r = await sealpost(['--home', home, '--center', join(c.keysDir, 'center.json'), 'submit', ...STATEMENT, '--only-routes', '--route', 'http://127.0.0.1:1/']);
    expect(r.code).toBe(3);
  }
}

describe('outbox flush --watch', () => {
  it('stops cleanly on SIGINT: summary, exit 3, lock released, envelope still pending', async () => {
    const home = join(tmp, 'sigint');
    await queued(home, 1);
    const outbox = join(home, 'outbox');
    const child = spawn(process.execPath, [BIN, '--home', home, '--center', join(c.keysDir, 'center.json'), 'outbox', 'flush', '--watch', '--only-routes', '--route', 'http://127.0.0.1:1/', '--json'], {
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // The first round rewrites the envelope's file (its attempt and backoff): then it is waiting.
    await new Promise<void>((resolve) => {
      const w = watch(outbox, (_e, name) => {
        if (name && name.endsWith('.json')) {
          w.close();
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ delivered: 0, pending: 1, failed: 0 });
    expect(stderr).toMatch(/stopped: the envelopes not delivered stay in the outbox/);
    expect((await readdir(outbox)).filter((f) => f === '.lock')).toEqual([]);
  });

  it('keeps going until every envelope is delivered, then exits 0', async () => {
    const home = join(tmp, 'done');
    await queued(home, 3);
    const r = await sealpost(['--home', home, '--center', join(c.keysDir, 'center.json'), 'outbox', 'flush', '--watch', '--only-routes', '--route', c.url.href, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ delivered: 3, pending: 0 });
  });
});

describe('StatusLine', () => {
  const io = (tty: boolean) => {
    const stderr = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    return { io: { stdout: new PassThrough(), stderr, stdin: new PassThrough(), env: {} }, text: () => text };
  };

  it('on a TTY: one line redrawn in place with routes tried and failed, erased at the end', async () => {
    const s = io(true);
    const line = new StatusLine(new Output(s.io, false), (l) => `tried ${l.tried} failed ${l.failed}`);
    line.count({ type: 'start' });
    line.count({ type: 'end', attempt: { outcome: 'refused' } });
    line.count({ type: 'start' });
    line.stop();
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toBe('\rtried 1 failed 0\u001b[K\rtried 1 failed 1\u001b[K\rtried 2 failed 1\u001b[K\r\u001b[K');
  });

  it('nothing without a TTY, nothing under --json', async () => {
    for (const [tty, json] of [
      [false, false],
      [true, true],
    ] as const) {
      const s = io(tty);
      const line = new StatusLine(new Output(s.io, json), () => 'x');
      line.count({ type: 'start' });
      line.stop();
      await new Promise((r) => setImmediate(r));
      expect(s.text()).toBe('');
    }
  });
});
