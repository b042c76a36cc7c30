/**
 * `<home>/settings.json` (wire spec 9): `{"keepReceipts": true}` keeps receipts as the global
 * `--keep-receipts` does. A missing or unreadable file is no settings: it must never stop a delivery.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Settings {
  readonly keepReceipts: boolean;
}

export async function readSettings(home: string): Promise<Settings> {
  try {
    const s = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as { keepReceipts?: unknown };
    return { keepReceipts: s?.keepReceipts === true };
  } catch {
    return { keepReceipts: false };
  }
}
