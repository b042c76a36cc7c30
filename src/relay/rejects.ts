/**
 * The rejects file of a relay import (CLI spec): `<file>.rejects.csv`, header
 * `line,reason,<the original columns>`, one row per bad row, written as the import goes (nothing
 * held in memory). `line` is the row's line in the input (the header is line 1); `reason` is the
 * stable code, a space, and the text in the user's language. It holds rows of the input, names
 * included, so it is written beside the input (the user chose that place, wire spec 9) with mode
 * 0600. For JSON Lines the original column is `json`, the line as it was.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { englishText as statementEnglish, messages as statementMessages } from '../statement/messages.js';
import { csvLine } from './csv.js';
import { englishText, messages as relayMessages } from './messages.js';
import type { Reject } from './rows.js';

/** The English text of a reject (its key is the relay module's or a statement rule's). */
export function englishRejectText(r: Reject): string {
  if (Object.hasOwn(relayMessages, r.key)) return englishText(r.key as keyof typeof relayMessages, r.params);
  if (Object.hasOwn(statementMessages, r.key)) return statementEnglish(r.key as keyof typeof statementMessages, r.params);
  return r.key;
}

/** Writes the rejects file, opened at the first bad row. */
export class RejectsWriter {
  #out: WriteStream | null = null;
  #columns: readonly string[] = [];
  #count = 0;

  /** @param describe the user-language text of a reject */
  constructor(readonly path: string, readonly describe: (r: Reject) => string = englishRejectText) {}

  get count(): number {
    return this.#count;
  }

  /** Removes the rejects file of an earlier import, so that what is there is this import's. */
  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }

  /** The input's header cells, as written after `line,reason`. */
  setColumns(columns: readonly string[]): void {
    this.#columns = columns;
  }

  /** Writes one bad row; waits when the file is slower than the input (constant memory). */
  async write(line: number, r: Reject, original: readonly string[]): Promise<void> {
    if (this.#out === null) {
      this.#out = createWriteStream(this.path, { mode: 0o600, flags: 'w' });
      this.#out.write(csvLine(['line', 'reason', ...this.#columns]));
    }
    this.#count++;
    if (!this.#out.write(csvLine([line, `${r.code} ${this.describe(r)}`, ...original]))) {
      const out = this.#out;
      await new Promise<void>((resolve, reject) => {
        out.once('drain', resolve);
        out.once('error', reject);
      });
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    const out = this.#out;
    if (out === null) return;
    this.#out = null;
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
  }
}
