/**
 * relay report (issue 8, build point 2): each delivered imported row, by file and line (never a
 * name), tied to its kept receipt; rows still waiting counted; envelopes not from an import left out.
 */
import { describe, expect, it } from 'vitest';
import { receiptBody } from '../../src/crypto/receipt.js';
import { relayReport, reportCsv } from '../../src/relay/report.js';

const note = (eh: number, index: number) =>
  `${receiptBody({ center: 'c.example', eh: new Uint8Array(32).fill(eh), blind: new Uint8Array(16), index, hour: 480000 })}\n— c.example/log AAAA\n`;

describe('relay report', () => {
  it('ties delivered rows to their receipts by file and line, sorted, and counts the waiting ones', () => {
    const items = [
      { id: 'a', state: 'delivered', origin: { file: '/v/b.csv', line: 9 }, receipt: note(1, 7) },
      { id: 'b', state: 'delivered', origin: { file: '/v/a.csv', line: 12 }, receipt: note(2, 3) },
      { id: 'c', state: 'delivered', origin: { file: '/v/a.csv', line: 2 }, receipt: note(3, 5) },
      { id: 'd', state: 'pending', origin: { file: '/v/a.csv', line: 4 } },
      { id: 'e', state: 'delivered', origin: { file: '/v/x.txt', block: 1 }, receipt: note(4, 1) },
      { id: 'f', state: 'pending' },
    ];
    const r = relayReport(items);
    expect(r.waiting).toBe(1);
    expect(r.rows.map((x) => [x.file, x.line, x.index])).toEqual([
      ['/v/a.csv', 2, 5],
      ['/v/a.csv', 12, 3],
      ['/v/b.csv', 9, 7],
    ]);
    expect(r.rows[0]!.envelope).toBe('03'.repeat(32));
    expect(reportCsv(r.rows).split('\r\n')[1]).toBe(`/v/a.csv,2,${'03'.repeat(32)},5,480000`);
  });
});
