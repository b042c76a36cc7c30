/**
 * Every stable error `code`, one list per error class (issue 7, build point 2). The union types
 * come from these lists, so a constructor given a code outside its class's list does not compile,
 * and tests/errors.test.ts checks that no code belongs to two classes: a script branching on the
 * `code` of a `--json` error document (CLI spec) can tell which kind of failure it is.
 */

/** InputError: bad user input (a statement field, a flag's value, a file); the CLI exits 2. */
export const INPUT_CODES = [
  // flags and files given to the CLI
  'bad-flag',
  'missing-flag',
  'unreadable',
  'not-a-folder',
  'exists',
  'empty',
  'too-large',
  'bad-utf8',
  'no-center',
  'bad-center-file',
  'bad-center-name',
  'bad-key-file',
  'bad-box-key',
  'bad-url',
  // routes and proxies
  'bad-route',
  'bad-routes-input',
  'bad-proxy',
  'bad-env-proxy',
  'plain-proxy',
  // a route's or a center file's `dns` / `tls` strategies (wire spec 6, issue 12)
  'bad-strategy',
  // a statement (JSON, `key: value` lines, compose flags)
  'no-statement',
  'bad-json',
  'duplicate-key',
  'invalid-statement',
  'bad-line',
  'repeated-field',
  'bad-boolean',
  'unknown-field',
  // an envelope handed to deliver() (spec 3 sizes)
  'bad-version',
  'bad-length',
  // serve's startup
  'bad-listen',
  'tls-pair',
  'bad-tls',
  'not-a-route-list',
  'address-in-use',
  'no-permission',
  // a center command without its optional native dependencies (issue 7, build point 1)
  'center-deps-missing',
  // relay import (issue 8, build point 2): a header the CLI spec's columns do not fit, no good row, a locked relay secret
  'bad-header',
  'no-good-rows',
  'relay-secret-locked',
  // wire spec 9: this home keeps things under a passphrase, and neither a terminal nor SEALPOST_PASSPHRASE gives it
  'passphrase-needed',
  // tally (issue 10): its state folder belongs to another center or data folder, or is damaged
  'bad-tally-state',
] as const;

/** VerifyError: a signature, note, receipt or route list that does not verify; the CLI exits 4. */
export const VERIFY_CODES = [
  'bad-note',
  'bad-checkpoint',
  'witness-policy',
  'unsigned',
  'bad-signature',
  'bad-verifier-key',
  'bad-receipt',
  'bad-route-list',
  'route-list-center',
  'route-list-expired',
  'route-list-future',
  'route-list-rollback',
  // the lies `verify` proves about the received log (issue 9, src/verify/lies.ts)
  'smaller-checkpoint',
  'inconsistent-checkpoint',
  'split-view',
  'entry-dropped',
  'entry-rewritten',
  'not-included',
  'not-covered',
  // the counted log and the tally note (wire spec 8, issue 10): malformed, or not what the entries give
  'bad-counted-entry',
  'bad-tally-note',
  'counted-dropped',
  'counted-added',
  'counted-changed',
  'note-mismatch',
  'repeated-tag',
  // verify --counted (wire spec 8 and 9, issue 10; src/verify/counted.ts): one's own statement counted
  // with other fields than it was sent with, or received before the tally and not counted
  'counted-differs',
  'not-counted',
] as const;

/** EnvelopeError: an envelope that cannot be opened (one generic code, spec 3). */
export const ENVELOPE_CODES = ['undecryptable'] as const;

/** AtRestError (src/crypto/at-rest.ts): a sealed file that the passphrase does not open. */
export const AT_REST_CODES = ['wrong-passphrase', 'bad-sealed-file'] as const;

/** OverloadedError (src/center/store.ts): spec 7 `503 overloaded`. */
export const STORE_CODES = ['overloaded'] as const;

/** UsageError (src/cli/output.ts): the command line's shape is wrong; the CLI exits 1. */
export const USAGE_CODES = ['statement-twice', 'flag-conflict', 'aborted'] as const;

/**
 * The CLI spec's stable outcome words of a delivery attempt (`submit --json` `attempts[].outcome`),
 * `http-<status>` aside. A RouteError carries one of them but `delivered`, as code `route-<outcome>`.
 */
export const ROUTE_OUTCOMES = [
  'delivered',
  'timeout',
  'reset',
  'refused',
  'tls',
  'bad-receipt',
  'proxy-auth',
  'proxy-refused',
  'dns',
  'cancelled',
  'error',
] as const;

/**
 * `routes update`'s own failure word: the route answered with a route list that does not verify
 * (the list's `bad-receipt`: the route lies, the update goes on over the others).
 */
export const ROUTE_LIST_OUTCOMES = ['bad-list'] as const;

/** The `code` of an InputError: one of {@link INPUT_CODES}. */
export type InputCode = (typeof INPUT_CODES)[number];
/** The `code` of a VerifyError: one of {@link VERIFY_CODES}. */
export type VerifyCode = (typeof VERIFY_CODES)[number];
/** The `code` of an EnvelopeError: one of {@link ENVELOPE_CODES}. */
export type EnvelopeCode = (typeof ENVELOPE_CODES)[number];
/** The `code` of an error of the encrypted route memory: one of {@link AT_REST_CODES}. */
export type AtRestCode = (typeof AT_REST_CODES)[number];
/** The `code` of an intake store's error: one of {@link STORE_CODES}. */
export type StoreCode = (typeof STORE_CODES)[number];
/** The `code` of a command-line usage error: one of {@link USAGE_CODES}. */
export type UsageCode = (typeof USAGE_CODES)[number];

/** An attempt's outcome (CLI spec): a stable word, or `http-<status>` for an answer without a receipt. */
export type RouteOutcome = (typeof ROUTE_OUTCOMES)[number] | (typeof ROUTE_LIST_OUTCOMES)[number] | `http-${number}`;
/** The outcome of an attempt that failed. */
export type RouteFailure = Exclude<RouteOutcome, 'delivered'>;
/** The `code` of a RouteError: `route-` and its outcome. */
export type RouteCode = `route-${RouteFailure}`;

/** Every error `code`; each belongs to one error class. */
export type SealpostCode = InputCode | VerifyCode | EnvelopeCode | AtRestCode | StoreCode | UsageCode | RouteCode;

/** Whether `word` is one of the CLI spec's outcome words (`http-<status>` with a 3-digit status included). */
export function isRouteOutcome(word: string): word is RouteOutcome {
  return ([...ROUTE_OUTCOMES, ...ROUTE_LIST_OUTCOMES] as readonly string[]).includes(word) || /^http-[1-5]\d\d$/.test(word);
}
