/**
 * Issue 10 acceptance at the 1/100 scale of the 2006 report: `bench/gen --fixed` makes 113,669
 * people (68,770 in the CCP, 163 abroad, the report's sectors / 100, three government cells
 * filled to be published) plus corrupt, other-key, invalid and duplicate envelopes in a real
 * intake data folder; the built `sealpost tally` must find exactly the generator's figures,
 * `recount` must agree and the README's awk line must give the same totals.
 * Needs `npm run build` (dist/bench/gen.js and dist/bin/sealpost.mjs).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCenterFile } from '../../src/crypto/center-file.js';
import { verifyNote } from '../../src/crypto/note.js';
import { parseTallyNote } from '../../src/log/counted.js';
import { AWK_TOTALS_LINE } from '../../src/log/recount.js';
import { runCommand, sealpost } from '../harness/cli.js';
import type { Expected } from '../../bench/gen-expected.js';

const GEN = fileURLToPath(new URL('../../dist/bench/gen.js', import.meta.url));
const BAD = { corrupt: 37, otherKey: 23, invalid: 41, duplicates: 59 };

let dir: string;
let expected: Expected;
let note: ReturnType<typeof parseTallyNote>;
let noteText: string;
let genSeconds = 0;
let tallySeconds = 0;

const csvRows = async (file: string) => (await readFile(file, 'utf8')).trimEnd().split('\n').slice(1).map((l) => l.split(','));

beforeAll(async () => {
  if (!existsSync(GEN)) throw new Error('dist/bench/gen.js is missing: run `npm run build` first');
  dir = await mkdtemp(join(tmpdir(), 'sealpost-tally-scale-'));
  let t = performance.now();
  const gen = await runCommand(process.execPath, [
    GEN, '--out', join(dir, 'data'), '--keys', join(dir, 'keys'), '--fixed', '--seed', '2006', '--json',
    '--corrupt', String(BAD.corrupt), '--other-key', String(BAD.otherKey), '--invalid', String(BAD.invalid), '--duplicates', String(BAD.duplicates),
  ]);
  genSeconds = (performance.now() - t) / 1000;
  expect(gen.code, gen.stderr).toBe(0);
  expected = JSON.parse(await readFile(join(dir, 'data', 'expected.json'), 'utf8')) as Expected;
  t = performance.now();
  const tally = await sealpost(['tally', '--keys', join(dir, 'keys'), '--data', join(dir, 'data'), '--out', join(dir, 'out'), '--private', join(dir, 'private'), '--milestone-step', '10000', '--threads', '2']);
  tallySeconds = (performance.now() - t) / 1000;
  expect(tally.code, tally.stderr).toBe(0);
  noteText = await readFile(join(dir, 'out', 'tally.note'), 'utf8');
  const center = parseCenterFile(await readFile(join(dir, 'keys', 'center.json')));
  note = parseTallyNote(verifyNote(noteText, center.tallyKey));
  console.log(`1/100 dataset: ${expected.received} envelopes generated in ${genSeconds.toFixed(1)} s, tallied in ${tallySeconds.toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tally at the 1/100 scale of the 2006 report', () => {
  it('the generator made exactly the 1/100 figures, with published cells and the bad envelopes asked for', () => {
    expect(expected.people).toBe(113_669);
    expect(expected.orgs.CCP).toBe(68_770);
    expect(expected.areas.abroad).toBe(163);
    expect(expected.sectors).toEqual({ court: 1, 'discipline-inspection': 6, government: 204, 'peoples-congress': 4, 'public-security': 9, 'state-security': 1 });
    // The three pinned government cells reach spec 8's threshold; a statement drawn at random may join one.
    for (const [region, week] of [['CN-110000', '2005-W23'], ['CN-230000', '2005-W37'], ['CN-210000', '2006-W02']]) {
      expect(expected.publishedCells.find((c) => c.region === region && c.week === week && c.sector === 'government')?.statements).toBeGreaterThanOrEqual(10);
    }
    expect(expected.publishedSectors.government).toBeGreaterThanOrEqual(33);
    expect(expected.rejected).toEqual({ undecryptable: BAD.corrupt + BAD.otherKey, invalid: BAD.invalid, duplicate: BAD.duplicates });
    expect(expected.received).toBe(expected.statements + BAD.corrupt + BAD.otherKey + BAD.invalid + BAD.duplicates);
    // Groups make far fewer statements than people; the milestones fall where the report's curve puts them.
    expect(expected.statements).toBeLessThan(expected.people / 3);
    expect(expected.milestones).toEqual(expected.plannedMilestones);
    expect(expected.milestones.slice(0, 2)).toEqual([[10_000, '2005-W16'], [20_000, '2005-W22']]);
    expect(expected.milestones[9]).toEqual([100_000, '2006-W17']);
  });

  it('the note has exactly the totals, organisations, regions, published sectors and milestones', () => {
    expect(note.received.size).toBe(expected.received);
    expect(note.statements).toBe(expected.statements);
    expect(note.people).toBe(113_669);
    expect(note.orgs).toEqual(expected.orgs);
    expect(note.orgs.CCP).toBe(68_770);
    expect(Object.fromEntries(note.regions)).toEqual(Object.fromEntries(Object.entries(expected.regions).map(([k, r]) => [k, r.people])));
    expect(Object.fromEntries(note.sectors)).toEqual(expected.publishedSectors);
    expect(note.milestoneStep).toBe(10_000);
    expect(note.milestones.map(([k, w]) => [k, w])).toEqual(expected.milestones);
  });

  it('each kind of bad envelope is counted under its reason and never in the totals', async () => {
    expect(note.rejected).toEqual(expected.rejected);
    expect(note.statements + note.rejected.duplicate + note.rejected.invalid + note.rejected.undecryptable).toBe(note.received.size);
    const details = Object.fromEntries((await csvRows(join(dir, 'private', 'rejected-details.csv'))).map(([k, n]) => [k, Number(n)]));
    expect(details).toEqual(expected.details);
    // Every variant occurs: a flipped byte, a bad version, a bad length, another key (box), and five invalid ones.
    expect(Object.keys(details).length).toBeGreaterThanOrEqual(9);
  });

  it('the public report has the areas and regions, the private one every sector, names and channels', async () => {
    const report = JSON.parse(await readFile(join(dir, 'out', 'tally.json'), 'utf8')) as { areas: unknown; regions: Array<{ code: string; people: number; statements: number }> };
    expect(report.areas).toEqual(expected.areas);
    expect(Object.fromEntries(report.regions.map((r) => [r.code, { people: r.people, statements: r.statements }]))).toEqual(expected.regions);
    const sectors = Object.fromEntries((await csvRows(join(dir, 'private', 'sectors.csv'))).filter(([s]) => s !== '-').map(([s, , p]) => [s, Number(p)]));
    expect(sectors).toEqual(expected.sectors);
    const names = Object.fromEntries((await csvRows(join(dir, 'private', 'names.csv'))).map(([k, n]) => [k, Number(n)]));
    expect(names).toEqual(expected.names);
    const channels = Object.fromEntries((await csvRows(join(dir, 'private', 'channels.csv'))).map(([c, , p]) => [c, Number(p)]));
    expect(channels).toEqual(expected.channels);
    const priv = JSON.parse(await readFile(join(dir, 'private', 'private.json'), 'utf8')) as { splitGroups: number };
    expect(priv.splitGroups).toBe(expected.splitGroups);
    expect(expected.splitGroups).toBeGreaterThan(0);
  });

  it('sealpost recount agrees, and the README awk line gives the same totals', async () => {
    const r = await sealpost(['recount', join(dir, 'out'), '--center', join(dir, 'keys', 'center.json'), '--json'], { env: { SEALPOST_HOME: join(dir, 'home') } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ agrees: true, people: 113_669, statements: expected.statements });
    const { stdout } = await promisify(execFile)('sh', ['-c', AWK_TOTALS_LINE], { cwd: join(dir, 'out') });
    const totals = noteText.split('\n').filter((l) => /^(total|org) /.test(l));
    expect(totals).toHaveLength(5);
    expect(stdout.trimEnd().split('\n')).toEqual(totals);
  });
});
