/**
 * `sealpost verify --counted <dir>` end to end (issue 10 build point 4; wire spec 8 and 9): a real
 * intake, `submit --keep-receipts` (one statement with a sector, one sent twice; another home keeps
 * its statement under a passphrase), the real `sealpost tally` on the intake's data folder, then `verify --counted` on its
 * output — every statement found, offline, in English and Chinese; then tallies a lying center
 * publishes consistently (an entry changed or left out, the checkpoint and the note signed again
 * with the tally key), which only the statement-by-statement check catches.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoteSigner } from '../../src/crypto/note.js';
import { statementTag } from '../../src/statement/tag.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { sealpost } from '../harness/cli.js';
import { republish, tallySigner } from '../log/verify-counted-fixture.js';

let c: TestCenter;
let signer: NoteSigner;
let out: string;
const PASS = { SEALPOST_PASSPHRASE: 'a long enough test passphrase' };
/** The envelope kept under the passphrase, in the home `locked`. */
let lockedId: string;
const PLAIN = ['--name', '小李', '--orgs', 'CYL', '--country', 'CN', '--province', '440000'];
const SECTOR = ['--name', '老王', '--orgs', 'CCP,CYL', '--country', 'CN', '--province', '110000', '--sector', 'education'];
/** Envelope ids by statement: plain, sector, and the statement sent twice. */
const ids: Record<'plain' | 'sector' | 'twice', string[]> = { plain: [], sector: [], twice: [] };
/** The tag of the statement sent twice (read from its statement file). */
let twiceTag: string;

// The main home keeps in the clear: a passphrase costs an scrypt per kept item and run (spec 9),
// so only the home `locked` has one.
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, home = 'home') =>
  sealpost(['--home', join(c.dir, home), '--center', join(c.keysDir, 'center.json'), ...args], { env });
const submit = async (what: string[], env: NodeJS.ProcessEnv = {}, home = 'home') => {
  const s = await cli(['--keep-receipts', 'submit', ...what, '--only-routes', '--route', c.url.href, '--json'], env, home);
  expect(s.code, s.stderr).toBe(0);
  return JSON.parse(s.stdout).id as string;
};
/** A copy of the honest tally to lie with. */
async function copy(name: string): Promise<string> {
  const d = join(c.dir, name);
  await rm(d, { recursive: true, force: true });
  await cp(out, d, { recursive: true });
  return d;
}

beforeAll(async () => {
  c = await startCenter();
  signer = await tallySigner(c.keysDir);
  ids.plain.push(await submit(PLAIN));
  ids.sector.push(await submit(SECTOR));
  const file = join(c.dir, 'twice.json');
  const composed = await cli(['compose', '--name', '小张', '--orgs', 'CYP', '--country', 'TW', '--out', file]);
  expect(composed.code, composed.stderr).toBe(0);
  twiceTag = statementTag(JSON.parse(await readFile(file, 'utf8')));
  ids.twice.push(await submit([file]), await submit([file]));
  lockedId = await submit(['--name', '小周', '--orgs', 'CCP', '--country', 'CA'], PASS, 'locked');
  out = join(c.dir, 'out');
  const t = await cli(['tally', '--keys', c.keysDir, '--data', c.dataDir, '--out', out, '--threads', '0', '--json'], {});
  expect(t.code, t.stderr).toBe(0);
  expect(JSON.parse(t.stdout)).toMatchObject({ totals: { statements: 4 }, rejected: { duplicate: 1 } });
}, 60_000);
afterAll(() => c.close());

