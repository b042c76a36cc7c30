/**
 * Text armor of envelopes for paper, chat and USB sticks (wire spec 3, "Armor").
 *
 * Writers emit bare blocks by default (a fixed label is a keyword a censor's scanner looks for): the
 * base64 of the envelope in lines of 64 columns, blocks separated by a blank line. On request each block
 * is wrapped in RFC 7468 lines with the neutral label MESSAGE. Readers accept both, with text around,
 * CRLF, several blocks, and name each damaged block by its position.
 */
import type { Params } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { assertBytes } from './bytes.js';
import { ENVELOPE_SIZES, ENVELOPE_VERSION, MAX_ENVELOPE, envelopeShapeError } from './sizes.js';

/** Columns of a base64 line written by {@link writeArmor} (spec 3). */
export const ARMOR_COLUMNS = 64;
const BEGIN = '-----BEGIN MESSAGE-----';
const END = '-----END MESSAGE-----';
/** Any RFC 7468 pre-encapsulation boundary (section 3), to skip blocks with other labels. */
const ANY_BEGIN = /^-----BEGIN ([\x21-\x7e](?:[\x21-\x7e ]*[\x21-\x7e])?)?-----$/;
/** Base64 alphabet, padding only at the end. */
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const BODY_LINE = /^[A-Za-z0-9+/=]+$/;
const HEX_LINE = /^[0-9a-fA-F]+$/;
/** Base64 characters of the largest envelope (21912). */
const MAX_ARMOR_CHARS = 4 * Math.ceil(MAX_ENVELOPE / 3);

/** Why a block of armored text is not an envelope: not base64, a wrong length or version byte, or cut short. */
export type ArmorProblemCode = 'bad-base64' | 'bad-length' | 'bad-version' | 'truncated';

/** A block that is not an envelope. The user-facing text is `t(problem.key, problem.params)`. */
export interface ArmorProblem {
  /** 1-based position of the block among all blocks found in the text, good or bad. */
  readonly block: number;
  /** 1-based line: the first offending line for `bad-base64`, else the block's first line. */
  readonly line: number;
  readonly code: ArmorProblemCode;
  /** Decoded bytes, for `bad-length`. */
  readonly length?: number;
  /** i18n key, `crypto.armor.<code>`. */
  readonly key: string;
  readonly params: Params;
}

/** What {@link readArmor} and {@link readEnvelopeFile} found: the envelopes, and every block that is not one. */
export interface ArmorResult {
  /** The blocks that are envelopes, in text order. */
  readonly envelopes: Uint8Array[];
  readonly problems: ArmorProblem[];
}

/** Options of {@link writeArmor}. */
export interface ArmorOptions {
  /** Wrap each block in `-----BEGIN MESSAGE-----` / `-----END MESSAGE-----` (RFC 7468). Default false. */
  label?: boolean;
}

/**
 * Armors envelopes: each block is its base64 in lines of 64 columns, blocks separated by one blank
 * line, the text ending with a newline. An empty list gives the empty string.
 * @throws TypeError / RangeError naming `envelopes[i]` when an item is not an envelope (version, length).
 */
export function writeArmor(envelopes: readonly Uint8Array[], opts: ArmorOptions = {}): string {
  if (!Array.isArray(envelopes)) throw new TypeError('envelopes: expected an array of Uint8Array');
  const blocks = envelopes.map((env, i) => {
    assertBytes(`envelopes[${i}]`, env);
    const shape = envelopeShapeError(env);
    if (shape !== null) throw new RangeError(`envelopes[${i}]: not an envelope (${shape})`);
    const b64 = toBase64(env);
    const lines: string[] = [];
    for (let at = 0; at < b64.length; at += ARMOR_COLUMNS) lines.push(b64.slice(at, at + ARMOR_COLUMNS));
    if (opts.label === true) {
      lines.unshift(BEGIN);
      lines.push(END);
    }
    return lines.join('\n') + '\n';
  });
  return blocks.join('\n');
}

