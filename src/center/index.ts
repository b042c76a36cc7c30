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
export type { IntakeLimits } from './server.js';
export type { AdmissionLimits } from './admission.js';
export { CENTER_PACKAGES } from './deps.js';

export { generateCenterKeys, readSecretKeyFile } from '../crypto/keys.js';
export type { KeyKind, SecretKeyFile } from '../crypto/keys.js';
export { boxKeyPair, openEnvelope, openEnvelopeText } from '../crypto/envelope.js';
export type { BoxKeyPair } from '../crypto/envelope.js';
export { NoteSigner } from '../crypto/note.js';
export type { RawSign } from '../crypto/note.js';
export { signReceipt } from '../crypto/receipt.js';
export { signRouteList } from '../transport/routes/route-list.js';
