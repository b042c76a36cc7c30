/**
 * Statement bytes (wire spec 2): UTF-8 JSON, NFC, one object. Serialising is canonical (keys in spec 2's
 * table order, no whitespace, absent optional fields omitted), so the same statement always gives the
 * same bytes; parsing is strict, so that every reader sees the same statement in the same bytes.
 */
import { statementError } from './error.js';
import { parseJsonStrict } from './json.js';
import type { Statement } from './types.js';
import { validateStatement, type ValidateOptions } from './validate.js';

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF in the text, so the parser can refuse it with its own message.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The canonical bytes of `st`: its strings NFC-normalised, then validated (spec 2: "validated
 * strictly before sealing"), then written as compact JSON in canonical key order.
 * `parseStatement(serializeStatement(st))` re-serialises to the same bytes.
 * @throws InputError `invalid-statement` when `st` is not valid after normalisation (see
 *   `validateStatement`; `opts.today` is the sealing day).
 */
export function serializeStatement(st: Statement, opts: ValidateOptions = {}): Uint8Array {
  // validateStatement copies into canonical key order; JSON.stringify keeps insertion order.
  return encoder.encode(JSON.stringify(validateStatement(normalizeStrings(st, 0), opts)));
}

/**
 * Decodes UTF-8 (fatal) and parses strict JSON (duplicate keys at any depth, escaped lone surrogates,
 * a BOM and RFC 8259 violations are errors), without validating the statement: for callers that want
 * every problem at once from `statementIssues`.
 * @throws InputError `bad-utf8`, `bad-json` or `duplicate-key`.
 */
export function parseStatementJson(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (cause) {
    throw statementError('bad-utf8', 'statement.utf8', {}, undefined, cause);
  }
  return parseJsonStrict(text);
}

/**
 * A statement from its bytes, as after opening an envelope (spec 3): fatal UTF-8 decode, strict JSON,
 * then `validateStatement` (non-NFC text is refused here, not normalised: the sealer normalises).
 * @throws InputError `bad-utf8`, `bad-json`, `duplicate-key` or `invalid-statement`.
 */
export function parseStatement(bytes: Uint8Array, opts: ValidateOptions = {}): Statement {
  return validateStatement(parseStatementJson(bytes), opts);
}

/** NFC-normalises every string value of plain objects and arrays (the structure validation will read). */
function normalizeStrings(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.normalize('NFC');
  // Deeper than a statement nests: leave it for validation to reject (and never recurse forever on a cycle).
  if (depth > 4 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => normalizeStrings(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeStrings(x, depth + 1)]));
}
