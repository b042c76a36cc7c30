/**
 * `sealpost tally` and `sealpost recount` run as the built command (CLI spec, issue 10): opening
 * on worker threads with libsodium, the note on stdout, exit codes, both languages.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, sealpost } from '../harness/cli.js';
import { AWK_TOTALS_LINE } from '../../src/log/recount.js';
import { expectedTotals, fill, makeDataFolder, newLedger, type DataFolder, type Ledger } from './fixture.js';

let f: DataFolder;
const ledger: Ledger = newLedger();
let out: string;
let center: string;

beforeAll(async () => {
  f = await makeDataFolder();
  await fill(f, 5, 150, ledger);
  out = join(f.dir, 'out');
  center = join(f.keysDir, 'center.json');
});

afterAll(async () => {
  await f.store.close();
  await rm(f.dir, { recursive: true, force: true });
});

const home = () => ({ SEALPOST_HOME: join(f.dir, 'home') });

describe('sealpost tally / recount (built)', () => {
  it('tallies on two threads, prints the note, and exits 0 with rejected envelopes', async () => {
    const args = ['tally', '--keys', f.keysDir, '--data', f.dataDir, '--out', out, '--private', join(f.dir, 'private'), '--milestone-step', '50', '--threads', '2'];
    const r = await sealpost(args, { env: home() });
    expect(r.stderr).toMatch(/tallied \d+ received envelopes: \d+ new statements counted/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(join(out, 'tally.note'), 'utf8'));
    const exp = expectedTotals(ledger.counted);
    expect(r.stdout).toContain(`\ntotal people ${exp.people}\n`);
    expect(r.stdout).toContain(`\nrejected undecryptable ${ledger.rejected.undecryptable}\n`);
    expect(r.stdout).toContain(`\nrejected duplicate ${ledger.rejected.duplicate}\n`);
    const again = await sealpost([...args, '--json'], { env: home() });
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc).toMatchObject({ appended: 0, tallied: 0, threads: 2, opener: 'libsodium', totals: { people: exp.people, statements: exp.statements }, rejected: ledger.rejected });
  });

  it('recount agrees (exit 0) and names a changed entry (exit 4), in English and Chinese', async () => {
    const ok = await sealpost(['recount', out, '--center', center], { env: home() });
    expect(ok.stderr).toContain('the tally note agrees with the counted log');
    expect(ok.code).toBe(0);
    const tampered = join(f.dir, 'tampered');
    await rm(tampered, { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(out, tampered, { recursive: true });
    const entries = await readFile(join(tampered, 'counted', 'entries'), 'utf8');
    await writeFile(join(tampered, 'counted', 'entries'), entries.replace(/ccp=(\d+)/, (_, n: string) => `ccp=${Number(n) === 0 ? 1 : 0}`));
    const bad = await sealpost(['recount', tampered, '--center', center], { env: home() });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("sealpost: error: the counted entries do not hash to the checkpoint's root");
    const zh = await sealpost(['recount', tampered, '--center', center, '--lang', 'zh-CN'], { env: home() });
    expect(zh.code).toBe(4);
    expect(zh.stderr).toContain('计数条目的哈希与检查点的根哈希不符');
    const json = await sealpost(['recount', tampered, '--center', center, '--json'], { env: home() });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({ agrees: false, code: 'counted-changed' });
  });

  it('prints the awk line, and refuses bad flags (exit 2) and missing files (exit 2)', async () => {
    const awk = await sealpost(['recount', '--awk'], { env: home() });
    expect(awk.stdout.trim()).toBe(AWK_TOTALS_LINE);
    const step = await sealpost(['tally', '--keys', f.keysDir, '--data', f.dataDir, '--out', out, '--milestone-step', '0'], { env: home() });
    expect(step.code).toBe(2);
    expect(step.stderr).toContain('--milestone-step must be a whole number of people above 0');
    const none = await sealpost(['recount', join(f.dir, 'nowhere'), '--center', center], { env: home() });
    expect(none.code).toBe(2);
    const nodata = await sealpost(['tally', '--keys', f.keysDir, '--data', join(f.dir, 'nodata'), '--out', join(f.dir, 'o2')], { env: home() });
    expect(nodata.code).toBe(2);
    expect(nodata.stderr).toContain('cannot read the intake database');
  });

  it('a run that dies while committing resumes from its journal to the files of a clean run', async () => {
    const run = (o: string, state: string, extra: string[] = []) =>
      sealpost(['tally', '--keys', f.keysDir, '--data', f.dataDir, '--out', o, '--state', state, '--milestone-step', '50', '--json', ...extra], { env: home() });
    const clean = await run(join(f.dir, 'clean'), join(f.dir, 'clean.state'));
    expect(clean.code).toBe(0);
    // tally.json is a folder: the run fails after the counted log was written, before its commit.
    const o = join(f.dir, 'dies');
    await mkdir(join(o, 'tally.json'), { recursive: true });
    const died = await run(o, join(f.dir, 'dies.state'));
    expect(died.code).toBe(5);
    expect((await readFile(join(f.dir, 'dies.state', 'journal.jsonl'), 'utf8')).split('\n').length).toBeGreaterThan(2);
    await rm(join(o, 'tally.json'), { recursive: true });
    const again = await run(o, join(f.dir, 'dies.state'));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true, tallied: JSON.parse(clean.stdout).tallied });
    for (const name of await readdir(join(f.dir, 'clean'), { recursive: true })) {
      const p = join(f.dir, 'clean', name);
      if ((await stat(p)).isFile()) expect(await readFile(join(o, name), 'utf8'), name).toBe(await readFile(p, 'utf8'));
    }
    await expect(stat(join(f.dir, 'dies.state', 'journal.jsonl'))).rejects.toThrow();
  });

  it('speaks zh-CN: help of both commands and the summary of a run', async () => {
    const help = await sealpost(['--lang', 'zh-CN', 'tally', '--help'], { env: home() });
    expect(help.stdout).toContain('在离线机器上：打开所有存储的信封');
    expect(help.stdout).toContain('私密输出，切勿公开');
    const rhelp = await sealpost(['--lang', 'zh-CN', 'recount', '--help'], { env: home() });
    expect(rhelp.stdout).toContain('根据计数日志重算统计笔记中的每个数字');
    const r = await sealpost(['--lang', 'zh-CN', 'tally', '--keys', f.keysDir, '--data', f.dataDir, '--out', out, '--private', join(f.dir, 'private')], { env: home() });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^统计了 0 个接收的信封：新计入 0 份声明；计数日志共有 \d+ 个条目/);
  });

  it('a run killed with SIGKILL half-way resumes (built command) to the files of a clean run', async () => {
    const o = join(f.dir, 'killed');
    const state = join(f.dir, 'killed.state');
    // The built tally with its worker threads, killing itself right after a journal line half-way.
    const run = new URL('../../dist/src/center/tally/run.js', import.meta.url).href;
    const script = `
      const { runTally } = await import(${JSON.stringify(run)});
      await runTally({ keysDir: ${JSON.stringify(f.keysDir)}, dataDir: ${JSON.stringify(f.dataDir)}, outDir: ${JSON.stringify(o)},
        stateDir: ${JSON.stringify(state)}, milestoneStep: 50, threads: 2, chunk: 16,
        onProgress: (done, end) => { if (done >= end / 2) process.kill(process.pid, 'SIGKILL'); } });`;
    await writeFile(join(f.dir, 'kill.mjs'), script);
    const killed = await runCommand(process.execPath, [join(f.dir, 'kill.mjs')]);
    expect(killed.code, killed.stderr).toBeNull();
    const journal = (await readFile(join(state, 'journal.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(journal.length).toBeGreaterThan(2);
    await expect(stat(join(o, 'tally.note'))).rejects.toThrow();
    const again = await sealpost(['tally', '--keys', f.keysDir, '--data', f.dataDir, '--out', o, '--state', state, '--milestone-step', '50', '--json'], { env: home() });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: true });
    const clean = join(f.dir, 'clean');
    for (const name of await readdir(clean, { recursive: true })) {
      const p = join(clean, name);
      if ((await stat(p)).isFile()) expect(await readFile(join(o, name), 'utf8'), name).toBe(await readFile(p, 'utf8'));
    }
  });
});