describe('verify --counted on a real tally', () => {
  it('finds every kept statement (the sector suppressed, the one sent twice once), offline: exit 0', async () => {
    const r = await cli(['verify', '--counted', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^envelope\s+counted entry\s+verdict$/);
    expect(rows).toHaveLength(4);
    expect(r.stdout).toMatch(new RegExp(`${ids.sector[0]}\\s+\\d\\s+counted \\(sector suppressed\\)`));
    expect(r.stdout).toMatch(new RegExp(`${ids.plain[0]}\\s+\\d\\s+counted\\n`));
    expect(r.stdout).toMatch(/\(\+1\)\s+\d\s+counted/);
    expect(r.stderr).toContain('tally of center.test: a counted log of size 4 from a received log of size 5, signed by the tally key');
    expect(r.stderr).toContain('of your statements: 3 counted, 0 counted with other fields, 0 NOT counted, 0 not counted yet');
    expect(r.stderr).toContain('a sector shown as "-" is a cell of fewer than 10 statements');
    expect(r.stderr).toContain('the received log was not checked');
  });

  it('prints verify\'s document with a counted part (--json), and speaks zh-CN', async () => {
    const r = await cli(['verify', '--counted', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ checkpoint: null, receipts: [], lies: [], attempts: [], ok: true });
    expect(doc.counted.tally).toMatchObject({ center: 'center.test', counted: { size: 4 }, received: { size: 5 } });
    const twice = doc.counted.statements.find((s: { tag: string }) => s.tag === twiceTag);
    expect(twice).toMatchObject({ status: 'counted', index: 2 });
    expect([...twice.envelopes].sort()).toEqual([...ids.twice].sort());
    expect(doc.counted.statements.find((s: { envelopes: string[] }) => s.envelopes[0] === ids.sector[0])).toMatchObject({ status: 'counted', suppressed: true });
    expect(r.stdout).not.toMatch(/tagKey|"id"/);
    const zh = await cli(['--lang', 'zh-CN', 'verify', '--counted', out]);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('已计入（行业被隐去）');
    expect(zh.stderr).toContain('center.test 的统计：大小为 4 的计数日志，来自大小为 5 的接收日志');
    expect(zh.stderr).toContain('你的声明中：3 份已计入');
  });

  it('an entry changed and signed again: exit 4 naming the field, evidence kept, in both languages', async () => {
    const lying = await copy('lying-field');
    const own = parseInt((await cli(['verify', '--counted', out, '--json'])).stdout.match(/"entry": (\d+)/)![1]!, 10);
    await republish(lying, signer, c.center.tallyKey, (es) => es.map((e, i) => (i === own - 1 ? { ...e, people: e.people + 1, ccp: e.ccp } : e)));
    // The recount agrees: the tally is consistent, only what was sent shows the lie.
    expect((await cli(['recount', lying])).code).toBe(0);
    const r = await cli(['verify', '--counted', lying]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/sealpost: error: the tally is lying: counted entry \d+ \(tag [0-9a-f]{16}\) is not the statement sent in envelope [0-9a-f]{16}: the entry says people=\d+ where the statement says people=\d+/);
    expect(r.stdout).toContain('counted with OTHER fields');
    const dir = r.stderr.match(/kept in (\S+)/)![1]!;
    expect((await readdir(dir)).sort()).toEqual(expect.arrayContaining(['counted-checkpoint.note', 'lie.json', 'sent.note', 'tally.note']));
    expect(JSON.parse(await readFile(join(dir, 'lie.json'), 'utf8'))).toMatchObject({ kind: 'counted-differs' });
    const zh = await cli(['--lang', 'zh-CN', 'verify', '--counted', lying]);
    expect(zh.code).toBe(4);
    expect(zh.stderr).toMatch(/统计在撒谎：计数条目第 \d+ 个（标签 [0-9a-f]{16}）不是信封 [0-9a-f]{16} 中寄出的声明：条目写的是 people=\d+，而声明是 people=\d+/);
    const json = await cli(['verify', '--counted', lying, '--json']);
    expect(json.code).toBe(4);
    const doc = JSON.parse(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.lies).toMatchObject([{ kind: 'counted-differs' }]);
    expect(doc.counted.statements.filter((s: { status: string }) => s.status === 'differs')).toMatchObject([{ entry: own, fields: ['people'] }]);
  });

  it('a statement left out and signed again: NOT counted though received before the tally (exit 4)', async () => {
    const lying = await copy('lying-missing');
    await republish(lying, signer, c.center.tallyKey, (es) => es.filter((e) => e.tag !== twiceTag));
    expect((await cli(['recount', lying])).code).toBe(0);
    const r = await cli(['verify', '--counted', lying, '--json']);
    expect(r.code).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc.lies).toHaveLength(1);
    expect(doc.lies[0]).toMatchObject({ kind: 'not-counted' });
    expect(doc.lies[0].message).toMatch(/received at index 2\) is not in the counted log, though the tally covers the first 5 received envelopes/);
    expect(doc.counted.statements.find((s: { tag: string }) => s.tag === twiceTag)).toMatchObject({ status: 'not-counted', index: 2 });
  });

  it('the tally not signed again after a change: the tally does not verify (exit 4), nothing looked up', async () => {
    const broken = await copy('broken');
    const entries = await readFile(join(broken, 'counted', 'entries'), 'utf8');
    await writeFile(join(broken, 'counted', 'entries'), entries.replace(/people=(\d+)/, (_, n: string) => `people=${Number(n) + 1}`));
    const r = await cli(['verify', '--counted', broken]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("sealpost: error: the published tally does not verify: the counted entries do not hash to the checkpoint's root");
    expect(r.stdout.match(/not checked/g)).toHaveLength(3);
  });

  it('selects by envelope id; a statement sent after the tally is "not counted (yet)", exit 0', async () => {
    const late = await submit(['--name', '小陈', '--orgs', 'CYP', '--country', 'CN', '--province', '310000']);
    const one = await cli(['verify', '--counted', out, late.slice(0, 12), '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).counted.statements).toMatchObject([{ status: 'not-yet', envelopes: [late], index: 5 }]);
    const text = await cli(['verify', '--counted', out, late, ids.plain[0]!]);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('1 counted, 0 counted with other fields, 0 NOT counted, 1 not counted yet');
    expect(text.stderr).toContain('look for it in the next tally');
    const none = await cli(['verify', '--counted', out, 'abcdef0123']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no kept statement for envelope abcdef0123');
  });

  it('reads the kept statements only with the passphrase; a home keeping none checks the tally alone; a folder that is not a tally is bad input', async () => {
    const open = await cli(['verify', '--counted', out, '--json'], PASS, 'locked');
    expect(open.code, open.stderr).toBe(0);
    expect(JSON.parse(open.stdout).counted.statements).toMatchObject([{ status: 'counted', envelopes: [lockedId] }]);
    const locked = await cli(['verify', '--counted', out], {}, 'locked');
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain('SEALPOST_PASSPHRASE');
    const wrong = await cli(['verify', '--counted', out, '--json'], { SEALPOST_PASSPHRASE: 'not the passphrase at all' }, 'locked');
    expect(wrong.code).toBe(2);
    expect(JSON.parse(wrong.stdout).error).toMatchObject({ code: 'unreadable', message: expect.stringContaining(lockedId) });
    const empty = await cli(['verify', '--counted', out], {}, 'empty');
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('no statements of yours are kept: only the tally was checked');
    const missing = await cli(['verify', '--counted', join(c.dir, 'nowhere'), '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.code).toBe('unreadable');
    expect(missing.stderr).toContain('--counted takes a folder written by sealpost tally --out');
  });

  it('with --route it checks the received log too: one document with both parts', async () => {
    const r = await cli(['verify', '--counted', out, '--only-routes', '--route', c.url.href, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.checkpoint).not.toBeNull();
    expect(doc.receipts.length).toBe(5);
    expect(doc.counted.statements).toHaveLength(4);
    expect(doc.ok).toBe(true);
  });
});
