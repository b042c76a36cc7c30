/**
 * `sealpost ui` on a home protected by a passphrase, started without a terminal and without
 * SEALPOST_PASSPHRASE (a double-click): instead of stopping (exit 2, as other commands do), it
 * serves a locked page that asks for the passphrase first. While locked, everything but the page's
 * texts, the unlock and wipe is refused (423); an empty or wrong passphrase is refused and the page
 * stays locked; the right one opens the home, and what is then written is sealed under it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed } from '../../src/crypto/at-rest.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { loadRelaySecret } from '../../src/relay/secret.js';
import { BIN } from '../harness/cli.js';
import { startCenter, type TestCenter } from '../harness/center.js';

const PASS = 'correct horse 口令 battery';

let tc: TestCenter;
let home: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  tc = await startCenter();
  home = await mkdtemp(join(tmpdir(), 'sealpost-ui-unlock-'));
  // A home protected by an earlier run: its relay secret sealed, the setting recorded.
  await loadRelaySecret(home, { passphrase: PASS });
  await writeFile(join(home, 'settings.json'), '{"passphrase": true}\n');
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await tc?.close();
  await rm(home, { recursive: true, force: true });
});

describe('sealpost ui on a protected home, without a terminal', () => {
  it('serves a locked page; the passphrase given on the page opens the home', async () => {
    child = spawn(process.execPath, [BIN, 'ui', '--no-open', '--lang', 'en', '--home', home, '--center', join(tc.keysDir, 'center.json'), '--route', tc.url.href], {
      env: { PATH: process.env.PATH ?? '', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    // stdout and stderr are separate pipes: the notice may arrive after the URL does.
    const notice = new Promise<void>((resolve) => {
      child!.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('the page asks for it first')) resolve();
      });
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const origin = new URL(url).origin;
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    const api = async (path: string, body?: unknown) => {
      const r = await fetch(`${origin}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { cookie, origin, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    await Promise.race([notice, new Promise((resolve) => child!.once('exit', resolve))]);
    expect(stderr).toContain('the page asks for it first');

    expect((await api('/api/init')).json.locked).toBe(true);
    for (const [path, body] of [['/api/outbox'], ['/api/routes'], ['/api/preview', { fields: { name: 'x', orgs: ['CYL'] } }], ['/api/retry', {}]] as const) {
      const r = await api(path, body);
      expect(r.status, path).toBe(423);
      expect(r.json.code, path).toBe('passphrase-needed');
      expect(r.json.error, path).toBe('Give the passphrase first');
    }

    const empty = await api('/api/unlock', { passphrase: '' });
    expect(empty.status).toBe(400);
    expect(empty.json.code).toBe('passphrase-needed');
    const wrong = await api('/api/unlock', { passphrase: 'wrong horse' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('wrong-passphrase');
    expect((await api('/api/outbox')).status).toBe(423);

    const right = await api('/api/unlock', { passphrase: PASS });
    expect(right.status).toBe(200);
    expect(right.json.locked).toBe(false);
    expect((await api('/api/init')).json.locked).toBe(false);

    // Now the page works, and what it keeps is sealed under the passphrase.
    const preview = await api('/api/preview', { fields: { name: '解锁测试', orgs: ['CYL'], province: '110000' } });
    expect(preview.status).toBe(200);
    const sent = await api('/api/send', { draft: preview.json.draft });
    expect(sent.status).toBe(200);
    expect(sent.json.delivered).toBe(true);
    const { center } = tc;
    expect(() => verifyReceipt(String(sent.json.receipt), { center: center.name, logKey: center.logKey, eh: Buffer.from(String(sent.json.id), 'hex') })).not.toThrow();
    expect(isSealed(JSON.parse(await readFile(join(home, 'health.json'), 'utf8')))).toBe(true);
    for (const name of await readdir(home, { recursive: true })) {
      const bytes = await readFile(join(home, name)).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(PASS)), name).toBe(false);
      expect(bytes.includes(Buffer.from('解锁测试')), name).toBe(false);
    }

    const code = await new Promise<number | null>((resolve) => {
      child!.once('exit', (c) => resolve(c));
      child!.kill('SIGTERM');
    });
    child = undefined;
    expect(code).toBe(0);
  }, 30_000);
});
