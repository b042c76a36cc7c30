/**
 * The public recount (wire spec 8): it agrees with an honest tally, and fails naming the first
 * disagreement for each tampering — an entry changed, dropped or added, a number of the note
 * changed (re-signed, so only the recount can tell), a signature broken. The awk line of the
 * README gives the note's totals from the entries alone.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTally } from '../../src/center/tally/run.js';
import { readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner, parseNote } from '../../src/crypto/note.js';
import { isVerifyError } from '../../src/errors.js';
import { AWK_TOTALS, AWK_TOTALS_LINE, recount, type TallyFiles } from '../../src/log/recount.js';
import { fill, makeDataFolder, newLedger, type DataFolder } from './fixture.js';

let f: DataFolder;
let honest: TallyFiles;
let signer: NoteSigner;
let out: string;

beforeAll(async () => {
  f = await makeDataFolder();
  await fill(f, 3, 120, newLedger());
  out = join(f.dir, 'out');
  await runTally({ keysDir: f.keysDir, dataDir: f.dataDir, outDir: out, threads: 0, today: '2026-11-30', milestoneStep: 50 });
  honest = {
    entries: await readFile(join(out, 'counted', 'entries'), 'utf8'),
    checkpoint: await readFile(join(out, 'counted', 'checkpoint'), 'utf8'),
    note: await readFile(join(out, 'tally.note'), 'utf8'),
  };
  const k = await readSecretKeyFile(join(f.keysDir, 'tally.key'), 'tally');
  signer = new NoteSigner(k.name, k.secretKey);
});

afterAll(async () => {
  await f.store.close();
  await rm(f.dir, { recursive: true, force: true });
});

function failure(files: TallyFiles): { code: string; message: string } {
  try {
    recount(files, f.center.tallyKey);
  } catch (err) {
    if (isVerifyError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('recount agreed');
}

const lines = (t: string) => t.slice(0, -1).split('\n');
const join1 = (ls: string[]) => `${ls.join('\n')}\n`;
/** The note's text with one line replaced, signed again by the tally key. */
function resign(note: string, from: RegExp, to: (l: string) => string): string {
  const text = parseNote(note).text.split('\n').map((l) => (from.test(l) ? to(l) : l)).join('\n');
  return signer.sign(text);
}

describe('recount', () => {
  it('agrees with an honest tally and recomputes every line but received and rejected', () => {
    const r = recount(honest, f.center.tallyKey);
    expect(r.recomputed).toBe(parseNote(honest.note).text.split('\n').length - 1 - 4);
    expect(r.note.milestones.length).toBeGreaterThan(0);
  });

  it('fails when an entry is changed, dropped or added', () => {
    const ls = lines(honest.entries);
    const changed = [...ls];
    changed[3] = changed[3]!.replace(/people=(\d+)/, (_, n: string) => `people=${Number(n) + 1}`);
    expect(failure({ ...honest, entries: join1(changed) }).code).toBe('counted-changed');
    expect(failure({ ...honest, entries: join1(ls.filter((_, i) => i !== 7)) }).code).toBe('counted-dropped');
    expect(failure({ ...honest, entries: join1([...ls, ls[0]!.replace(/^./, 'f')]) }).code).toBe('counted-added');
  });

  it('fails naming the line when a number of the note is changed and signed again', () => {
    for (const re of [/^total people /, /^org CYL /, /^region /, /^milestone /, /^total statements /]) {
      const note = resign(honest.note, re, (l) => l.replace(/(\d+)( \S+)?$/, (_m, n: string, rest = '') => `${Number(n) + 1}${rest}`));
      const e = failure({ ...honest, note });
      expect(e.code, String(re)).toBe('note-mismatch');
    }
    const e = failure({ ...honest, note: resign(honest.note, /^total people /, (l) => l.replace(/\d+$/, (n) => String(Number(n) + 10))) });
    expect(e.message).toMatch(/^the tally note says "total people \d+" where the counted entries give "total people \d+"$/);
    // A rejected count changed breaks the balance with the received size.
    expect(failure({ ...honest, note: resign(honest.note, /^rejected invalid /, (l) => l.replace(/\d+$/, (n) => String(Number(n) + 1))) }).code).toBe('note-mismatch');
  });

  it('fails on a note or checkpoint whose signature does not verify', () => {
    const note = honest.note.replace(/^total people \d+$/m, 'total people 1');
    expect(failure({ ...honest, note }).code).toBe('bad-signature');
    const other = new NoteSigner('center.test/counted', new Uint8Array(32).fill(7));
    expect(failure({ ...honest, checkpoint: other.sign(parseNote(honest.checkpoint).text) }).code).toBe('unsigned');
  });

  it('fails on a repeated tag even when checkpoint and note were made for it', async () => {
    const ls = lines(honest.entries);
    const entries = join1([...ls, ls[0]!]);
    const { countedRoot } = await import('../../src/log/recount.js');
    const { signCheckpoint } = await import('../../src/log/checkpoint.js');
    const checkpoint = signCheckpoint(signer, { origin: 'center.test/counted', size: ls.length + 1, root: countedRoot([...ls, ls[0]!]) });
    expect(failure({ ...honest, entries, checkpoint }).code).toBe('repeated-tag');
  });

  it("the README's awk line gives the note's totals from counted/entries alone", async () => {
    const { stdout } = await promisify(execFile)('awk', ['-F[ =]', AWK_TOTALS, join(out, 'counted', 'entries')]);
    const note = parseNote(honest.note).text.split('\n');
    const totals = stdout.trimEnd().split('\n');
    expect(totals.length).toBe(5);
    for (const l of totals) expect(note).toContain(l);
    // The README shows this very line (a user copies it from there).
    const readme = await import('node:fs/promises').then((fs) => fs.readFile(new URL('../../README.md', import.meta.url), 'utf8'));
    expect(readme).toContain(AWK_TOTALS_LINE);
  });
});
