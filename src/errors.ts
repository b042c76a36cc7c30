/**
 * Typed errors that callers branch on (STYLE habit 3). Every error has a stable `code` (the lists
 * are in error-codes.ts); the user-facing text comes from the i18n catalogs by `key` + `params`, so
 * that the same error prints in zh-CN or English. `message` is always English, for logs and stack
 * traces.
 *
 * Each class carries a `Symbol.for` brand, as undici's errors do (lib/core/errors.js), and
 * `instanceof` checks the brand: the CLI bundle (dist/bin) and the unbundled intake server that
 * `serve` loads (dist/src/center) hold two copies of these classes, and an error thrown by one copy
 * must still be an InputError to the other (issue 7: `serve --listen bad:xx` exited 5, not 2).
 */
import type { EnvelopeCode, InputCode, RouteCode, RouteFailure, SealpostCode, VerifyCode } from './error-codes.js';

export type { EnvelopeCode, InputCode, RouteCode, RouteFailure, RouteOutcome, SealpostCode, VerifyCode } from './error-codes.js';

/** The values that fill an error message's `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** Options of every sealpost error's constructor. */
export interface SealpostErrorOptions {
  /** The error that caused this one (`Error.cause`). */
  cause?: unknown;
  /** i18n key of the user-facing message (defaults to `error.<code>`). */
  key?: string;
  params?: Params;
}

/** The brand of each branded class; a subclass without one keeps the ordinary prototype check. */
const brands = new WeakMap<object, symbol>();

/**
 * Brands `cls`: its instances (from any copy of this code) carry `Symbol.for('sealpost.error.<name>')`
 * and `instanceof cls` checks that brand. Call it once per class, from a `static {}` block.
 * @internal
 */
export function brandError(cls: abstract new (...args: never[]) => SealpostError, name: string): void {
  const brand = Symbol.for(`sealpost.error.${name}`);
  brands.set(cls, brand);
  Object.defineProperty(cls.prototype, brand, { value: true });
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * The base of sealpost's errors: a stable `code` to branch on, the message `key` and `params` a
 * user interface translates, and an English `message`.
 */
export class SealpostError extends Error {
  static {
    brandError(this, 'SealpostError');
  }
  /** True for an instance of this class from any copy of sealpost (see the file comment). */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    const brand = brands.get(this);
    return brand === undefined ? Function.prototype[Symbol.hasInstance].call(this, value) : hasBrand(value, brand);
  }
  override name: string = 'SealpostError';
  readonly code: SealpostCode;
  readonly key: string;
  readonly params: Params;
  constructor(code: SealpostCode, message: string, options: SealpostErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.key = options.key ?? `error.${code}`;
    this.params = options.params ?? {};
  }
}

/** Bad user input: a statement field, a flag, a file. Exit code 2 in the CLI; nothing was queued. */
export class InputError extends SealpostError {
  static {
    brandError(this, 'InputError');
  }
  override name = 'InputError' as const;
  declare readonly code: InputCode;
  /** The field, flag or file at fault, e.g. `region.province`, `--orgs` or `--keys`. */
  readonly field: string | undefined;
  constructor(code: InputCode, message: string, options: SealpostErrorOptions & { field?: string } = {}) {
    super(code, message, options);
    this.field = options.field;
  }
}

/**
 * `err` as an InputError naming `field` (the flag that gave the file at fault, for the CLI's hint);
 * any other error as it is. For a `.catch()` around a call whose own message names the file.
 * @internal
 */
export function namingField(err: unknown, field: string): unknown {
  if (!(err instanceof InputError)) return err;
  return new InputError(err.code, err.message, { cause: err, key: err.key, params: err.params, field });
}

/**
 * A signature, note, receipt, proof or route list that does not verify: the center or someone in
 * between is lying (exit 4), or a route answered with something that is not a valid receipt.
 */
