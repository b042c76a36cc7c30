/**
 * Issue 9, build point 5: the witness (C2SP tlog-witness add-checkpoint, tlog-cosignature) on a real
 * `startWitness` on 127.0.0.1, fed by a test log (a NoteSigner and a MemoryHashes tree), and the
 * intake's side (`witnessCosigner`) against two witnesses, one of them down.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../src/crypto/base64.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { signCheckpoint } from '../../src/log/checkpoint.js';
import { Cosigner, parseCosignatureKey, verifyCosignatures } from '../../src/log/cosignature.js';
import { consistencyPlan, leafHash, MemoryHashes, run, treeHashPlan } from '../../src/log/merkle.js';
import { generateWitnessKey } from '../../src/center/witness/keygen.js';
import { startWitness, type WitnessServing } from '../../src/center/witness/serve.js';
import { witnessCosigner } from '../../src/center/witness/collect.js';

const ORIGIN = 'log.test/log';

/** A log: leaves in a MemoryHashes tree, checkpoints signed by its note key. */
class TestLog {
  readonly tree = new MemoryHashes();
  constructor(
    readonly signer = new NoteSigner(ORIGIN, randomBytes(32)),
    readonly tag = 'a',
  ) {}
  grow(n: number): this {
    for (let i = 0; i < n; i++) this.tree.append(leafHash(new TextEncoder().encode(`${this.tag}-${this.tree.size}`)));
    return this;
  }
  async note(): Promise<string> {
    const size = this.tree.size;
    const root = await run(treeHashPlan(size), this.tree);
    return signCheckpoint(this.signer, { origin: this.signer.name, size, root });
  }
  proof(from: number): Promise<Uint8Array[]> {
    return run(consistencyPlan(from, this.tree.size), this.tree);
  }
}

const body = (old: number, proof: readonly Uint8Array[], note: string) => `old ${old}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${note}`;

let tmp: string;
let keysDir: string;
let vkey: string;
const agent = new Agent();
const running: WitnessServing[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-witness-'));
  keysDir = join(tmp, 'keys');
  vkey = (await generateWitnessKey('witness.test/w1', keysDir)).verifierKey;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.close()));
});
afterAll(async () => {
  await agent.close();
  await rm(tmp, { recursive: true, force: true });
});

async function witness(log: TestLog, data = join(tmp, `data-${randomBytes(4).toString('hex')}`), keys = keysDir): Promise<WitnessServing> {
  const w = await startWitness({ keysDir: keys, dataDir: data, listen: '127.0.0.1:0', logKeys: [log.signer.verifierKey], log: () => {} });
  running.push(w);
  return w;
}

