/**
 * `sealpost ui --no-open` as people run it (issue 11, build point 1): the first stdout line is the
 * URL with the secret, the page answers there, SIGTERM ends it with exit 0; a bad route flag is
 * bad input (exit 2) before anything is served.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, sealpost } from '../harness/cli.js';
import { startCenter, type TestCenter } from '../harness/center.js';

let tc: TestCenter;
let home: string;

beforeAll(async () => {
  tc = await startCenter();
  home = await mkdtemp(join(tmpdir(), 'sealpost-ui-cli-'));
});
afterAll(async () => {
  await tc?.close();
  await rm(home, { recursive: true, force: true });
});

function get(url: string, cookie?: string): Promise<{ status: number; cookie: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '').split(';')[0]!, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('sealpost ui', () => {
  it('prints the URL with its secret first, serves the page, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'ui', '--no-open', '--lang', 'zh-CN', '--home', home, '--center', join(tc.keysDir, 'center.json'), '--route', tc.url.href], {
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    // stdout and stderr are separate pipes: the hint may arrive after the URL does.
    const hint = new Promise<void>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('Ctrl-C')) resolve();
      });
    });
    const first = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/open\/[A-Za-z0-9_-]{43}$/);
    const origin = new URL(first).origin;
    expect((await get(`${origin}/`)).status).toBe(403);
    const opened = await get(first);
    expect(opened.status).toBe(303);
    const page = await get(`${origin}/`, opened.cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/page.js" defer></script>');
    await Promise.race([hint, new Promise((resolve) => child.once('exit', resolve))]);
    expect(stderr).toContain('Ctrl-C');
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('refuses a bad or busy --port (exit 2 naming the flag)', async () => {
    const base = ['ui', '--no-open', '--home', home, '--center', join(tc.keysDir, 'center.json'), '--port'];
    for (const p of ['0', '1.5', '70000', 'x']) expect((await sealpost([...base, p])).code, p).toBe(2);
    const busy = await sealpost([...base, tc.url.port, '--lang', 'en']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`port ${tc.url.port} on 127.0.0.1 is in use`);
    expect(busy.stdout).toBe('');
  });

  it('refuses a bad proxy flag before serving (exit 2, nothing on stdout)', async () => {
    const r = await sealpost(['ui', '--no-open', '--home', home, '--center', join(tc.keysDir, 'center.json'), '--proxy', 'ftp://nope']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