export class VerifyError extends SealpostError {
  static {
    brandError(this, 'VerifyError');
  }
  override name = 'VerifyError' as const;
  declare readonly code: VerifyCode;
  constructor(code: VerifyCode, message: string, options: SealpostErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * An envelope that cannot be opened. `reason` is the internal, specific reason (for tests and the
 * tally's own diagnostics); the message is deliberately generic so that nothing outside learns
 * which check failed (spec 3: one generic external error).
 */
export type OpenFailure =
  | 'bad-version'
  | 'bad-length'
  | 'low-order-key'
  | 'box'
  | 'bad-length-prefix'
  | 'bad-padding'
  | 'bad-utf8'
  | 'bad-json'
  | 'bad-statement';

/** An envelope that cannot be opened; see {@link OpenFailure}. */
export class EnvelopeError extends SealpostError {
  static {
    brandError(this, 'EnvelopeError');
  }
  override name = 'EnvelopeError' as const;
  declare readonly code: EnvelopeCode;
  readonly reason: OpenFailure;
  constructor(reason: OpenFailure, options: SealpostErrorOptions = {}) {
    super('undecryptable', 'envelope cannot be opened', { ...options, key: 'error.envelope' });
    this.reason = reason;
  }
  /** The tally's rejected reason (spec 3): box-level failures are `undecryptable`, content ones `invalid`. */
  get tallyReason(): 'undecryptable' | 'invalid' {
    return this.reason === 'bad-version' || this.reason === 'bad-length' || this.reason === 'low-order-key' || this.reason === 'box'
      ? 'undecryptable'
      : 'invalid';
  }
}

/**
 * Why a delivery attempt over one route failed. `outcome` is the stable word of the CLI spec
 * (`timeout`, `reset`, `refused`, `tls`, `bad-receipt`, `http-<status>`, `proxy-auth`, `proxy-refused`,
 * `dns`, `cancelled`, `error`). `failureClass` tells the racing loop and route health what to do:
 * - `blocked`: looks like censorship (timeout, reset, TLS failure, bad receipt): try another route, cool down this one;
 * - `config`: only the user can fix it (407, SOCKS auth, bad URL, a proxy on this machine that is not
 *   running, a receipt over verified TLS signed by another key than the center file's): report, do not retry;
 * - `server`: 5xx / 429: back off (honouring `retryAfterMs`);
 * - `route`: any other 4xx: the route's failure, never the envelope's;
 * - `cancelled`: another route won or the caller gave up.
 */
export type FailureClass = 'blocked' | 'config' | 'server' | 'route' | 'cancelled';

/**
 * Which hop of a route failed (issue 7, build point 4): `proxy` is the user's proxy (`--proxy`, a
 * proxy variable); `route-proxy` the route's own proxy (an http-proxy or socks route of the center
 * file or route list), reached directly or through the user's; `center` the center's server (its
 * TCP, its TLS, its answer).
 */
export type RouteHop = 'proxy' | 'route-proxy' | 'center';

/** A delivery attempt over one route failed; see {@link FailureClass} and {@link RouteHop}. */
export class RouteError extends SealpostError {
  static {
    brandError(this, 'RouteError');
  }
  override name = 'RouteError' as const;
  declare readonly code: RouteCode;
  readonly outcome: RouteFailure;
  readonly failureClass: FailureClass;
  readonly retryAfterMs: number | undefined;
  /** The hop that failed, when known (`submit --json` attempts carry it as `hop`). */
  readonly hop: RouteHop | undefined;
  constructor(
    outcome: RouteFailure,
    failureClass: FailureClass,
    message: string,
    options: SealpostErrorOptions & { retryAfterMs?: number; hop?: RouteHop } = {},
  ) {
    super(`route-${outcome}`, message, { key: 'error.route', params: { outcome }, ...options });
    this.outcome = outcome;
    this.failureClass = failureClass;
    this.retryAfterMs = options.retryAfterMs;
    this.hop = options.hop;
  }
}

/** Type guards, the same checks as `instanceof`: true for an error from any copy of sealpost. */
export const isSealpostError = (value: unknown): value is SealpostError => value instanceof SealpostError;
/** True for an InputError from any copy of sealpost. */
export const isInputError = (value: unknown): value is InputError => value instanceof InputError;
/** True for a VerifyError from any copy of sealpost. */
export const isVerifyError = (value: unknown): value is VerifyError => value instanceof VerifyError;
/** True for a RouteError from any copy of sealpost. */
export const isRouteError = (value: unknown): value is RouteError => value instanceof RouteError;
/** True for an EnvelopeError from any copy of sealpost. */
export const isEnvelopeError = (value: unknown): value is EnvelopeError => value instanceof EnvelopeError;