async function add(w: WitnessServing, payload: string | Buffer, opts: { method?: 'POST' | 'GET'; path?: string } = {}) {
  const res = await request(new URL(opts.path ?? 'add-checkpoint', w.url), { method: opts.method ?? 'POST', body: opts.method === 'GET' ? null : payload, dispatcher: agent });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

const cosigned = (note: string, lines: string) => verifyCosignatures(note + lines, [parseCosignatureKey(vkey)]);

describe('witness serve: add-checkpoint (c2sp.org/tlog-witness)', () => {
  it('cosigns a first checkpoint from old 0, then a consistent bigger one with its proof', async () => {
    const log = new TestLog().grow(3);
    const w = await witness(log);
    expect(w.verifierKey).toBe(vkey);
    const n3 = await log.note();
    const a = await add(w, body(0, [], n3));
    expect(a.status).toBe(200);
    expect(a.text).toMatch(/^— witness\.test\/w1 [A-Za-z0-9+/]+=*\n$/);
    expect(cosigned(n3, a.text)).toEqual([{ name: 'witness.test/w1', time: expect.any(Number) }]);
    log.grow(5);
    const n8 = await log.note();
    const b = await add(w, body(3, await log.proof(3), n8));
    expect(b.status).toBe(200);
    expect(cosigned(n8, b.text)).toHaveLength(1);
    // The cosignature covers this checkpoint only.
    expect(() => cosigned(n3, b.text)).toThrow();
  });

  it('refuses an inconsistent checkpoint with 422, keeps it as evidence, and keeps what it held', async () => {
    const log = new TestLog().grow(4);
    const data = join(tmp, 'data-fork');
    const w = await witness(log, data);
    expect((await add(w, body(0, [], await log.note()))).status).toBe(200);
    // A fork: same key, same first leaves but one rewritten, grown to 9.
    const fork = new TestLog(log.signer, 'b').grow(9);
    const forked = body(4, await fork.proof(4), await fork.note());
    const r = await add(w, forked);
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/consistency proof from size 4 to 9 does not verify/);
    // The log signed it: the witness keeps the request as evidence of a split view (tlog-witness MAY).
    const kept = await readdir(join(data, 'evidence'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(data, 'evidence', kept[0]!), 'utf8')).toBe(forked);
    // A checkpoint the log did not sign is not evidence of anything.
    const impostor = new TestLog(new NoteSigner(ORIGIN, randomBytes(32)), 'b').grow(9);
    expect((await add(w, body(4, await impostor.proof(4), await impostor.note()))).status).toBe(403);
    expect(await readdir(join(data, 'evidence'))).toHaveLength(1);
    // A proof of the honest log with the fork's checkpoint fails too.
    log.grow(5);
    expect((await add(w, body(4, await log.proof(4), await fork.note()))).status).toBe(422);
    // Still at 4: the honest 9 goes through from 4.
    expect((await add(w, body(4, await log.proof(4), await log.note()))).status).toBe(200);
    // Old 0 with a proof is refused (the proof MUST be empty from 0).
    const other = await witness(log);
    expect((await add(other, body(0, [randomBytes(32)], await log.note()))).status).toBe(422);
  });

  it('answers a wrong old size with 409, text/x.tlog.size and the size it holds', async () => {
    const log = new TestLog().grow(6);
    const w = await witness(log);
    expect((await add(w, body(0, [], await log.note()))).status).toBe(200);
    log.grow(2);
    for (const old of [0, 5, 7]) {
      const proof = old === 0 ? [] : await log.proof(old);
      const r = await add(w, body(old, proof, await log.note()));
      expect(r).toEqual({ status: 409, type: 'text/x.tlog.size', text: '6\n' });
    }
    // A witness that holds nothing holds 0.
    const fresh = await witness(log);
    expect(await add(fresh, body(6, await log.proof(6), await log.note()))).toEqual({ status: 409, type: 'text/x.tlog.size', text: '0\n' });
  });

  it('the same size: cosigns the same root again, refuses another root with 409', async () => {
    const log = new TestLog().grow(5);
    const w = await witness(log);
    const n5 = await log.note();
    expect((await add(w, body(0, [], n5))).status).toBe(200);
    const again = await add(w, body(5, [], n5));
    expect(again.status).toBe(200);
    expect(cosigned(n5, again.text)).toHaveLength(1);
    const fork = new TestLog(log.signer, 'c').grow(5);
    const r = await add(w, body(5, [], await fork.note()));
    expect(r.status).toBe(409);
    expect(r.type).not.toBe('text/x.tlog.size');
    expect(r.text).toMatch(/another root hash for size 5/);
  });

  it('refuses a checkpoint without a valid signature of the log key with 403, an unknown origin with 404', async () => {
    const log = new TestLog().grow(3);
    const w = await witness(log);
    const n3 = await log.note();
    // Another key of the same name (its key hash differs: ignored, so unsigned).
    const impostor = new TestLog(new NoteSigner(ORIGIN, randomBytes(32))).grow(3);
    expect((await add(w, body(0, [], await impostor.note()))).status).toBe(403);
    // The right key's signature over another text.
    const tampered = n3.replace(/\n3\n/, '\n4\n');
    expect((await add(w, body(0, [], tampered))).status).toBe(403);
    const stranger = new TestLog(new NoteSigner('other.test/log', randomBytes(32))).grow(2);
    const r = await add(w, body(0, [], await stranger.note()));
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/does not follow the log other\.test\/log/);
    // Nothing was stored by these: the good one still goes in from 0.
    expect((await add(w, body(0, [], n3))).status).toBe(200);
  });

  it('answers garbage with 400 (and other methods, paths and sizes with 405, 404, 413) and stays up', async () => {
    const log = new TestLog().grow(2);
    const w = await witness(log);
    const n2 = await log.note();
    const bad = [
      '',
      'garbage',
      `old\n\n${n2}`,
      `old 01\n\n${n2}`,
      `old -1\n\n${n2}`,
      `Old 0\n\n${n2}`,
      `old 0\n${n2}`, // no empty line: the note's lines read as proof lines
      `old 0\nnot-base64!\n\n${n2}`,
      `old 0\n${toBase64(randomBytes(31))}\n\n${n2}`,
      `old 0\n${`${toBase64(randomBytes(32))}\n`.repeat(64)}\n${n2}`,
      'old 0\n\nnot a note',
      `old 0\n\n${n2.replace('\n2\n', '\nx\n')}`,
      body(3, [], n2), // old above the checkpoint's size
    ];
    for (const b of bad) {
      const r = await add(w, b);
      expect(r.status, JSON.stringify(b.slice(0, 40))).toBe(400);
      expect(r.text).toMatch(/^malformed add-checkpoint request: .+\n$/);
    }
    expect((await add(w, Buffer.from([0x6f, 0x6c, 0x64, 0x20, 0x30, 0x0a, 0x0a, 0xff, 0xfe]))).status).toBe(400);
    expect((await add(w, '', { method: 'GET' })).status).toBe(405);
    expect((await add(w, body(0, [], n2), { path: 'v1/add-checkpoint' })).status).toBe(404);
    expect((await add(w, Buffer.alloc(70_000, 0x61))).status).toBe(413);
    // A body cut short and a request Node cannot parse: the connection ends, the server stays.
    const cut = connect(Number(w.url.port), '127.0.0.1');
    await new Promise((r) => cut.once('connect', r));
    cut.write('POST /add-checkpoint HTTP/1.1\r\nHost: w\r\nContent-Length: 100\r\n\r\nold 0\n');
    cut.destroy();
    const junk = connect(Number(w.url.port), '127.0.0.1');
    junk.end('NOT HTTP AT ALL\r\n\r\n');
    const reply = await new Promise<string>((r) => {
      let got = '';
      junk.setEncoding('utf8').on('data', (d: string) => (got += d)).on('close', () => r(got));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await add(w, body(0, [], n2))).status).toBe(200);
  });

  it('decides concurrent add-checkpoints of one log one at a time: one wins, the other gets 409', async () => {
    const log = new TestLog().grow(10);
    const w = await witness(log);
    expect((await add(w, body(0, [], await log.note()))).status).toBe(200);
    const p11 = await log.grow(1).proof(10);
    const n11 = await log.note();
    const p12 = await log.grow(1).proof(10);
    const n12 = await log.note();
    const [a, b] = await Promise.all([add(w, body(10, p12, n12)), add(w, body(10, p11, n11))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 12 : 11;
    expect((a.status === 409 ? a : b).text).toBe(`${winner}\n`);
    expect((await add(w, body(0, [], n12))).text).toBe(`${winner}\n`);
  });

  it('keeps its state on disk: a restarted witness still holds the size, and a damaged state stops it', async () => {
    const log = new TestLog().grow(7);
    const data = join(tmp, 'data-restart');
    const w = await witness(log, data);
    expect((await add(w, body(0, [], await log.note()))).status).toBe(200);
    await w.close();
    running.splice(running.indexOf(w), 1);
    const again = await witness(log, data);
    expect(await add(again, body(0, [], await log.note()))).toEqual({ status: 409, type: 'text/x.tlog.size', text: '7\n' });
    await again.close();
    running.splice(running.indexOf(again), 1);
    const [file] = (await readdir(join(data, 'logs'))).filter((f) => f.endsWith('.json'));
    const state = JSON.parse(await readFile(join(data, 'logs', file!), 'utf8')) as { size: number };
    expect(state.size).toBe(7);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(data, 'logs', file!), '{"v":1,');
    await expect(witness(log, data)).rejects.toMatchObject({ code: 'unreadable', key: 'center.witness.bad-state' });
  });

  it('one process per data folder', async () => {
    const log = new TestLog();
    const data = join(tmp, 'data-lock');
    await witness(log, data);
    await expect(witness(log, data)).rejects.toMatchObject({ code: 'address-in-use', key: 'center.witness.busy' });
  });
});

