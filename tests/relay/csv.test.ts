/**
 * The streaming CSV reader of relay import (issue 8, build point 2): RFC 4180 quoting, CRLF, line
 * breaks inside quotes counted in the line numbers, a BOM, bad UTF-8 rejecting only its record,
 * and any chunking of the input giving the same records.
 */
import { describe, expect, it } from 'vitest';
import { CsvParser, csvLine, readCsv, type CsvRecord } from '../../src/relay/csv.js';

const enc = new TextEncoder();

function parse(input: Uint8Array | string, chunk = Infinity, max?: number): CsvRecord[] {
  const bytes = typeof input === 'string' ? enc.encode(input) : input;
  const p = new CsvParser(max);
  const out: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunk === Infinity ? bytes.length : chunk) out.push(...p.push(bytes.subarray(i, i + (chunk === Infinity ? bytes.length : chunk))));
  out.push(...p.end());
  return out;
}

describe('CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines inside quotes', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"line one\r\nline two\nline three",z\r\n3,,\r\n';
    const recs = parse(text);
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'line one\r\nline two\nline three', 'z'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  it('gives the same records for every chunking of the input (CRLF and multi-byte characters cut anywhere)', () => {
    const text = '\uFEFFname,text\r\n小李,"第一行\r\n第二行"\r\n"张,三",x\rlast,"y"';
    const whole = parse(text);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 5]);
    expect(whole[0]!.fields).toEqual(['name', 'text']);
    for (const chunk of [1, 2, 3, 5, 7]) expect(parse(text, chunk)).toEqual(whole);
  });

  it('skips a UTF-8 BOM, blank lines, and a final line without a line break', () => {
    expect(parse('\uFEFFa\n\n\nb\n')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
    expect(parse('a,b')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(parse('')).toEqual([]);
  });

  it('rejects a record with bad UTF-8 on its own line, and reads the next one', () => {
    const bytes = new Uint8Array([...enc.encode('h\nok\n'), 0x41, 0xff, 0x42, 0x0a, ...enc.encode('"q\n\xe4"\nafter\n')]);
    const recs = parse(bytes);
    expect(recs[2]).toMatchObject({ line: 3, problem: 'bad-utf8', fields: ['A\uFFFDB'] });
    expect(recs[3]).toEqual({ line: 4, fields: ['q\n\u00e4'] });
    expect(recs[4]).toEqual({ line: 6, fields: ['after'] });
  });

  it('reports broken quoting on the record it breaks: a quote inside an unquoted field, text after a closing quote, an unterminated quote', () => {
    expect(parse('a"b,c\nok\n')).toEqual([{ line: 1, fields: ['a"b', 'c'], problem: 'bad-quote' }, { line: 2, fields: ['ok'] }]);
    expect(parse('"a"b,c\nok\n')[0]).toMatchObject({ line: 1, problem: 'bad-quote' });
    expect(parse('ok\n"open,\nmore\n')).toEqual([{ line: 1, fields: ['ok'] }, { line: 2, fields: ['open,\nmore\n'], problem: 'bad-quote' }]);
  });

  it('keeps memory bounded: a record over the limit is reported too-long and the next one is read', () => {
    const recs = parse(`${'x'.repeat(5000)},y\nnext\n`, 1000, 1024);
    expect(recs).toEqual([{ line: 1, fields: ['', ''], problem: 'too-long' }, { line: 2, fields: ['next'] }]);
  });

  it('reads a stream and writes RFC 4180 lines that read back the same', async () => {
    const fields = ['plain', 'with, comma', 'with "quote"', 'two\nlines', ''];
    async function* source() {
      yield enc.encode(csvLine(fields));
      yield enc.encode(csvLine([1, 'x']));
    }
    const recs: CsvRecord[] = [];
    for await (const r of readCsv(source())) recs.push(r);
    expect(recs).toEqual([{ line: 1, fields }, { line: 3, fields: ['1', 'x'] }]);
  });
});
