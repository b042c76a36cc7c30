/**
 * Typed errors that callers branch on (STYLE habit 3). Every error has a stable `code`;
 * the user-facing text comes from the i18n catalogs by `key` + `params`, so that the same
 * error prints in zh-CN or English. `message` is always English, for logs and stack traces.
 */
export type Params = Record<string, string | number>;

export interface SealpostErrorOptions {
  cause?: unknown;
  /** i18n key of the user-facing message (defaults to `error.<code>`). */
  key?: string;
  params?: Params;
}

export class SealpostError extends Error {
  override name: string = 'SealpostError';
  readonly code: string;
  readonly key: string;
  readonly params: Params;
  constructor(code: string, message: string, options: SealpostErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.key = options.key ?? `error.${code}`;
    this.params = options.params ?? {};
  }
}

/** Bad user input: a statement field, a flag, a file. Exit code 2 in the CLI; nothing was queued. */
export class InputError extends SealpostError {
  override name = 'InputError' as const;
  /** The field or flag at fault, e.g. `region.province` or `--orgs`. */
  readonly field: string | undefined;
  constructor(code: string, message: string, options: SealpostErrorOptions & { field?: string } = {}) {
    super(code, message, options);
    this.field = options.field;
  }
}

/**
 * A signature, note, receipt, proof or route list that does not verify: the center or someone in
 * between is lying (exit 4), or a route answered with something that is not a valid receipt.
 */
export class VerifyError extends SealpostError {
  override name = 'VerifyError' as const;
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

export class EnvelopeError extends SealpostError {
  override name = 'EnvelopeError' as const;
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
 * - `config`: the route is misconfigured (407, SOCKS auth, bad URL): report, do not retry;
 * - `server`: 5xx / 429: back off (honouring `retryAfterMs`);
 * - `route`: any other 4xx: the route's failure, never the envelope's;
 * - `cancelled`: another route won or the caller gave up.
 */
export type FailureClass = 'blocked' | 'config' | 'server' | 'route' | 'cancelled';

export class RouteError extends SealpostError {
  override name = 'RouteError' as const;
  readonly outcome: string;
  readonly failureClass: FailureClass;
  readonly retryAfterMs: number | undefined;
  constructor(
    outcome: string,
    failureClass: FailureClass,
    message: string,
    options: SealpostErrorOptions & { retryAfterMs?: number } = {},
  ) {
    super(`route-${outcome}`, message, { key: 'error.route', params: { outcome }, ...options });
    this.outcome = outcome;
    this.failureClass = failureClass;
    this.retryAfterMs = options.retryAfterMs;
  }
}
