/**
 * Issue 9, build point 5, as a user runs it (the built command, dist/): `sealpost keygen --witness`
 * and `sealpost witness serve`, whose state survives a SIGKILL: after a restart, an add-checkpoint
 * with the stale old size gets 409 and the size acknowledged before the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/crypto/base64.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { parseSecretKeyFile } from '../../src/crypto/keys.js';
import { signCheckpoint } from '../../src/log/checkpoint.js';
import { parseCosignatureKey, verifyCosignatures } from '../../src/log/cosignature.js';
import { consistencyPlan, leafHash, MemoryHashes, run, treeHashPlan } from '../../src/log/merkle.js';
import { BIN, sealpost } from '../harness/cli.js';

let tmp: string;
const agent = new Agent();
const log = new NoteSigner('log.test/log', randomBytes(32));
const tree = new MemoryHashes();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-witness-cli-'));
});
afterAll(async () => {
  await agent.close();
  await rm(tmp, { recursive: true, force: true });
});

async function note(): Promise<string> {
  return signCheckpoint(log, { origin: log.name, size: tree.size, root: await run(treeHashPlan(tree.size), tree) });
}

function grow(n: number): void {
  for (let i = 0; i < n; i++) tree.append(leafHash(randomBytes(40)));
}

async function add(url: URL, old: number, proof: readonly Uint8Array[], n: string) {
  const res = await request(new URL('add-checkpoint', url), { method: 'POST', body: `old ${old}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${n}`, dispatcher: agent });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

/** Starts `sealpost witness serve` and resolves with its URL once it prints `listening on`. */
async function serve(args: readonly string[]): Promise<{ proc: ChildProcess; url: URL }> {
  const proc = spawn(process.execPath, [BIN, 'witness', 'serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', LANG: 'C' } });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<URL>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`witness serve exited (${code}): ${err}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^listening on (\S+)$/.exec(line);
      if (m) resolve(new URL(m[1]!));
    });
  });
  return { proc, url };
}

function killed(proc: ChildProcess, signal: NodeJS.Signals): Promise<unknown> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  return exited;
}

describe('sealpost keygen --witness', () => {
  it('writes witness.key (mode 0600, kind witness) and witness.vkey, prints the vkey, and refuses to overwrite', async () => {
    const out = join(tmp, 'wkeys');
    const r = await sealpost(['keygen', '--witness', '--name', 'witness.test/w1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const vkey = r.stdout.trim();
    expect(parseCosignatureKey(vkey).name).toBe('witness.test/w1');
    expect(await readFile(join(out, 'witness.vkey'), 'utf8')).toBe(`${vkey}\n`);
    const keyText = await readFile(join(out, 'witness.key'), 'utf8');
    const key = parseSecretKeyFile(keyText, 'witness');
    expect(key).toMatchObject({ kind: 'witness', name: 'witness.test/w1' });
    expect(Buffer.from(key.publicKey).equals(parseCosignatureKey(vkey).publicKey)).toBe(true);
    expect((await stat(join(out, 'witness.key'))).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(/witness key written to/);

    const again = await sealpost(['keygen', '--witness', '--name', 'witness.test/w2', '--out', out, '--json']);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'exists' } });
    expect(await readFile(join(out, 'witness.key'), 'utf8')).toBe(keyText);

    const zh = await sealpost(['keygen', '--witness', '--name', 'witness.test/w1', '--out', out, '--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toMatch(/\p{Script=Han}/u);
    const json = await sealpost(['keygen', '--witness', '--name', 'witness.test/j', '--out', join(tmp, 'jkeys'), '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { witness: string; vkey: string; files: string[] };
    expect(doc).toMatchObject({ witness: 'witness.test/j', files: ['witness.key', 'witness.vkey'] });
    expect(parseCosignatureKey(doc.vkey).name).toBe('witness.test/j');
    expect((await sealpost(['keygen', '--witness', '--name', 'w', '--out', join(tmp, 'x'), '--url', 'http://127.0.0.1:1/'])).code).toBe(1);
    expect((await sealpost(['keygen', '--witness', '--name', 'bad name', '--out', join(tmp, 'y')])).code).toBe(2);
  });
});

describe('sealpost witness serve', () => {
  it('cosigns, and after a SIGKILL and a restart still holds what it acknowledged (stale old size: 409)', async () => {
    const keys = join(tmp, 'serve-keys');
    const data = join(tmp, 'serve-data');
    const kg = await sealpost(['keygen', '--witness', '--name', 'witness.test/s', '--out', keys]);
    expect(kg.code, kg.stderr).toBe(0);
    const wkey = parseCosignatureKey(kg.stdout.trim());
    const args = ['--keys', keys, '--data', data, '--log-key', log.verifierKey];
    let s = await serve(args);
    try {
      grow(5);
      const n5 = await note();
      const a = await add(s.url, 0, [], n5);
      expect(a.status).toBe(200);
      expect(verifyCosignatures(n5 + a.text, [wkey])).toHaveLength(1);
      grow(4);
      const b = await add(s.url, 5, await run(consistencyPlan(5, 9), tree), await note());
      expect(b.status).toBe(200);
      await killed(s.proc, 'SIGKILL');
      s = await serve(args);
      grow(1);
      // The client still thinks the witness holds 5: the witness answers with the 9 it acknowledged.
      expect(await add(s.url, 5, await run(consistencyPlan(5, 10), tree), await note())).toEqual({ status: 409, type: 'text/x.tlog.size', text: '9\n' });
      const c = await add(s.url, 9, await run(consistencyPlan(9, 10), tree), await note());
      expect(c.status).toBe(200);
    } finally {
      await killed(s.proc, 'SIGTERM');
    }
  });

  it('refuses to start without a log, with a bad log key, or without its key, naming the flag (both languages)', async () => {
    const keys = join(tmp, 'serve-keys');
    const data = join(tmp, 'data-bad');
    const none = await sealpost(['witness', 'serve', '--keys', keys, '--data', data, '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout)).toMatchObject({ error: { code: 'missing-flag' } });
    const bad = await sealpost(['witness', 'serve', '--keys', keys, '--data', data, '--log-key', 'nope', '--lang', 'zh-CN']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/日志密钥 nope 有误/);
    const nokey = await sealpost(['witness', 'serve', '--keys', join(tmp, 'nowhere'), '--data', data, '--log-key', log.verifierKey]);
    expect(nokey.code).toBe(2);
    expect(nokey.stderr).toMatch(/--keys/);
    const help = await sealpost(['witness', 'serve', '--help', '--lang', 'zh-CN']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--log-key/);
    expect(help.stdout).toMatch(/见证人/);
  });
});
