/**
 * Issue 8, build point 3 and its acceptance ("Armor: 100 envelopes in one file, bare and labelled
 * blocks mixed, with noise between them, all accepted; a truncated block, bad base64 and a wrong
 * length are each reported by position"): `sealpost relay accept` run as built, the outbox read back
 * through its own API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArmor } from '../../src/crypto/armor.js';
import { envelopeIdHex } from '../../src/crypto/envelope.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { sealpost } from '../harness/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-accept-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in envelope: version 0x01 and pseudo-random bytes (relay accept never opens one). */
function fakeEnvelope(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761 + 7;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  out[0] = 1;
  return out;
}

const accept = (home: string, files: readonly string[], ...flags: string[]) => sealpost(['relay', 'accept', '--home', home, ...flags, ...files]);

/** The outbox's item files, `<envelope id>.json` (outbox contract). */
async function outboxFiles(home: string): Promise<string[]> {
  const names = await readdir(join(home, 'outbox')).catch(() => [] as string[]);
  return names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
}

/** Noise a carrier's file holds between blocks: prose, an envelope id, another program's armor, blank lines. */
const NOISE = [
  ['Here is the next one, copied from the chat:'],
  ['', ''],
  ['id: 9b0e' + 'a1'.repeat(30)],
  ['-----BEGIN PGP SIGNATURE-----', 'iQEzBAEBCAAdFiEE' + 'A'.repeat(48), '=abcd', '-----END PGP SIGNATURE-----'],
  ['— sent from my phone; 谢谢'],
];

