/**
 * `startServe` and the built server in a child process: SIGKILL under load loses no receipted
 * envelope; listen addresses, TLS, and what serve needs from the keys folder.
 * The child tests run the built code: `npx tsc -p tsconfig.json` first.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { parseListen, startServe } from '../../src/center/serve.js';
import { openSqliteStore } from '../../src/center/sqlite-store.js';
import { CENTER, envelope, get, makeCenter, post, startChild, token, type TestCenter } from '../fixtures/center-helpers.js';

const run = promisify(execFile);
let center: TestCenter;
beforeAll(async () => {
  center = await makeCenter();
});
afterAll(async () => {
  await center.cleanup();
});

function eh(env: Uint8Array): Buffer {
  return createHash('sha256').update(env).digest();
}

describe('a server child killed with SIGKILL under load', () => {
  it('has, after a restart, every envelope it gave a receipt for', async () => {
    const dataDir = join(center.dir, 'killed');
    const first = await startChild({ keysDir: center.keysDir, dataDir, listen: '127.0.0.1:0' });
    const got: { env: Buffer; tok: string; receipt: string }[] = [];
    const agent = new Agent({ connections: 64 });
    let killed = false;
    const client = async () => {
      while (!killed) {
        const env = envelope();
        const tok = token();
        const r = await post(first.url, env, tok, agent).catch(() => null);
        if (!r) return; // the server is gone
        expect(r.status).toBe(200);
        got.push({ env, tok, receipt: r.json<{ receipt: string }>().receipt });
        if (got.length >= 400 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL'); // while the other clients' requests are in flight
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, client));
    expect((await first.exited).signal).toBe('SIGKILL');
    await agent.destroy();

    // The restarted server answers every receipted envelope with its byte-identical receipt.
    const second = await startChild({ keysDir: center.keysDir, dataDir, listen: '127.0.0.1:0' });
    // Within the intake's 64 connections per client address (issue 6, finding 6).
    const again2 = new Agent({ connections: 32 });
    try {
      const again = await Promise.all(got.map((g) => post(second.url, g.env, g.tok, again2)));
      again.forEach((a, i) => expect(a.json<{ receipt: string }>().receipt).toBe(got[i]!.receipt));
    } finally {
      await again2.destroy();
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }

    // And the store holds each of them at its index, with its blind and hour, without gaps.
    const store = await openSqliteStore({ path: join(dataDir, 'intake.sqlite') });
    try {
      const count = await store.count();
      expect(count).toBeGreaterThanOrEqual(got.length);
      for (const g of got) {
        const f = verifyReceipt(g.receipt, { center: CENTER, logKey: center.logKey, eh: eh(g.env) });
        const e = (await store.entry(f.index))!;
        expect(Buffer.from(e.eh).equals(eh(g.env))).toBe(true);
        expect(Buffer.from(e.envelope).equals(g.env)).toBe(true);
        expect(Buffer.from(e.blind).equals(Buffer.from(f.blind))).toBe(true);
        expect(e.hour).toBe(f.hour);
      }
      let n = 0;
      for await (const e of store.iterate()) expect(e.index).toBe(n++);
      expect(n).toBe(count);
    } finally {
      await store.close();
    }
  });
});

describe('startServe', () => {
  it('needs only log.key, creates the data folder with mode 0700, and listens on [::1]', async () => {
    const keysDir = join(center.dir, 'only-log');
    await mkdir(keysDir);
    await copyFile(join(center.keysDir, 'log.key'), join(keysDir, 'log.key'));
    const dataDir = join(center.dir, 'v6', 'data');
    const s = await startServe({ keysDir, dataDir, listen: '[::1]:0' });
    try {
      expect(s.url.href).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
      expect(s.url.port).not.toBe('0');
      expect(s.center).toBe(CENTER);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const env = envelope();
      const r = await post(s.url, env, token());
      expect(verifyReceipt(r.json<{ receipt: string }>().receipt, { center: CENTER, logKey: center.logKey, eh: eh(env) }).index).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('makes an existing 0755 data folder 0700 and its database files 0600 (issue 6, finding 7)', async () => {
    const dataDir = join(center.dir, 'open-folder');
    await mkdir(dataDir);
    await chmod(dataDir, 0o755);
    const files = ['intake.sqlite', 'intake.sqlite-wal', 'intake.sqlite-shm'];
    const modes = async () => Promise.all([dataDir, ...files.map((f) => join(dataDir, f))].map(async (p) => (await stat(p)).mode & 0o777));
    const once = async () => {
      const s = await startServe({ keysDir: center.keysDir, dataDir, listen: '127.0.0.1:0' });
      try {
        expect((await post(s.url, envelope(), token())).status).toBe(200);
        expect(await modes()).toEqual([0o700, 0o600, 0o600, 0o600]);
      } finally {
        await s.close();
      }
    };
    await once();
    // Files an older version left 0644 are narrowed too.
    await chmod(dataDir, 0o755);
    for (const f of files) await chmod(join(dataDir, f), 0o644).catch(() => {});
    await once();
  });

  it('refuses a key file of another kind', async () => {
    const keysDir = join(center.dir, 'wrong-kind');
    await mkdir(keysDir);
    await copyFile(join(center.keysDir, 'tally.key'), join(keysDir, 'log.key'));
    await expect(startServe({ keysDir, dataDir: join(center.dir, 'x'), listen: '127.0.0.1:0' })).rejects.toMatchObject({ code: 'bad-key-file' });
  });

  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    const cert = join(center.dir, 'cert.pem');
    const key = join(center.dir, 'key.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]);
    const s = await startServe({ keysDir: center.keysDir, dataDir: join(center.dir, 'tls'), listen: '127.0.0.1:0', tlsCert: cert, tlsKey: key });
    const agent = new Agent({ connect: { ca: await readFile(cert, 'utf8') } });
    try {
      expect(s.url.protocol).toBe('https:');
      const env = envelope();
      const r = await post(s.url, env, token(), agent);
      expect(r.status).toBe(200);
      verifyReceipt(r.json<{ receipt: string }>().receipt, { center: CENTER, logKey: center.logKey, eh: eh(env) });
    } finally {
      await agent.close();
      await s.close();
    }
  });

  it('answers /healthz right after listening', async () => {
    const s = await startServe({ keysDir: center.keysDir, dataDir: join(center.dir, 'health'), listen: '127.0.0.1:0' });
    try {
      expect((await get(new URL('healthz', s.url))).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1', 8080],
    ['[::1]:0', '::1', 0],
    ['localhost:443', 'localhost', 443],
  ])('%s', (text, host, port) => {
    expect(parseListen(text)).toEqual({ host, port });
  });

  it.each(['8080', '127.0.0.1', '::1:80', '127.0.0.1:65536', '127.0.0.1:-1', '[::1]', 'a b:1', ''])('refuses %j', (text) => {
    expect(() => parseListen(text)).toThrow(expect.objectContaining({ code: 'bad-listen' }));
  });
});
