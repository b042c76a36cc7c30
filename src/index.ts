/**
 * `sealpost`: the client. Compose and validate a statement, seal it to a center's box key, queue
 * it in the outbox, race it out over routes, and verify the receipt the center signed. Pure
 * JavaScript: no native module, no server, no command-line text (issue 7, point 1); the intake
 * server is the `sealpost/center` entry.
 *
 * @example Seal a statement, queue it and deliver it (the README's Library section, run by tests/package/readme-library.test.ts)
 * ```ts
 * import { Outbox, composeStatement, parseRoute, readCenterFile, sealEnvelope, sendItem, serializeStatement } from 'sealpost';
 *
 * const center = await readCenterFile('keys/center.json');
 * const statement = composeStatement({ name: ['小李'], orgs: 'CYL,CYP', country: 'CN', province: '440000' });
 * const outbox = new Outbox('sealpost-home'); // the envelope is on disk before the first attempt
 * const item = await outbox.add(sealEnvelope(serializeStatement(statement), center.boxKey));
 * const result = await sendItem(outbox, item, center.routes.map(parseRoute), { center });
 * console.log(result.delivered ? result.receipt : `still queued: ${result.id}`);
 * ```
 *
 * @packageDocumentation
 */
// Errors (STYLE habit 3): branded, so `instanceof` and the guards hold across copies of the code.
export { SealpostError, InputError, VerifyError, EnvelopeError, RouteError } from './errors.js';
export { isSealpostError, isInputError, isVerifyError, isRouteError, isEnvelopeError } from './errors.js';
export type { FailureClass, OpenFailure, Params, RouteHop, SealpostErrorOptions } from './errors.js';
export type { AtRestCode, EnvelopeCode, InputCode, RouteCode, RouteFailure, RouteOutcome, SealpostCode, StoreCode, UsageCode, VerifyCode } from './error-codes.js';
export { AT_REST_CODES, ENVELOPE_CODES, INPUT_CODES, ROUTE_LIST_OUTCOMES, ROUTE_OUTCOMES, STORE_CODES, USAGE_CODES, VERIFY_CODES } from './error-codes.js';
export type { Lang } from './statement/regions.js';

// The statement (wire spec 2). The region tables themselves stay inside: the code lists and the
// name lookups are the stable surface (a table's shape may change with a new GB/T 2260 edition).
export type { Channel, CountryCode, Group, Org, Person, ProvinceCode, Region, Sector, Statement } from './statement/types.js';
export { CHANNELS, LIMITS, ORGS, SECTORS } from './statement/types.js';
export { COUNTRY_CODES, PROVINCE_CODES, countryName, findCountry, findProvince, provinceName } from './statement/regions.js';
export type { Issue, ValidateOptions } from './statement/validate.js';
export type { Rule } from './statement/messages.js';
export { statementIssues, validateStatement } from './statement/validate.js';
export { parseStatement, serializeStatement } from './statement/codec.js';
export type { ComposeFields } from './statement/compose.js';
export { composeStatement } from './statement/compose.js';
export { statementTag } from './statement/tag.js';

// Sealing and the envelope (spec 3).
export { sealEnvelope, envelopeId, envelopeIdHex, newDeliveryToken } from './crypto/envelope.js';
export type { SealOptions } from './crypto/envelope.js';
export { ENVELOPE_SIZES, MAX_ENVELOPE } from './crypto/sizes.js';
export { writeArmor, readArmor, readEnvelopeFile } from './crypto/armor.js';
export type { ArmorOptions, ArmorProblem, ArmorProblemCode, ArmorResult } from './crypto/armor.js';

// The center file and what its keys verify (spec 1, 4, 6).
export { parseCenterFile, readCenterFile } from './crypto/center-file.js';
export type { Center, CenterFile, RouteSpec } from './crypto/center-file.js';
export type { Verifier } from './crypto/note.js';
export { verifyReceipt } from './crypto/receipt.js';
export type { ReceiptExpectation, ReceiptFields } from './crypto/receipt.js';

