/**
 * sealpost as a library: the curated public surface (the CLI in src/cli is built on the same
 * pieces). Seal a statement, queue it, race it out over routes, verify the receipt; and the
 * reference intake server.
 */
export { SealpostError, InputError, VerifyError, EnvelopeError, RouteError } from './errors.js';
export type { FailureClass, OpenFailure } from './errors.js';

export * from './statement/index.js';

export { sealEnvelope, openEnvelope, openEnvelopeText, envelopeId, envelopeIdHex, newDeliveryToken, boxKeyPair } from './crypto/envelope.js';
export { envelopeShapeError, ENVELOPE_SIZES, MAX_ENVELOPE } from './crypto/sizes.js';
export { writeArmor, readArmor, readEnvelopeFile } from './crypto/armor.js';
export type { ArmorProblem, ArmorResult } from './crypto/armor.js';
export { NoteSigner, parseNote, parseVerifierKey, verifierKey, verifyNote } from './crypto/note.js';
export type { Verifier } from './crypto/note.js';
export { signReceipt, verifyReceipt, receiptBody } from './crypto/receipt.js';
export type { ReceiptFields, ReceiptExpectation } from './crypto/receipt.js';
export { generateCenterKeys, readSecretKeyFile } from './crypto/keys.js';
export { parseCenterFile, readCenterFile } from './crypto/center-file.js';
export type { Center, CenterFile, RouteSpec } from './crypto/center-file.js';

export { parseRoute, parseProxyUrl, checkProxyPolicy, throughProxy } from './transport/routes/route.js';
export type { Route, RouteKind } from './transport/routes/route.js';
export { deliver } from './transport/deliver.js';
export type { Delivered, DeliverOptions, PhaseTimeouts } from './transport/deliver.js';
export { race } from './transport/race/race.js';
export type { Attempt, RaceOptions, RaceResult } from './transport/race/race.js';
export { RouteHealth } from './transport/race/health.js';
export { gatherRoutes } from './transport/routes/sources.js';
export { signRouteList, verifyRouteList } from './transport/routes/route-list.js';

export { Outbox } from './outbox/outbox.js';
export type { OutboxItem } from './outbox/outbox.js';
export { sendItem } from './outbox/send.js';
export type { SendOptions, SendResult } from './outbox/send.js';

export { startServe } from './center/serve.js';
export type { ServeOptions, Serving } from './center/serve.js';