/**
 * The payload of a QR code: the same base64 as a block, on one line, of a 1073-byte envelope (spec 3).
 * @throws RangeError when `envelope` is not a smallest-bucket envelope.
 */
export function qrPayload(envelope: Uint8Array): string {
  assertBytes('envelope', envelope, ENVELOPE_SIZES[0]);
  if (envelopeShapeError(envelope) !== null) throw new RangeError('envelope: not an envelope (bad-version)');
  return toBase64(envelope);
}

/** A block found in the text, before decoding. */
interface RawBlock {
  /** 0-based index of the block's first line. */
  start: number;
  /** Body lines with their 0-based indexes (blank lines dropped). */
  body: { text: string; index: number }[];
  /** The block lacks its end: a labelled block without END, or a bare block cut off. */
  cutShort: boolean;
}

/**
 * Finds the envelopes in armored text. Never throws on a string: every block that is not an envelope
 * becomes a problem, and the good blocks are returned all the same.
 *
 * A labelled block runs from `-----BEGIN MESSAGE-----` to `-----END MESSAGE-----`; without its END
 * (another BEGIN or the end of the text comes first) it is `truncated`. A bare block is a run of lines
 * of the base64 alphabet whose first line is at least 64 wide (prose lines never are, without spaces or
 * punctuation) and not all hex (64-hex envelope ids and fingerprints are pasted beside blocks); every
 * line has the first line's width except the last, which is shorter or ends in `=`. Every v1 envelope's
 * base64 ends in `=` (1073, 4145 and 16433 are all 2 mod 3), so a bare block shorter than the largest
 * envelope that does not end in `=` is `truncated`, wherever it stands in the text.
 * @throws TypeError when `text` is not a string.
 */
export function readArmor(text: string): ArmorResult {
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const envelopes: Uint8Array[] = [];
  const problems: ArmorProblem[] = [];
  let position = 0;
  for (const raw of findBlocks(lines)) {
    position++;
    const result = decodeBlock(raw, position);
    if (result instanceof Uint8Array) envelopes.push(result);
    else problems.push(result);
  }
  return { envelopes, problems };
}

function* findBlocks(lines: readonly string[]): Generator<RawBlock> {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const begin = ANY_BEGIN.exec(line);
    if (begin !== null) {
      if (line === BEGIN) {
        const { block, next } = labelledBlock(lines, i);
        yield block;
        i = next;
      } else {
        // Another label (a PGP block, a certificate): not ours, skip it whole when it is closed.
        const end = lines.indexOf(`-----END ${begin[1] ?? ''}-----`, i + 1);
        i = end === -1 ? i + 1 : end + 1;
      }
    } else if (isBareStart(line)) {
      const { block, next } = bareBlock(lines, i);
      yield block;
      i = next;
    } else {
      i++;
    }
  }
}

function labelledBlock(lines: readonly string[], start: number): { block: RawBlock; next: number } {
  let end = -1;
  for (let j = start + 1; j < lines.length; j++) {
    if (lines[j] === END) {
      end = j;
      break;
    }
    if (ANY_BEGIN.test(lines[j]!)) break;
  }
  const body: RawBlock['body'] = [];
  if (end !== -1) {
    for (let j = start + 1; j < end; j++) if (lines[j] !== '') body.push({ text: lines[j]!, index: j });
    return { block: { start, body, cutShort: false }, next: end + 1 };
  }
  // No END: the body is the run of base64 lines after BEGIN; what follows is prose or another block.
  let j = start + 1;
  while (j < lines.length && BODY_LINE.test(lines[j]!)) body.push({ text: lines[j]!, index: j++ });
  return { block: { start, body, cutShort: true }, next: j };
}

function isBareStart(line: string): boolean {
  return line.length >= ARMOR_COLUMNS && BASE64_LINE.test(line) && !HEX_LINE.test(line);
}

/**
 * A line inside a bare block with a few characters outside the alphabet (a typo, an OCR slip) but the
 * block's full width and no space: kept in the block so that it is reported as `bad-base64` at its line
 * instead of splitting the block in two. Only full-width lines qualify: prose after a block never is.
 */
