/**
 * `outbox list | show | flush`, `wipe` and submit's outbox behaviour, through the built command
 * against a real local center (issue 8, build point 1). After every command, no file under the
 * home holds the statement's name or text; without --keep-receipts nothing of a delivered
 * statement remains; with SEALPOST_PASSPHRASE no kept receipt or token is readable.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, toBase64 } from '../../src/crypto/base64.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { sealpost, type CliResult } from '../harness/cli.js';

let c: TestCenter;
let tmp: string;
let home: string;
let n = 0;

beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-outbox-cli-'));
});
afterAll(async () => {
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  home = join(tmp, `home-${++n}`);
  await mkdir(home);
});

const NAME = '李秘密发件箱';
const TEXT = 'Qwxzy outbox secret 声明正文内容';
const STATEMENT = ['--name', NAME, '--orgs', 'CYL', '--country', 'CN', '--province', '440000', '--text', TEXT];
const DEAD = ['--only-routes', '--route', 'http://127.0.0.1:1/'];
const good = () => ['--only-routes', '--route', c.url.href];

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return sealpost(['--home', home, '--center', join(c.keysDir, 'center.json'), ...args], { env });
}

/** Every file under the home, as text. */
async function homeText(): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(home, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) parts.push(await readFile(join(e.parentPath, e.name), 'utf8'));
  }
  return parts.join('\n');
}

async function noPlaintext(): Promise<void> {
  const text = await homeText();
  expect(text).not.toContain(NAME);
  expect(text).not.toContain('Qwxzy');
  expect(text).not.toContain('声明正文内容');
}

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
type Item = { id: string; state: string; attempts: number; receipt?: string; reason?: string };
type FlushDoc = { delivered: number; pending: number; failed: number; items: Item[] };