describe('witnessCosigner: the intake side', () => {
  it('collects verified cosignatures from the witnesses that answer; one down adds nothing', async () => {
    const log = new TestLog().grow(4);
    const w = await witness(log);
    const downPort = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const downKeys = join(tmp, 'keys-down');
    const down = await generateWitnessKey('witness.test/down', downKeys);
    const lines: string[] = [];
    const cosign = witnessCosigner(
      [
        { name: 'witness.test/w1', key: vkey, url: w.url.href },
        { name: 'witness.test/down', key: down.verifierKey, url: `http://127.0.0.1:${downPort}/` },
      ],
      { timeoutMs: 2000, dispatcher: agent, log: (l) => lines.push(l) },
    );
    const n4 = await log.note();
    const asked: number[] = [];
    const got = await cosign(n4, 4, (from) => (asked.push(from), log.proof(from)));
    expect(got).toHaveLength(1);
    expect(cosigned(n4, got.join(''))).toHaveLength(1);
    expect(asked).toEqual([]); // from 0: no proof
    expect(lines).toEqual([expect.stringMatching(/^witness witness\.test\/down gave no cosignature: /)]);
    // Next checkpoint: the proof from the size this witness cosigned.
    log.grow(6);
    const n10 = await log.note();
    const next = await cosign(n10, 10, (from) => (asked.push(from), log.proof(from)));
    expect(asked).toEqual([4]);
    expect(cosigned(n10, next.join(''))).toHaveLength(1);
    // A new collector (an intake restarted) starts from 0, gets 409 with 10, and retries with the proof.
    log.grow(3);
    const fresh = witnessCosigner([{ name: 'witness.test/w1', key: parseCosignatureKey(vkey), url: w.url.href }], { dispatcher: agent });
    const n13 = await log.note();
    const again = await fresh(n13, 13, (from) => (asked.push(from), log.proof(from)));
    expect(asked).toEqual([4, 10]);
    expect(cosigned(n13, again.join(''))).toHaveLength(1);
  });

  it('drops a cosignature that does not verify and a witness that answers garbage or hangs', async () => {
    const log = new TestLog().grow(2);
    const n2 = await log.note();
    const liar = new Cosigner('witness.test/liar', randomBytes(32));
    const listed = parseCosignatureKey(new Cosigner('witness.test/liar', randomBytes(32)).verifierKey);
    const hung: http.ServerResponse[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/liar/add-checkpoint') res.end(liar.sign(n2.slice(0, n2.indexOf('\n\n') + 1), 1));
      else if (req.url === '/garbage/add-checkpoint') res.end('hello\n');
      else hung.push(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const cosign = witnessCosigner(
        [
          { name: 'witness.test/liar', key: listed, url: `${base}/liar/` },
          { name: 'witness.test/liar', key: listed, url: `${base}/garbage` },
          { name: 'witness.test/liar', key: listed, url: `${base}/hang/` },
        ],
        { timeoutMs: 300, dispatcher: agent },
      );
      const t0 = Date.now();
      expect(await cosign(n2, 2, () => Promise.reject(new Error('no proof from 0')))).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(300 + 1000);
    } finally {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