describe('relay accept: 100 envelopes in one file (issue 8 acceptance)', () => {
  const home = () => join(dir, 'home-100');
  const file = () => join(dir, 'carried.txt');
  const envelopes = Array.from({ length: 100 }, (_, i) => fakeEnvelope(i === 50 ? 16433 : i % 10 === 9 ? 4145 : 1073, i + 1));

  beforeAll(async () => {
    const parts: string[] = ['Envelopes from the trip, do not edit.', ''];
    for (const [i, env] of envelopes.entries()) {
      const block = writeArmor([env], { label: i % 2 === 1 });
      // Some blocks with CRLF, as pasted from a Windows editor.
      parts.push(i % 7 === 3 ? block.replace(/\n/g, '\r\n') : block, ...NOISE[i % NOISE.length]!, '');
    }
    await writeFile(file(), parts.join('\n'));
  });

  it('queues all 100, unread and pending, each with its file and block position, and prints their ids', async () => {
    const r = await accept(home(), [file()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(envelopes.map(envelopeIdHex));
    expect(r.stderr).toMatch(/^put in the outbox: 100; already there: 0; bad blocks or files: 0$/m);
    expect(r.stderr).toMatch(/^sealpost: hint: run sealpost outbox flush/m);
    expect(await outboxFiles(home())).toHaveLength(100);
    const items = await new Outbox(home()).list();
    const byId = new Map(items.map((it) => [it.id, it]));
    for (const [i, env] of envelopes.entries()) {
      const item = byId.get(envelopeIdHex(env));
      expect(item?.state).toBe('pending');
      expect(item?.origin).toEqual({ file: file(), block: i + 1 });
      expect(Buffer.from(item!.envelope).equals(Buffer.from(env))).toBe(true);
      expect(item!.token).toHaveLength(16);
    }
  });

  it('re-accepting the same file queues nothing new and still exits 0', async () => {
    const before = await Promise.all((await outboxFiles(home())).map((n) => readFile(join(home(), 'outbox', n), 'utf8')));
    const r = await accept(home(), [file()], '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { accepted: number; alreadyQueued: number; bad: number; items: { state: string }[] };
    expect(doc).toMatchObject({ accepted: 0, alreadyQueued: 100, bad: 0 });
    expect(doc.items.every((i) => i.state === 'already-queued')).toBe(true);
    const after = await Promise.all((await outboxFiles(home())).map((n) => readFile(join(home(), 'outbox', n), 'utf8')));
    expect(after).toEqual(before); // the tokens drawn the first time are kept
    const human = await accept(home(), [file()]);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^put in the outbox: 0; already there: 100; bad blocks or files: 0$/m);
  });
});

/**
 * Six blocks: good, truncated, good (labelled), bad base64, wrong length (labelled), good; and the
 * 1-based line of each block's first line and of the damaged line.
 */
function damagedText(): { text: string; good: Uint8Array[]; lines: { truncated: number; badLine: number; wrongLength: number } } {
  const good = [fakeEnvelope(1073, 201), fakeEnvelope(1073, 202), fakeEnvelope(4145, 203)];
  const lines: string[] = ['Three came through fine, three did not.', ''];
  const add = (block: string): number => {
    const at = lines.length + 1;
    lines.push(...block.trimEnd().split('\n'), '', 'noise between blocks', '');
    return at;
  };
  add(writeArmor([good[0]!]));
  const cut = writeArmor([fakeEnvelope(1073, 204)]).trimEnd().split('\n').slice(0, -1).join('\n');
  const truncated = add(cut);
  add(writeArmor([good[1]!], { label: true }));
  const bad = writeArmor([fakeEnvelope(1073, 205)]).split('\n');
  bad[4] = `${bad[4]!.slice(0, 10)}*${bad[4]!.slice(11)}`;
  const badStart = add(bad.join('\n'));
  const short = fakeEnvelope(1000, 206);
  const wrongLength = add(['-----BEGIN MESSAGE-----', ...Buffer.from(short).toString('base64').match(/.{1,64}/g)!, '-----END MESSAGE-----'].join('\n'));
  add(writeArmor([good[2]!]));
  return { text: lines.join('\n'), good, lines: { truncated, badLine: badStart + 4, wrongLength } };
}

describe('relay accept: damaged blocks reported by position', () => {
  const d = damagedText();
  const file = () => join(dir, 'damaged.txt');
  beforeAll(async () => {
    await writeFile(file(), d.text);
  });

  it('queues the good blocks and names each bad one by block and line (en); exit 0', async () => {
    const home = join(dir, 'home-damaged');
    const r = await accept(home, [file()]);
    expect(r.code, r.stderr).toBe(0);
    const f = file();
    expect(r.stderr).toContain(`sealpost: warning: ${f}: block 2 (line ${d.lines.truncated}): the block is cut short; copy it again in full\n`);
    expect(r.stderr).toContain(`sealpost: warning: ${f}: block 4 (line ${d.lines.badLine}): not valid base64\n`);
    expect(r.stderr).toContain(`sealpost: warning: ${f}: block 5 (line ${d.lines.wrongLength}): 1000 bytes is not the size of an envelope\n`);
    expect(r.stderr).toMatch(/^put in the outbox: 3; already there: 0; bad blocks or files: 3$/m);
    expect(await outboxFiles(home)).toHaveLength(3);
    const items = await new Outbox(home).list();
    const blocks = Object.fromEntries(items.map((it) => [it.id, it.origin?.block]));
    expect(blocks).toEqual({ [envelopeIdHex(d.good[0]!)]: 1, [envelopeIdHex(d.good[1]!)]: 3, [envelopeIdHex(d.good[2]!)]: 6 });
  });

  it('says the same in zh-CN', async () => {
    const r = await sealpost(['--lang', 'zh-CN', 'relay', 'accept', '--home', join(dir, 'home-damaged-zh'), file()]);
    expect(r.code, r.stderr).toBe(0);
    const f = file();
    expect(r.stderr).toContain(`sealpost: warning: ${f}：第 2 块（第 ${d.lines.truncated} 行）：此块不完整，请重新完整复制\n`);
    expect(r.stderr).toContain(`sealpost: warning: ${f}：第 4 块（第 ${d.lines.badLine} 行）：不是有效的 base64\n`);
    expect(r.stderr).toContain(`sealpost: warning: ${f}：第 5 块（第 ${d.lines.wrongLength} 行）：1000 字节不是信封的大小\n`);
    expect(r.stderr).toMatch(/^放入发件箱：3 个；早已在发件箱中：0 个；有问题的块或文件：3 个$/m);
    expect(r.stderr).toMatch(/^sealpost: hint: 运行 sealpost outbox flush 即可发送这些信封并验证其回执$/m);
  });

  it('lists the problems in --json with their stable codes', async () => {
    const r = await accept(join(dir, 'home-damaged-json'), [file()], '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { accepted: number; bad: number; problems: unknown[]; items: unknown[] };
    expect(doc).toMatchObject({ accepted: 3, alreadyQueued: 0, bad: 3 });
    expect(doc.problems).toEqual([
      expect.objectContaining({ file: file(), block: 2, line: d.lines.truncated, code: 'truncated' }),
      expect.objectContaining({ file: file(), block: 4, line: d.lines.badLine, code: 'bad-base64' }),
      expect.objectContaining({ file: file(), block: 5, line: d.lines.wrongLength, code: 'bad-length', length: 1000 }),
    ]);
    expect(doc.items).toEqual([1, 3, 6].map((block, k) => ({ file: file(), block, id: envelopeIdHex(d.good[k]!), state: 'queued' })));
  });
});

describe('relay accept: binary envelopes, several files, nothing usable', () => {
  it('takes a file whose bytes are one envelope, beside an armored file', async () => {
    const home = join(dir, 'home-bin');
    const bin = join(dir, 'one.bin');
    const env = fakeEnvelope(4145, 300);
    await writeFile(bin, env);
    const txt = join(dir, 'one.txt');
    const other = fakeEnvelope(1073, 301);
    await writeFile(txt, writeArmor([other]));
    const r = await accept(home, [bin, txt]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${envelopeIdHex(env)}\n${envelopeIdHex(other)}\n`);
    const origins = (await new Outbox(home).list()).map((it) => it.origin).sort((a, b) => a!.file.localeCompare(b!.file));
    expect(origins).toEqual([{ file: bin, block: 1 }, { file: txt, block: 1 }]);
  });

  it.each([
    ['en', 'no usable envelope in the files given: nothing was queued', 'ask for a new, complete copy', 'cannot read', 'no envelope found'],
    ['zh-CN', '所给文件中没有可用的信封：没有放入任何信封', '请对方把上面列出的每一块重新完整复制一份', '无法读取', '没有找到信封'],
  ])('exits 2 when nothing in the files is an envelope (%s), naming each file and block', async (lang, nothing, hint, unreadable, none) => {
    const home = join(dir, `home-none-${lang}`);
    const wrong = join(dir, 'wrong.bin');
    await writeFile(wrong, fakeEnvelope(1000, 400));
    const prose = join(dir, 'prose.txt');
    await writeFile(prose, 'just a letter, no envelope in it\n');
    const missing = join(dir, 'missing.txt');
    const r = await sealpost(['--lang', lang, 'relay', 'accept', '--home', home, wrong, prose, missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`sealpost: error: ${nothing}\n`);
    expect(r.stderr).toContain(`sealpost: hint: ${hint}`);
    expect(r.stderr).toMatch(new RegExp(`^sealpost: warning: .*wrong\\.bin[:：] ?(block 1|第 1 块)`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^sealpost: warning: .*${unreadable}.*missing\\.txt|missing\\.txt.*${unreadable}`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^sealpost: warning: .*prose\\.txt[:：] ?${none}$`, 'm'));
    expect(await outboxFiles(home)).toEqual([]);
  });

  it('prints one JSON document with the error and the problems when nothing is usable', async () => {
    const r = await accept(join(dir, 'home-none-json'), [join(dir, 'wrong.bin')], '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ error: { code: 'empty' }, accepted: 0, alreadyQueued: 0, bad: 1 });
    expect(doc.problems).toEqual([expect.objectContaining({ block: 1, line: 1, code: 'bad-length', length: 1000 })]);
  });
});

describe('relay accept with a real center: delivered by outbox flush, nothing of the statements left', () => {
  let c: TestCenter;
  beforeAll(async () => {
    c = await startCenter();
  });
  afterAll(async () => {
    await c.close();
  });

  it('after seal, accept and flush, the receipts verified and no file under either home holds a name or text', async () => {
    const center = join(c.keysDir, 'center.json');
    const NAME = '王秘密名';
    const TEXT = 'Zqvx hidden words 私密正文';
    const sealHome = join(dir, 'home-sealer');
    const home = join(dir, 'home-real');
    const blocks: string[] = [];
    for (const [i, label] of [[1, false], [2, true], [3, false]] as const) {
      const input = `name: ${NAME}${i}\norgs: CYL\ncountry: CN\nprovince: 440000\ntext: ${TEXT}\n`;
      const r = await sealpost(['seal', '--center', center, '--home', sealHome, ...(label ? ['--armor'] : []), '-'], { input });
      expect(r.code, r.stderr).toBe(0);
      blocks.push(r.stdout);
    }
    const file = join(dir, 'real.txt');
    await writeFile(file, blocks.join('\nnoise\n'));
    const noStatement = async () => {
      for (const h of [home, sealHome]) {
        for (const f of await walk(h)) {
          const bytes = await readFile(f);
          for (const secret of [NAME, TEXT, 'Zqvx', '私密']) expect(bytes.includes(Buffer.from(secret)), `${f} holds ${secret}`).toBe(false);
        }
      }
    };
    const r = await accept(home, [file]);
    expect(r.code, r.stderr).toBe(0);
    expect(await outboxFiles(home)).toHaveLength(3);
    await noStatement();
    const flushed = await sealpost(['outbox', 'flush', '--home', home, '--center', center, '--route', c.url.toString(), '--only-routes', '--json']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(JSON.parse(flushed.stdout)).toMatchObject({ delivered: 3, pending: 0, failed: 0 });
    expect(await outboxFiles(home)).toEqual([]); // nothing of a delivered statement remains without --keep-receipts
    await noStatement();
  });

  it('with a passphrase, the origin (the carried file) and the token are sealed in the outbox', async () => {
    const home = join(dir, 'home-pass');
    const file = join(dir, 'carried-by-hand-origin.txt');
    await writeFile(file, writeArmor([fakeEnvelope(1073, 500)]));
    const r = await sealpost(['relay', 'accept', '--home', home, file], { env: { SEALPOST_PASSPHRASE: 'correct horse' } });
    expect(r.code, r.stderr).toBe(0);
    const [name] = await outboxFiles(home);
    const raw = await readFile(join(home, 'outbox', name!), 'utf8');
    expect(raw).not.toContain('carried-by-hand-origin');
    const [item] = await new Outbox(home, { passphrase: 'correct horse' }).list();
    expect(item?.origin).toEqual({ file, block: 1 });
    expect(raw).not.toContain(Buffer.from(item!.token).toString('base64'));
  });
});

async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
