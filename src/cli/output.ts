/**
 * CLI output rules, all in one place (STYLE habit 9, after age's CLI):
 * - stdout carries data only (a receipt, a statement, armor, a path); `--json` prints exactly one
 *   JSON document on stdout and nothing else there.
 * - stderr carries messages: `sealpost: error: ...`, `sealpost: warning: ...`, `sealpost: hint: ...`
 *   and progress. The `sealpost: <level>:` prefix stays English so scripts can grep it; the text
 *   after it is in the user's language.
 * - Prompts only when stdin is a TTY; otherwise a hint that names the flag.
 * - Exit codes as in the CLI spec.
 */
import { brandError, SealpostError, InputError, VerifyError, type Params, type SealpostErrorOptions } from '../errors.js';
import type { UsageCode } from '../error-codes.js';
import { describeError, t } from './i18n/index.js';

export const EXIT = { ok: 0, usage: 1, input: 2, queued: 3, verify: 4, internal: 5 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

export class Output {
  #documented = false;
  constructor(readonly io: Io, readonly json: boolean, readonly verbose = false) {}

  /** Data for stdout (adds the final newline when missing). */
  data(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The one JSON document of a `--json` run. */
  document(value: unknown): void {
    this.#documented = true;
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  #line(level: string, text: string): void {
    this.io.stderr.write(`sealpost: ${level}: ${text}\n`);
  }

  error(key: string, params: Params = {}): void {
    this.#line('error', t(key, params));
  }
  warning(key: string, params: Params = {}): void {
    this.#line('warning', t(key, params));
  }
  hint(key: string, params: Params = {}): void {
    this.#line('hint', t(key, params));
  }
  /** A plain informational line on stderr (suppressed under --json). */
  info(key: string, params: Params = {}): void {
    if (!this.json) this.io.stderr.write(`${t(key, params)}\n`);
  }
  /** Free text on stderr (tables), suppressed under --json. */
  text(s: string): void {
    if (!this.json) this.io.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  }

  /** Reports any error in the user's language and returns the exit code it maps to. */
  fail(err: unknown): ExitCode {
    const code = exitCodeFor(err);
    const message = code === EXIT.internal && !(err instanceof SealpostError) ? t('error.internal', { message: describeError(err) }) : describeError(err);
    const hint = err instanceof InputError && err.field ? t('cli.hint.field', { field: err.field }) : null;
    this.#line('error', message);
    if (hint) this.#line('hint', hint);
    // CLI spec: under --json a command that fails before it has a result (exit 1, 2, 5) prints one
    // error document; exits 3 and 4 keep their own documents.
    if (this.json && !this.#documented && code !== EXIT.queued && code !== EXIT.verify) {
      this.document(errorDocument(err instanceof SealpostError ? err.code : 'internal', message, hint));
    }
    return code;
  }
}

/** The CLI spec's `{"error": {"code", "message", "hint"}}` (hint null when there is none). */
export function errorDocument(code: string, message: string, hint: string | null) {
  return { error: { code, message, hint } };
}

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof InputError) return EXIT.input;
  if (err instanceof VerifyError) return EXIT.verify;
  if (err instanceof UsageError) return EXIT.usage;
  return EXIT.internal;
}

/**
 * The command line's shape is wrong (exit 1): flags that do not go together, a statement given
 * twice. A wrong value of a flag is an InputError (exit 2) naming the flag (issue 7).
 */
export class UsageError extends SealpostError {
  static {
    brandError(this, 'UsageError');
  }
  override name = 'UsageError' as const;
  declare readonly code: UsageCode;
  constructor(code: UsageCode, message: string, options: SealpostErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A fixed-width table for stderr; widths by code points, so Chinese text lines up reasonably. */
export function table(rows: readonly (readonly string[])[]): string {
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const cols = Math.max(...rows.map((r) => r.length));
  const w = Array.from({ length: cols }, (_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(w[i]! - width(c)))).join('  ').trimEnd()).join('\n') + '\n';
}
