/**
 * `relay report` (issue 8, build point 2): ties each delivered row of a relay import, by its file
 * and line (never by a name: the outbox holds none), to its receipt, so that a volunteer can tell
 * each caller that their statement arrived. Only receipts kept with `--keep-receipts` can be tied;
 * a group statement is reported on the line of its first row (of its part, when split).
 */
import { toHex } from '../crypto/base64.js';
import { parseReceiptText } from '../crypto/receipt.js';
import { csvLine } from './csv.js';

/** What the report reads of an outbox item (src/outbox/outbox.ts `OutboxItem`). */
export interface ReportItem {
  readonly id: string;
  readonly state: string;
  readonly origin?: { readonly file: string; readonly line?: number; readonly block?: number };
  readonly receipt?: string;
}

/** One delivered row: where it came from and what its receipt says. */
export interface ReportRow {
  readonly file: string;
  readonly line: number;
  readonly envelope: string;
  readonly index: number;
  readonly hour: number;
  readonly receipt: string;
}

/** The report's rows and what could not be tied yet. */
export interface Report {
  readonly rows: ReportRow[];
  /** Imported rows still waiting for delivery (pending or failed). */
  readonly waiting: number;
}

/** The receipt's signed body, without the signature lines (spec 4). */
function receiptBody(note: string): string {
  const end = note.indexOf('\n\n');
  return end === -1 ? note : note.slice(0, end + 1);
}

/** The report of the imported items among `items`, sorted by file, then line. */
export function relayReport(items: readonly ReportItem[]): Report {
  const rows: ReportRow[] = [];
  let waiting = 0;
  for (const item of items) {
    const line = item.origin?.line;
    if (item.origin === undefined || line === undefined) continue; // not from a relay import
    if (item.state !== 'delivered' || item.receipt === undefined) {
      if (item.state !== 'delivered') waiting++;
      continue;
    }
    const f = parseReceiptText(receiptBody(item.receipt));
    rows.push({ file: item.origin.file, line, envelope: toHex(f.eh), index: f.index, hour: f.hour, receipt: item.receipt });
  }
  rows.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { rows, waiting };
}

/** The report as CSV: `file,line,envelope,index,hour` (the receipts themselves are in `--json`). */
export function reportCsv(rows: readonly ReportRow[]): string {
  return csvLine(['file', 'line', 'envelope', 'index', 'hour']) + rows.map((r) => csvLine([r.file, r.line, r.envelope, r.index, r.hour])).join('');
}
