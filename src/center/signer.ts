/**
 * What the intake needs of the log key. `NoteSigner` fits. `sign` returns the whole signed note
 * for a note body, or throws (rejects) for a body that is not note text.
 *
 * Ed25519 signing is the largest single CPU cost of a receipt, so with the SQLite worker the
 * receipts are signed in that thread right after their commit (sqlite-worker.ts, libsodium), in
 * the same hand-off as the commit; the server signs only when the store runs on its own thread.
 */
export interface ReceiptSigner {
  readonly name: string;
  readonly verifierKey: string;
  sign(body: string): string | Promise<string>;
}
