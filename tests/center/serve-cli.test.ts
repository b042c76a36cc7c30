/**
 * `sealpost serve`'s connection caps as a whole process (issue 6, finding 6): `--max-per-client`
 * reaches the server, `--behind-proxy` turns the per-address cap off, both are in `--help` in
 * both languages, and bad values are usage errors. Runs the built command (dist/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sealpost } from '../harness/cli.js';
import { envelope, makeCenter, post, token, type TestCenter } from '../fixtures/center-helpers.js';
import { hold, statusOf, type Held } from '../fixtures/center-flood.js';

let center: TestCenter;
beforeAll(async () => {
  center = await makeCenter();
});
afterAll(async () => {
  await center.cleanup();
});

async function serve(flags: readonly string[]): Promise<{ proc: ChildProcess; url: URL }> {
  const args = [BIN, 'serve', '--keys', center.keysDir, '--data', join(center.dir, `data-${flags.join('')}`), '--listen', '127.0.0.1:0', ...flags];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<URL>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (m) resolve(new URL(m[1]!));
    });
  });
  return { proc, url };
}

async function stop(proc: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

/**
 * A connection whose request body is still arriving: busy, not idle, once the server has read its
 * head — which it has by the time it answers a request sent after it on another connection.
 */
function busy(url: URL): Promise<Held> {
  return hold(url, { send: `POST /v1/envelopes HTTP/1.1\r\nHost: intake\r\nSealpost-Token: ${token()}\r\nContent-Length: 1073\r\n\r\nxx` });
}

describe('serve --max-per-client / --behind-proxy', () => {
  it('--max-per-client 1: a second busy connection from one address gets 503, another address 200', async () => {
    const s = await serve(['--max-per-client', '1']);
    const a = new Agent({ localAddress: '127.0.0.5' });
    let first: Held | undefined;
    try {
      first = await busy(s.url);
      expect((await post(s.url, envelope(), token(), a)).status).toBe(200);
      const second = await post(s.url, envelope(), token());
      expect(second.status).toBe(503);
      expect(second.json()).toEqual({ error: 'overloaded', message: expect.any(String) });
      expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      first?.socket.destroy();
      await a.destroy();
      await stop(s.proc);
    }
  });

  it('--behind-proxy: no cap per address', async () => {
    const s = await serve(['--behind-proxy']);
    const held: Held[] = [];
    try {
      for (let i = 0; i < 70; i++) held.push(await busy(s.url));
      const r = await post(s.url, envelope(), token());
      expect(r.status).toBe(200);
      // With the default cap of 64, the 65th to 70th would have been refused or shed with a 503.
      expect(held.every((h) => statusOf(h.data()) === 0)).toBe(true);
    } finally {
      for (const h of held) h.socket.destroy();
      await stop(s.proc);
    }
  });
});

describe('serve flags', () => {
  it.each([
    ['en', ['--max-connections', '--max-per-client', '--behind-proxy', 'reverse proxy']],
    ['zh-CN', ['--max-connections', '--max-per-client', '--behind-proxy', '反向代理']],
  ])('--help (%s) lists the caps', async (lang, words) => {
    const r = await sealpost(['--lang', lang, 'serve', '--help']);
    expect(r.code).toBe(0);
    for (const w of words) expect(r.stdout).toContain(w);
  });

  // A wrong value is bad input (exit 2), flags that do not go together a usage error (exit 1): issue 7.
  it.each([
    [['--max-per-client', '-1'], 2, '--max-per-client needs a whole number of at least 0'],
    [['--max-per-client', 'many'], 2, '--max-per-client needs a whole number of at least 0'],
    [['--max-connections', '0'], 2, '--max-connections needs a whole number of at least 1'],
    [['--behind-proxy', '--max-per-client', '3'], 1, '--behind-proxy and --max-per-client do not go together'],
  ])('%j exits %i', async (flags, exit, message) => {
    const r = await sealpost(['serve', '--keys', center.keysDir, '--data', join(center.dir, 'never'), ...flags]);
    expect(r.code).toBe(exit);
    expect(r.stderr).toContain(`sealpost: error: ${message}`);
  });
});

