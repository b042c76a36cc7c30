/**
 * A published tally signed by a real tally key, for `verify --counted` tests: from entries, the
 * three files exactly as `sealpost tally --out` writes them (spec 8), so that a test can publish a
 * consistent but false tally — a changed or missing entry with its checkpoint and note signed
 * again — which only the statement-by-statement check can catch.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toBase64 } from '../../src/crypto/base64.js';
import { readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner, verifyNote, type Verifier } from '../../src/crypto/note.js';
import { signCheckpoint } from '../../src/log/checkpoint.js';
import { countedFigures, formatCountedEntry, parseCountedEntries, parseTallyNote, tallyNoteBody, type CountedEntry } from '../../src/log/counted.js';
import { countedRoot, type TallyFiles } from '../../src/log/recount.js';

/** The tally key of a keys folder (`keygen --out`), as a signer. */
export async function tallySigner(keysDir: string): Promise<NoteSigner> {
  const k = await readSecretKeyFile(join(keysDir, 'tally.key'), 'tally');
  return new NoteSigner(k.name, k.secretKey);
}

/** The center name of a tally signer (`<center>/counted`). */
const centerOf = (s: NoteSigner) => s.name.slice(0, s.name.lastIndexOf('/'));

/**
 * Signs `entries` (in log order) as a counted log and a tally note over a received log of
 * `received.size` envelopes; the envelopes not counted are `invalid`, so the note balances.
 */
export function publish(signer: NoteSigner, entries: readonly CountedEntry[], received: { size: number; root: string }, milestoneStep = 1_000_000): TallyFiles {
  const lines = entries.map(formatCountedEntry);
  const root = toBase64(countedRoot(lines));
  const center = centerOf(signer);
  const figures = countedFigures(entries, milestoneStep);
  const note = tallyNoteBody({
    center,
    counted: { size: entries.length, root },
    received,
    ...figures,
    rejected: { duplicate: 0, invalid: received.size - entries.length, undecryptable: 0 },
    milestoneStep,
  });
  return {
    entries: lines.map((l) => `${l}\n`).join(''),
    checkpoint: signCheckpoint(signer, { origin: `${center}/counted`, size: entries.length, root: countedRoot(lines) }),
    note: signer.sign(note),
  };
}

/**
 * Rewrites a tally folder: its entries through `change`, then the checkpoint and the note signed
 * again with the note's received line and rejected numbers kept (the envelopes an entry no longer
 * stands for become `invalid`).
 */
export async function republish(dir: string, signer: NoteSigner, tallyKey: Verifier, change: (entries: CountedEntry[]) => CountedEntry[]): Promise<void> {
  const entries = change(parseCountedEntries(await readFile(join(dir, 'counted', 'entries'), 'utf8')));
  const old = parseTallyNote(verifyNote(await readFile(join(dir, 'tally.note'), 'utf8'), tallyKey));
  const files = publish(signer, entries, old.received, old.milestoneStep);
  const lines = files.note;
  // Keep the duplicates the tally found; what is gone from the entries counts as invalid.
  const text = verifyNote(lines, tallyKey)
    .replace(/^rejected duplicate \d+$/m, `rejected duplicate ${old.rejected.duplicate}`)
    .replace(/^rejected invalid \d+$/m, `rejected invalid ${old.received.size - entries.length - old.rejected.duplicate - old.rejected.undecryptable}`)
    .replace(/^rejected undecryptable \d+$/m, `rejected undecryptable ${old.rejected.undecryptable}`);
  await writeFile(join(dir, 'counted', 'entries'), files.entries);
  await writeFile(join(dir, 'counted', 'checkpoint'), files.checkpoint);
  await writeFile(join(dir, 'tally.note'), signer.sign(text));
}
