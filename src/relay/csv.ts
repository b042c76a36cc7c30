/**
 * A streaming CSV reader (RFC 4180) that knows the line each record starts on, for `relay import`
 * (CLI spec: "header row required, UTF-8, RFC 4180 quoting"; the rejects file names each bad row by
 * its line, so a line break inside a quoted field counts).
 *
 * It works on bytes: the delimiters are ASCII, which never occurs inside a UTF-8 multi-byte
 * sequence, so a chunk can end anywhere and each field is decoded (fatal UTF-8) only once its
 * record is complete. A broken record rejects only itself: bad UTF-8, broken quoting, or a record
 * over `maxRecordBytes` (kept from growing without bound: constant memory for any input).
 *
 * Choices where RFC 4180 is silent (recorded in the issue note): LF, CRLF and a lone CR all end a
 * line; a UTF-8 byte order mark at the start is skipped; blank lines are skipped; a quote inside an
 * unquoted field, or anything but a comma or a line end after a closing quote, is `bad-quote`; an
 * unterminated quoted field is `bad-quote` and runs to the end of the input.
 */

/** Why a record cannot be read; its fields are then shown with U+FFFD for bad bytes. */
export type CsvProblem = 'bad-utf8' | 'bad-quote' | 'too-long';

/** One record: its fields and the line (1-based) it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
  readonly problem?: CsvProblem;
}

/**
 * Bytes kept of one record (16 KiB of statement plus room for quoting and the other columns). A
 * longer record is read to its end and reported `too-long`, without its bytes.
 */
export const MAX_RECORD_BYTES = 64 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** The push parser: feed chunks, get the records they complete. Pure, no I/O. */
export class CsvParser {
  readonly #max: number;
  #buf = new Uint8Array(1024);
  #len = 0;
  #ends: number[] = [];
  #line = 1;
  #recordLine = 1;
  #prevCR = false;
  #inQuotes = false;
  #afterQuote = false;
  #closed = false;
  #fieldStarted = false;
  #seen = false;
  #problem: CsvProblem | undefined;
  #head: number[] | null = [];

  constructor(maxRecordBytes = MAX_RECORD_BYTES) {
    this.#max = maxRecordBytes;
  }

  /** The records that `chunk` completes. */
  push(chunk: Uint8Array): CsvRecord[] {
    const out: CsvRecord[] = [];
    let from = 0;
    if (this.#head !== null) {
      // The BOM may be cut across chunks: hold the first bytes until three are known.
      while (this.#head.length < 3 && from < chunk.length) this.#head.push(chunk[from++]!);
      if (this.#head.length < 3) return out;
      const head = this.#head;
      this.#head = null;
      if (!head.every((b, i) => b === BOM[i])) for (const b of head) this.#byte(b, out);
    }
    for (let i = from; i < chunk.length; i++) this.#byte(chunk[i]!, out);
    return out;
  }

  /** The last record, when the input does not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.#head !== null) {
      const head = this.#head;
      this.#head = null;
      if (!(head.length === 3 && head.every((b, i) => b === BOM[i]))) for (const b of head) this.#byte(b, out);
    }
    if (this.#inQuotes && !this.#afterQuote) this.#problem = 'bad-quote';
    this.#endRecord(out);
    return out;
  }

  #store(b: number): void {
    this.#fieldStarted = true;
    if (this.#problem === 'too-long') return;
    if (this.#len >= this.#max) {
      this.#problem = 'too-long';
      return;
    }
    if (this.#len === this.#buf.length) {
      const next = new Uint8Array(Math.min(this.#buf.length * 2, this.#max));
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#len++] = b;
  }

  #endField(): void {
    this.#ends.push(this.#len);
    this.#closed = false;
    this.#fieldStarted = false;
  }

  #endRecord(out: CsvRecord[]): void {
    if (this.#seen || this.#fieldStarted || this.#ends.length > 0) {
      this.#endField();
      out.push(this.#record());
    }
    this.#len = 0;
    this.#ends = [];
    this.#closed = false;
    this.#fieldStarted = false;
    this.#seen = false;
    this.#problem = undefined;
    this.#recordLine = this.#line;
  }

  #record(): CsvRecord {
    let problem = this.#problem;
    const fields: string[] = [];
    let start = 0;
    for (const end of this.#ends) {
      const bytes = this.#buf.subarray(start, end);
      start = end;
      if (problem === 'too-long') {
        fields.push('');
        continue;
      }
      try {
        fields.push(fatal.decode(bytes));
      } catch {
        problem ??= 'bad-utf8';
        fields.push(lenient.decode(bytes));
      }
    }
    return problem === undefined ? { line: this.#recordLine, fields } : { line: this.#recordLine, fields, problem };
  }

  #byte(b: number, out: CsvRecord[]): void {
    // LF, CRLF and a lone CR are one line break each.
    const wasCR = this.#prevCR;
    this.#prevCR = b === CR;
    if (b === CR || (b === LF && !wasCR)) this.#line++;
    if (this.#inQuotes) {
      if (!this.#afterQuote) {
        if (b === QUOTE) this.#afterQuote = true;
        else this.#store(b);
        return;
      }
      this.#afterQuote = false;
      if (b === QUOTE) {
        this.#store(QUOTE); // RFC 4180: a doubled quote inside quotes is one quote
        return;
      }
      this.#inQuotes = false;
      this.#closed = true;
    }
    if (b === LF && wasCR) return; // the LF of a CRLF that already ended the record
    if (b === COMMA) {
      this.#seen = true;
      this.#endField();
    } else if (b === LF || b === CR) {
      this.#endRecord(out);
    } else if (this.#closed) {
      this.#problem ??= 'bad-quote';
      this.#store(b);
    } else if (b === QUOTE && !this.#fieldStarted) {
      this.#inQuotes = true;
      this.#seen = true;
      this.#fieldStarted = true;
    } else {
      if (b === QUOTE) this.#problem ??= 'bad-quote';
      this.#store(b);
    }
  }
}

/** The records of a byte stream (a file's read stream), in order. */
export async function* readCsv(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxRecordBytes = MAX_RECORD_BYTES): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(maxRecordBytes);
  for await (const chunk of source) yield* parser.push(chunk);
  yield* parser.end();
}

/** One field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record, ended with CRLF (RFC 4180). */
export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => csvField(String(f))).join(',')}\r\n`;
}
