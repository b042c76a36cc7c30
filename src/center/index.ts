/**
 * `sealpost/center`: the intake server and its store, and what a center's operator needs offline
 * (keys, signing route lists, opening envelopes on the tally machine). The store needs the
 * optional dependency better-sqlite3; sodium-native, when present, makes signing faster
 * (src/center/deps.ts). Importing this entry loads neither: {@link startServe} does.
 *
 * @example Run an intake server on loopback
 * ```ts
 * import { generateCenterKeys, startServe } from 'sealpost/center';
 *
 * await generateCenterKeys('center.example.org', 'keys', ['http://127.0.0.1:8080/']);
 * const server = await startServe({ keysDir: 'keys', dataDir: 'data', listen: '127.0.0.1:8080' });
 * console.log(`listening on ${server.url}`);
 * // … later
 * await server.close();
 * ```
 *
 * @packageDocumentation
 */
export { startServe } from './serve.js';
export type { ServeOptions, Serving } from './serve.js';
export { exportLog } from './log/export.js';
export type { ExportResult } from './log/export.js';
export type { CosignHook, ServedCheckpoint } from './log/checkpoints.js';
export type { IntakeLimits } from './server.js';
export type { AdmissionLimits } from './admission.js';
export { CENTER_PACKAGES } from './deps.js';

// The offline tally (spec 8, issue 10): counted log, tally note, public and private reports.
export { runTally } from './tally/run.js';
export { runTallyIsolated, tallyHeapMb } from './tally/isolated.js';
export type { TallyThreadInfo } from './tally/isolated.js';
export type { TallyOptions, TallyResult } from './tally/run.js';
export type { Area, TallyReport } from './tally/report.js';

export { generateCenterKeys, readSecretKeyFile } from '../crypto/keys.js';
export type { KeyKind, SecretKeyFile } from '../crypto/keys.js';
export { boxKeyPair, openEnvelope, openEnvelopeText } from '../crypto/envelope.js';
export type { BoxKeyPair } from '../crypto/envelope.js';
export { NoteSigner } from '../crypto/note.js';
export type { RawSign } from '../crypto/note.js';
export { signReceipt } from '../crypto/receipt.js';
export { signRouteList } from '../transport/routes/route-list.js';

// Witnesses (wire spec 5, C2SP tlog-witness): the witness server, its key, and the intake's side.
export { startWitness } from './witness/serve.js';
export type { WitnessServeOptions, WitnessServing } from './witness/serve.js';
export { generateWitnessKey } from './witness/keygen.js';
export type { WitnessKeyFiles } from './witness/keygen.js';
export { witnessCosigner } from './witness/collect.js';
export type { CollectOptions, Cosign, WitnessSpec } from './witness/collect.js';
