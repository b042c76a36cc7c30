/**
 * A strict JSON parser (RFC 8259) for statements (wire spec 2): `JSON.parse` silently keeps the last
 * of two equal keys, so two readers could see two different statements in one envelope. This parser
 * rejects duplicate keys at any depth, escaped lone surrogates (`"\ud800"`), nesting deeper than
 * needed, and anything RFC 8259 does not allow. Objects it returns have no prototype, so a key
 * `__proto__` is an ordinary (and, for a statement, unknown) key.
 */
import type { InputError } from '../errors.js';
import type { InputCode } from '../error-codes.js';
import { isWellFormed } from './checks.js';
import { joinPath, statementError } from './error.js';

/** A statement nests 4 levels (statement, people, person, orgs); anything far deeper is hostile. */
export const MAX_DEPTH = 16;

/**
 * Parses one JSON text.
 * @throws InputError `bad-json` (syntax, a BOM, too deep, an escaped lone surrogate), or `duplicate-key`;
 *   `field` is the JSON path when known.
 */
export function parseJsonStrict(text: string): unknown {
  return new Parser(text).document();
}

/** RFC 8259 section 7: the two-character escapes. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  document(): unknown {
    if (this.s.charCodeAt(0) === 0xfeff) throw this.error('bad-json', 'statement.json.bom', {}, 0);
    this.ws();
    const v = this.value('', 0);
    this.ws();
    if (this.i < this.s.length) throw this.syntax();
    return v;
  }

  private value(path: string, depth: number): unknown {
    const c = this.s[this.i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) throw this.error('bad-json', 'statement.json.too-deep', { max: MAX_DEPTH }, this.i);
      return c === '{' ? this.object(path, depth + 1) : this.array(path, depth + 1);
    }
    if (c === '"') return this.string(path);
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }

  private object(path: string, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.i++; // {
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      if (this.s[this.i] !== '"') throw this.syntax();
      const at = this.i;
      const key = this.rawString();
      const field = joinPath(path, key);
      if (!isWellFormed(key)) throw this.error('bad-json', 'statement.json.lone-surrogate', { field }, at, field);
      if (Object.hasOwn(obj, key)) throw this.error('duplicate-key', 'statement.json.duplicate-key', { field }, at, field);
      this.ws();
      if (this.s[this.i] !== ':') throw this.syntax();
      this.i++;
      this.ws();
      obj[key] = this.value(field, depth);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return obj;
      if (c !== ',') throw this.syntax(this.i - 1);
      this.ws();
    }
  }

  private array(path: string, depth: number): unknown[] {
    const arr: unknown[] = [];
    this.i++; // [
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(joinPath(path, arr.length), depth));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return arr;
      if (c !== ',') throw this.syntax(this.i - 1);
      this.ws();
    }
  }

  /** A string value; lone surrogates are refused here so the error can point at them. */
  private string(path: string): string {
    const at = this.i;
    const v = this.rawString();
    // At the root there is no field to name, and a bare string is no statement anyway (validation says so).
    if (path !== '' && !isWellFormed(v)) throw this.error('bad-json', 'statement.json.lone-surrogate', { field: path }, at, path);
    return v;
  }

  private rawString(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) throw this.syntax();
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i++);
        return out;
      }
      if (c < 0x20) throw this.syntax(); // RFC 8259 section 7: control characters must be escaped
      if (c === 0x5c) {
        out += s.slice(run, this.i);
        out += this.escape();
        run = this.i;
      } else {
        this.i++;
      }
    }
  }

  private escape(): string {
    const e = this.s[this.i + 1];
    if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
      this.i += 2;
      return SIMPLE_ESCAPES[e] as string;
    }
    const hex = this.s.slice(this.i + 2, this.i + 6);
    if (e !== 'u' || !/^[0-9a-fA-F]{4}$/.test(hex)) throw this.syntax();
    this.i += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): number {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) throw this.syntax();
    this.i += r[0].length;
    return Number(r[0]);
  }

  private literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) throw this.syntax();
    this.i += word.length;
    return v;
  }

  /** RFC 8259 whitespace: space, tab, LF, CR and nothing else. */
  private ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  private syntax(at: number = this.i): InputError {
    return this.error('bad-json', 'statement.json.syntax', {}, at);
  }

  /** An error pointing at 1-based line and column (columns count code points). */
  private error(code: InputCode, key: string, params: Record<string, string | number>, at: number, field?: string): InputError {
    const before = this.s.slice(0, Math.min(at, this.s.length));
    const lineStart = before.lastIndexOf('\n') + 1;
    const line = before.split('\n').length;
    const column = Array.from(before.slice(lineStart)).length + 1;
    return statementError(code, key, { ...params, line, column }, field);
  }
}
