/**
 * An interrupted tally resumes where it stopped and ends with exactly the files of an
 * uninterrupted run (issue 10): stopped between chunks by its signal, with the journal's last
 * line cut short as a kill during a write leaves it.
 */
import { appendFile, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTally } from '../../src/center/tally/run.js';
import { fill, makeDataFolder, newLedger, type DataFolder } from './fixture.js';

let f: DataFolder;
const TODAY = '2026-11-30';

beforeAll(async () => {
  f = await makeDataFolder();
  await fill(f, 4, 200, newLedger());
});

afterAll(async () => {
  await f.store.close();
  await rm(f.dir, { recursive: true, force: true });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(dir, { recursive: true })) {
    const p = join(dir, name);
    if ((await stat(p)).isFile()) out[name] = await readFile(p, 'utf8');
  }
  return out;
}

describe('tally: resume', () => {
  it('continues an interrupted run to the same result as an uninterrupted one', async () => {
    const base = { keysDir: f.keysDir, dataDir: f.dataDir, threads: 0, today: TODAY, chunk: 16, milestoneStep: 40 };
    const whole = await runTally({ ...base, outDir: join(f.dir, 'a'), privateDir: join(f.dir, 'pa') });
    expect(whole.resumed).toBe(false);

    const stop = new AbortController();
    let seen = 0;
    const cut = runTally({
      ...base,
      outDir: join(f.dir, 'b'),
      privateDir: join(f.dir, 'pb'),
      signal: stop.signal,
      onProgress: (done, end) => {
        seen = done;
        if (done >= end / 2) stop.abort(new Error('stopped half-way'));
      },
    });
    await expect(cut).rejects.toThrow('stopped half-way');
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(whole.tallied);
    // Nothing is published before the run commits.
    await expect(stat(join(f.dir, 'b', 'tally.note'))).rejects.toThrow();
    // A kill while a line was being written leaves it cut short.
    await appendFile(join(f.dir, 'pb', 'state', 'journal.jsonl'), '{"from":48,"to":64,"counted":[{"id":"');

    const resumed = await runTally({ ...base, outDir: join(f.dir, 'b'), privateDir: join(f.dir, 'pb'), today: '2027-01-01' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.tallied).toBe(whole.tallied);
    expect(await snapshot(join(f.dir, 'b'))).toEqual(await snapshot(join(f.dir, 'a')));
    const pa = await snapshot(join(f.dir, 'pa'));
    const pb = await snapshot(join(f.dir, 'pb'));
    expect(Object.keys(pb).sort()).toEqual(Object.keys(pa).sort());
    expect(pb['private.json']).toBe(pa['private.json']);
    expect(pb['state/state.json']).toBe(pa['state/state.json']);
    expect(pb['state/journal.jsonl']).toBeUndefined();
  });

  it('refuses a state folder of another center', async () => {
    const other = await makeDataFolder('other.test');
    try {
      await runTally({ keysDir: other.keysDir, dataDir: other.dataDir, outDir: join(f.dir, 'x'), stateDir: join(f.dir, 'pa', 'state'), threads: 0 }).then(
        () => expect.fail('ran'),
        (err: { code?: string }) => expect(err.code).toBe('bad-tally-state'),
      );
    } finally {
      await other.store.close();
      await rm(other.dir, { recursive: true, force: true });
    }
  });

  it('tallies an empty data folder to an empty counted log that recount accepts', async () => {
    const empty = await makeDataFolder();
    try {
      const o = join(empty.dir, 'out');
      const r = await runTally({ keysDir: empty.keysDir, dataDir: empty.dataDir, outDir: o, threads: 0 });
      expect(r.report.totals).toEqual({ statements: 0, people: 0 });
      const { recount } = await import('../../src/log/recount.js');
      const files = { entries: await readFile(join(o, 'counted', 'entries'), 'utf8'), checkpoint: await readFile(join(o, 'counted', 'checkpoint'), 'utf8'), note: await readFile(join(o, 'tally.note'), 'utf8') };
      expect(files.entries).toBe('');
      expect(recount(files, empty.center.tallyKey).note.received.size).toBe(0);
    } finally {
      await empty.store.close();
      await rm(empty.dir, { recursive: true, force: true });
    }
  });
});
