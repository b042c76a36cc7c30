/**
 * Evidence of a lying log (c2sp.org/tlog-witness: "If the origin is known, and the signature is
 * valid, the witness MAY log the request even if the consistency proof doesn't verify ... as it might
 * be proof of log misbehavior"). A refused request whose checkpoint the log did sign — a proof that
 * does not verify, another root for the size held — is kept as it came, in
 * `<data>/evidence/<hex SHA-256 of the body>.txt`, beside the state file that holds the cosigned
 * checkpoint it contradicts. Only the log's key can make such a request, so this cannot be used to
 * fill the disk by anyone else; a cap still bounds it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** At most this many requests are kept: the first ones are the evidence that matters. */
export const MAX_EVIDENCE = 1000;

/** Keeps refused, log-signed requests. */
export class EvidenceStore {
  readonly #dir: string;
  #count: number | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Keeps `body` (the whole add-checkpoint request); a second copy of the same body is one file. */
  async keep(body: Uint8Array): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    this.#count ??= (await readdir(this.#dir)).length;
    if (this.#count >= MAX_EVIDENCE) return;
    const name = `${createHash('sha256').update(body).digest('hex')}.txt`;
    await writeFileAtomic(join(this.#dir, name), Buffer.from(body), { mode: 0o600, fsync: true });
    this.#count++;
  }
}