function isDamagedLine(line: string, width: number): boolean {
  if (line.length !== width || /\s/.test(line)) return false;
  return line.replace(/[A-Za-z0-9+/]/g, '').length <= 2;
}

function bareBlock(lines: readonly string[], start: number): { block: RawBlock; next: number } {
  const first = lines[start]!;
  const width = first.length;
  const body: RawBlock['body'] = [{ text: first, index: start }];
  let j = start + 1;
  let last = first;
  while (j < lines.length && last.length === width && !last.endsWith('=')) {
    const line = lines[j]!;
    const strict = line.length <= width && BASE64_LINE.test(line) && !(line.length >= 32 && HEX_LINE.test(line));
    if (!strict && !isDamagedLine(line, width)) break;
    body.push({ text: line, index: j++ });
    last = line;
  }
  const chars = body.reduce((n, l) => n + l.text.length, 0);
  // Every v1 envelope's base64 ends in `=`: a shorter block that does not was cut short.
  const cutShort = chars < MAX_ARMOR_CHARS && !last.endsWith('=');
  return { block: { start, body, cutShort }, next: j };
}

function problem(position: number, index: number, code: ArmorProblemCode, length?: number): ArmorProblem {
  const line = index + 1;
  const params: Params = length === undefined ? { block: position, line } : { block: position, line, length };
  return {
    block: position,
    line,
    code,
    ...(length === undefined ? {} : { length }),
    key: `crypto.armor.${code}`,
    params,
  };
}

/**
 * Framing first (a cut block), then base64, then length, then version: the order of spec 3's sentence
 * "decodes to one of the three lengths with version 0x01", so a damaged fragment reads as a wrong
 * length rather than as an unknown version.
 */
function decodeBlock(raw: RawBlock, position: number): Uint8Array | ArmorProblem {
  if (raw.cutShort) return problem(position, raw.start, 'truncated');
  const badChars = raw.body.find((l) => !BODY_LINE.test(l.text));
  if (badChars !== undefined) return problem(position, badChars.index, 'bad-base64');
  const bytes = fromBase64(raw.body.map((l) => l.text).join(''));
  if (bytes === null) {
    // Padding inside the text, or a bad final quantum: point at the first line with `=` or the last line.
    const culprit = raw.body.find((l, k) => l.text.includes('=') && k < raw.body.length - 1) ?? raw.body.at(-1);
    return problem(position, culprit?.index ?? raw.start, 'bad-base64');
  }
  if (!ENVELOPE_SIZES.includes(bytes.length)) return problem(position, raw.start, 'bad-length', bytes.length);
  if (bytes[0] !== ENVELOPE_VERSION) return problem(position, raw.start, 'bad-version');
  return bytes;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Control characters that plain text does not hold (tab, LF, VT, FF and CR aside). */
const BINARY_CHARS = /[\x00-\x08\x0e-\x1f\x7f]/;

/**
 * Reads a file that holds either one binary envelope (exactly one of the three lengths, version 0x01)
 * or armored text (UTF-8, a leading BOM allowed). A file that is neither text nor an envelope, e.g. a
 * binary envelope of a wrong length, gives one problem for block 1 (line 1).
 * @throws TypeError when `bytes` is not a Uint8Array.
 */
export function readEnvelopeFile(bytes: Uint8Array): ArmorResult {
  assertBytes('bytes', bytes);
  const shape = envelopeShapeError(bytes);
  if (shape === null) return { envelopes: [bytes.slice()], problems: [] };
  let text: string | undefined;
  try {
    text = UTF8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text === undefined || BINARY_CHARS.test(text)) {
    const p =
      bytes[0] === ENVELOPE_VERSION ? problem(1, 0, 'bad-length', bytes.length) : problem(1, 0, 'bad-version');
    return { envelopes: [], problems: [p] };
  }
  return readArmor(text);
}
