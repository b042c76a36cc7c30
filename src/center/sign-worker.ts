/**
 * Worker-thread entry of `WorkerNoteSigner`: signs batches of note bodies with the lead's
 * `NoteSigner`, so the notes are exactly what it would produce on the main thread.
 *
 * workerData `{ name, seed }`; answers `{ id, bodies: string[] }` with `{ id, notes: string[] }`
 * or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NoteSigner } from '../crypto/note.js';
import { sodiumSigner } from '../crypto/ed25519-sodium.js';

export interface SignRequest {
  readonly id: number;
  readonly bodies: readonly string[];
}
export type SignAnswer = { readonly id: number; readonly notes: string[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const { name, seed } = workerData as { name: string; seed: Uint8Array };
  const signer = new NoteSigner(name, seed, sodiumSigner(seed) ?? undefined);
  seed.fill(0);
  port.on('message', (m: SignRequest) => {
    let answer: SignAnswer;
    try {
      answer = { id: m.id, notes: m.bodies.map((b) => signer.sign(b)) };
    } catch (err) {
      answer = { id: m.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  });
}
