/**
 * The route list a client holds (wire spec 6): `<home>/routes.note`, the signed note exactly as
 * received, mode 0600, replaced atomically (write to a temporary file, fsync, rename) and only
 * after the new note verified — so a refused note never touches the held one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Center } from '../../crypto/center-file.js';
import { embeddedFile, EMBEDDED_ROUTES } from '../../exe/embedded.js';
import { MAX_ROUTE_LIST_BYTES, openRouteList, verifyRouteList, type RouteList } from './route-list.js';

export const ROUTE_LIST_FILE = 'routes.note';

export function routeListPath(home: string): string {
  return join(home, ROUTE_LIST_FILE);
}

/** The held note's text, or null when there is none (or it cannot be read, or is oversized). */
export async function readHeldNote(home: string): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(routeListPath(home));
  } catch {
    // A center's own executable may carry its route list (issue 11; src/exe/embedded.ts).
    const embedded = embeddedFile(EMBEDDED_ROUTES);
    if (!embedded) return null;
    bytes = Buffer.from(embedded);
  }
  return bytes.length > MAX_ROUTE_LIST_BYTES ? null : bytes.toString('utf8');
}

/**
 * The held list when it still verifies for `center` (signature, lines, routes) and has not
 * expired at `now`; null otherwise, and the caller falls back to the center file's routes
 * (spec 6). Never throws for a bad or missing file.
 */
export async function loadHeldRoutes(home: string, center: Center, now: number | Date = Date.now()): Promise<RouteList | null> {
  const note = await readHeldNote(home);
  if (note === null) return null;
  try {
    // No `held`: this is the held list. A list issued > 1 h ahead stays unused, as when it came.
    return verifyRouteList(note, { center, now });
  } catch {
    return null;
  }
}

/**
 * The held list's signature-checked contents regardless of its times, for the rollback check: an
 * expired held list still forbids older ones. Null when there is none or it is not this center's.
 */
export async function heldForRollback(home: string, center: Center): Promise<RouteList | null> {
  const note = await readHeldNote(home);
  if (note === null) return null;
  try {
    return openRouteList(note, center);
  } catch {
    return null;
  }
}

/**
 * Verifies `note` (spec 6, no rollback against the held list) and only then replaces the held
 * list. Returns the new list. Throws VerifyError when the note is refused — the held list is
 * untouched — or a plain Error when the file cannot be written.
 */
export async function storeRouteList(home: string, note: string, center: Center, now: number | Date = Date.now()): Promise<RouteList> {
  const held = await heldForRollback(home, center);
  const list = verifyRouteList(note, { center, now, held });
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFileAtomic(routeListPath(home), note, { mode: 0o600, fsync: true });
  return list;
}