describe('outbox', () => {
  it('submit queues before any network and hints at outbox flush; list/show/flush --json shapes and exit codes; nothing remains after delivery', async () => {
    const s = await run(['submit', ...STATEMENT, ...DEAD, '--json']);
    expect(s.code).toBe(3);
    expect(s.stderr).toMatch(/hint: .*sealpost outbox flush/);
    await noPlaintext();
    const id = json<{ id: string }>(s).id;

    const l = await run(['outbox', 'list', '--json']);
    expect(l.code).toBe(0);
    expect(json(l)).toEqual([{ id, state: 'pending', attempts: 1 }]);
    const text = await run(['outbox', 'list']);
    expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('pending');

    const show = await run(['outbox', 'show', id.slice(0, 10), '--json']);
    expect(show.code).toBe(0);
    expect(json(show)).toMatchObject({ id, state: 'pending', attempts: 1 });
    expect((await run(['outbox', 'show', 'ffff0000'])).code).toBe(2);

    const f1 = await run(['outbox', 'flush', ...DEAD, '--json']);
    expect(f1.code).toBe(3);
    expect(json<FlushDoc>(f1)).toEqual({ delivered: 0, pending: 1, failed: 0, items: [{ id, state: 'pending', attempts: 2 }] });
    await noPlaintext();

    const f2 = await run(['outbox', 'flush', ...good(), '--json']);
    expect(f2.code).toBe(0);
    const doc = json<FlushDoc>(f2);
    expect(doc).toMatchObject({ delivered: 1, pending: 0, failed: 0 });
    expect(doc.items[0]).toMatchObject({ id, state: 'delivered', attempts: 3 });
    verifyReceipt(doc.items[0]!.receipt!, { center: c.center.name, logKey: c.center.logKey, eh: fromHex(id, 32)! });

    expect(json(await run(['outbox', 'list', '--json']))).toEqual([]);
    // Without --keep-receipts nothing of the delivered statement remains: not its envelope id either.
    await noPlaintext();
    expect(await homeText()).not.toContain(id);
    expect(await readdir(join(home, 'outbox'))).toEqual([]);
    const again = await run(['outbox', 'flush', ...good(), '--json']);
    expect(again.code).toBe(0);
    expect(json(again)).toEqual({ delivered: 0, pending: 0, failed: 0, items: [] });
  });

  it('keepReceipts in settings.json keeps the receipt: list shows it delivered, verifiable', async () => {
    await writeFile(join(home, 'settings.json'), '{"keepReceipts": true}');
    const s = await run(['submit', ...STATEMENT, ...good(), '--json']);
    expect(s.code).toBe(0);
    const { id } = json<{ id: string }>(s);
    const items = json<Item[]>(await run(['outbox', 'list', '--json']));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id, state: 'delivered', attempts: 1 });
    verifyReceipt(items[0]!.receipt!, { center: c.center.name, logKey: c.center.logKey, eh: fromHex(id, 32)! });
    await noPlaintext();
    // Kept with the receipt: the statement's id, tag key and counted fields, never a name (spec 9).
    expect((await new Outbox(home).get(id))!.counted).toMatchObject({ people: 1, cyl: 1, region: 'CN-440000' });
    const show = await run(['outbox', 'show', id]);
    expect(show.stdout).toContain('sealpost/receipt/v1');
  });

  it('with SEALPOST_PASSPHRASE, no kept receipt or token is readable in the home; without it the outbox does not open (exit 2)', async () => {
    const env = { SEALPOST_PASSPHRASE: 'long enough passphrase' };
    const s = await run(['--keep-receipts', 'submit', ...STATEMENT, ...DEAD, '--json'], env);
    expect(s.code).toBe(3);
    const { id } = json<{ id: string }>(s);
    const token = (await new Outbox(home, { passphrase: env.SEALPOST_PASSPHRASE }).get(id))!.token;
    expect(await homeText()).not.toContain(toBase64(token));
    const f = await run(['--keep-receipts', 'outbox', 'flush', ...good(), '--json'], env);
    expect(f.code).toBe(0);
    const text = await homeText();
    expect(text).not.toContain('sealpost/receipt/v1');
    expect(text).not.toContain(toBase64(token));
    await noPlaintext();
    // The statement's id and tag key are kept for `verify --counted` (spec 9), sealed like the receipt.
    const kept = (await new Outbox(home, { passphrase: env.SEALPOST_PASSPHRASE }).get(id))!.counted!;
    expect(kept).toMatchObject({ people: 1, cyl: 1, ccp: 0, cyp: 0, region: 'CN-440000', sector: '-' });
    expect(kept.tagKey).toHaveLength(44);
    expect(text).not.toContain(kept.tagKey);
    expect(text).not.toContain(kept.id);
    const listed = json<Item[]>(await run(['outbox', 'list', '--json'], env));
    expect(listed[0]).toMatchObject({ id, state: 'delivered' });
    expect(listed[0]!.receipt).toMatch(/^sealpost\/receipt\/v1\n/);
    const locked = await run(['outbox', 'list', '--json']);
    expect(locked.code).toBe(2);
    // The home records that a passphrase protects it: without one (and no terminal) nothing opens (wire spec 9).
    expect(locked.stderr).toMatch(/protected by a passphrase, and none was given/);
    expect(JSON.parse(locked.stdout)).toMatchObject({ error: { code: 'passphrase-needed' } });
  });

  it('a flush while another process holds the outbox lock refuses (exit 3) and touches nothing', async () => {
    const s = await run(['submit', ...STATEMENT, ...DEAD, '--json']);
    const { id } = json<{ id: string }>(s);
    // This test runner is alive: its pid makes a live lock.
    await writeFile(join(home, 'outbox', '.lock'), `${process.pid}\n`);
    const f = await run(['outbox', 'flush', ...good(), '--json']);
    expect(f.code).toBe(3);
    expect(f.stderr).toContain(`pid ${process.pid}`);
    expect(json(f)).toEqual({ delivered: 0, pending: 1, failed: 0, items: [] });
    expect(json(await run(['outbox', 'list', '--json']))).toEqual([{ id, state: 'pending', attempts: 1 }]);
    await rm(join(home, 'outbox', '.lock'));
    expect((await run(['outbox', 'flush', ...good()])).code).toBe(0);
  });

  it('submit that delivers also sends the envelopes waiting in the outbox over the same route', async () => {
    for (let i = 0; i < 3; i++) expect((await run(['submit', ...STATEMENT, ...DEAD])).code).toBe(3);
    const s = await run(['submit', ...STATEMENT, ...good()]);
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/also delivered 3 envelopes waiting in the outbox, over arg-1/);
    expect(json(await run(['outbox', 'list', '--json']))).toEqual([]);
  });

  it('flush prints its summary in zh-CN', async () => {
    await run(['submit', ...STATEMENT, ...DEAD]);
    const f = await run(['--lang', 'zh-CN', 'outbox', 'flush', ...good()]);
    expect(f.code).toBe(0);
    expect(f.stderr).toContain('已送达 1 个；仍待发送 0 个；无法使用 0 个');
  });
});

describe('wipe', () => {
  it('without --yes and without a terminal removes nothing (exit 2); with --yes removes outbox, kept receipts, tags and the relay secret', async () => {
    await run(['--keep-receipts', 'submit', ...STATEMENT, ...good()]);
    await run(['submit', ...STATEMENT, ...DEAD]);
    await writeFile(join(home, 'relay.secret'), 'x');
    await writeFile(join(home, 'tags.json'), '{}');
    await writeFile(join(home, 'center.json'), await readFile(join(c.keysDir, 'center.json')));
    const no = await run(['wipe']);
    expect(no.code).toBe(2);
    expect(no.stderr).toMatch(/--yes/);
    expect((await readdir(join(home, 'outbox'))).length).toBe(2);
    const yes = await run(['wipe', '--yes', '--json']);
    expect(yes.code).toBe(0);
    expect(json<{ removed: string[] }>(yes).removed.sort()).toEqual(['outbox', 'relay.secret', 'tags.json']);
    const left = await readdir(home);
    expect(left).toContain('center.json');
    for (const gone of ['outbox', 'relay.secret', 'tags.json']) expect(left).not.toContain(gone);
    const twice = await run(['wipe', '--yes', '--json']);
    expect(json(twice)).toEqual({ removed: [] });
  });
});