// Routes, delivery, racing and route memory (spec 6, 7).
export { parseRoute, parseProxyUrl } from './transport/routes/route.js';
export type { Route, RouteKind } from './transport/routes/route.js';
// Strategies (spec 6): how a route's name is resolved and how its ClientHello is sent.
export type { DnsStrategy, ResolverAddress, Strategies, TlsStep, TlsStrategy } from './transport/strategy/parse.js';
export { gatherRoutes } from './transport/routes/sources.js';
export type { GatherOptions, GatheredRoutes, LeftOut, LeftOutReason, RouteSource, RouteWarning } from './transport/routes/sources.js';
export { verifyRouteList } from './transport/routes/route-list.js';
export type { RouteList, VerifyRouteListOptions } from './transport/routes/route-list.js';
export { deliver } from './transport/deliver.js';
export type { CenterIdentity, Delivered, DeliverOptions, PhaseTimeouts } from './transport/deliver.js';
export type { AsyncVerify } from './crypto/note.js';
export { RouteSession } from './transport/session.js';
export type { HttpAnswer } from './transport/http.js';
export type { RouteRequest } from './transport/request.js';
export { race } from './transport/race/race.js';
export type { Attempt, AttemptFn, RaceOptions, RaceResult } from './transport/race/race.js';
export { RouteHealth } from './transport/race/health.js';
export type { KdfParams } from './crypto/at-rest.js';
export type { HealthLock, HealthOptions } from './transport/race/health.js';
export type { Random } from './transport/race/order.js';

// The outbox: sealed envelopes that wait for a receipt (spec 9).
export { Outbox } from './outbox/outbox.js';
export type { AddOptions, Origin, OutboxItem, OutboxOptions, OutboxState } from './outbox/outbox.js';
export type { CountedFields, CountedKeep } from './statement/counted.js';
export { countedKeep, isoWeek } from './statement/counted.js';
export { sendItem } from './outbox/send.js';
export type { ReportedAttempt, SendOptions, SendResult } from './outbox/send.js';
export type { StrategyPlan } from './transport/strategy/combos.js';

// The received log and `verify` (spec 5): checkpoints over the routes, consistency with the one
// kept, inclusion proofs computed from tiles (issue 9).
export { verifyLog, COVER_GRACE_MS } from './verify/verify.js';
export type { KeptReceipt, LogReport, ReceiptStatus, ReceiptVerdict, VerifyLogOptions } from './verify/verify.js';
export type { EvidenceNote, Lie, LieKind } from './verify/lies.js';
export { acceptCheckpoint } from './verify/checkpoints.js';
export type { LogCenter } from './verify/checkpoints.js';
export { CHECKPOINT_FILE, keepCheckpoint, readKeptCheckpoint, writeEvidence } from './verify/state.js';
export type { KeptCheckpoint } from './verify/state.js';
export type { GetAnswer, RouteGet } from './verify/source.js';
export type { Checkpoint, SignedCheckpoint } from './log/checkpoint.js';
export type { Hash } from './log/merkle.js';
export { receivedLeaf } from './log/leaf.js';
export type { CenterWitness } from './crypto/center-file.js';
export type { CosignatureVerifier } from './log/cosignature.js';

// The counted log, the tally note and the public recount (spec 8, issue 10).
export { recount, countedRoot, StreamingRoot, AWK_TOTALS, AWK_TOTALS_LINE } from './log/recount.js';
export type { RecountResult, TallyFiles } from './log/recount.js';
export {
  countedFigures,
  formatCountedEntry,
  parseCountedEntries,
  parseCountedEntry,
  parseTallyNote,
  tallyNoteBody,
  DEFAULT_MILESTONE_STEP,
  REJECTED_REASONS,
} from './log/counted.js';
export type { CountedEntry, CountedFigures, RejectedReason, TallyNote } from './log/counted.js';
// `verify --counted` (spec 8 and 9, issue 10): one's own statements found in a published tally.
export { verifyCounted, keptStatements, differingFields, COUNTED_FIELDS } from './verify/counted.js';
export type { CountedReport, CountedStatus, CountedVerdict, KeptStatement, VerifyCountedOptions } from './verify/counted.js';
