/**
 * JSON Lines for `relay import` (issue 8, build point 2): one row a line, a JSON object whose keys
 * are the CSV column names (`name`, `real_name`, `orgs`, ..., `group`, `id`, `tag_key`; the choice is
 * recorded in the issue note), so that both formats go through one row mapping (rows.ts). Values
 * are strings as in the CSV; `true`/`false` are taken for the booleans, an array of strings for
 * `orgs`, and `null` for empty. Blank lines are skipped; LF or CRLF end a line; a UTF-8 BOM at the
 * start is skipped.
 */
import type { CsvProblem } from './csv.js';
import { MAX_RECORD_BYTES } from './csv.js';

/** Why a line is not a row. */
export type JsonlProblem = Exclude<CsvProblem, 'bad-quote'> | 'bad-json' | 'bad-type';

/** One line: its text (for the rejects file), and its fields when it is a JSON object of strings. */
export interface JsonlRecord {
  readonly line: number;
  readonly text: string;
  readonly fields?: Record<string, string>;
  readonly problem?: JsonlProblem;
  /** With `bad-type`: the key whose value is neither text, a boolean, a list of text nor null. */
  readonly key?: string;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

function toFields(value: unknown): { fields?: Record<string, string>; problem?: JsonlProblem; key?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'bad-json' };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') fields[k] = v;
    else if (typeof v === 'boolean') fields[k] = String(v);
    else if (v === null) fields[k] = '';
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) fields[k] = v.join('|');
    else return { problem: 'bad-type', key: k };
  }
  return { fields };
}

function record(line: number, bytes: Uint8Array | null): JsonlRecord | null {
  if (bytes === null) return { line, text: '', problem: 'too-long' };
  let text: string;
  try {
    text = fatal.decode(bytes);
  } catch {
    return { line, text: lenient.decode(bytes), problem: 'bad-utf8' };
  }
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, text, problem: 'bad-json' };
  }
  return { line, text, ...toFields(value) };
}

/** The rows of a JSON Lines byte stream, in order, each with its line number. */
export async function* readJsonl(source: AsyncIterable<Uint8Array>, maxLineBytes = MAX_RECORD_BYTES): AsyncGenerator<JsonlRecord> {
  let parts: Uint8Array[] = [];
  let size = 0;
  let over = false;
  let line = 1;
  let first = true;
  const finish = (): JsonlRecord | null => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const r = record(line, over ? null : bytes);
    parts = [];
    size = 0;
    over = false;
    line++;
    return r;
  };
  for await (let chunk of source) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      take(chunk.subarray(from, nl));
      from = nl + 1;
      const r = finish();
      if (r) yield r;
    }
    take(chunk.subarray(from));
  }
  if (size > 0 || over) {
    const r = finish();
    if (r) yield r;
  }

  function take(piece: Uint8Array): void {
    if (piece.length === 0 || over) return;
    if (size + piece.length > maxLineBytes) {
      over = true;
      parts = [];
      return;
    }
    parts.push(Uint8Array.from(piece));
    size += piece.length;
  }
}
