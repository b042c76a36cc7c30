/**
 * The center's native packages (issue 7, point 1): optional dependencies of sealpost, so that the
 * client installs without a compiler. They are loaded only when a center command runs.
 *
 * - better-sqlite3 is required: the intake store is SQLite. When it cannot be loaded (left out by
 *   `--omit=optional`, or installed without its native build), `serve` and `demo` exit 2 saying
 *   what to install, in the user's language.
 * - sodium-native is not: it only makes the intake's Ed25519 signing faster (~33 µs against
 *   ~64 µs on node:crypto). Without it the signing thread falls back to node:crypto
 *   (`sodiumSigner` returns null); Ed25519 is deterministic (RFC 8032), so every receipt is byte
 *   for byte the same either way.
 */
import { createRequire } from 'node:module';
import { isSea } from 'node:sea';
import type BetterSqlite3 from 'better-sqlite3';
import { InputError } from '../errors.js';
import { englishText } from './messages.js';

/**
 * The exact versions sealpost is tested with (package.json `optionalDependencies`). vega and
 * vega-lite draw the tally's report.html (pure JavaScript, loaded by src/center/tally/html/render.ts).
 */
export const CENTER_PACKAGES = { 'better-sqlite3': '12.6.2', 'sodium-native': '4.3.3', vega: '6.4.0', 'vega-lite': '6.4.3' } as const;

let loaded: typeof BetterSqlite3 | undefined;

/**
 * Loads better-sqlite3 and its native addon. Throws InputError `center-deps-missing` (key
 * `center.error.deps-missing`) when either cannot be loaded.
 */
export function loadSqlite(): typeof BetterSqlite3 {
  if (loaded) return loaded;
  // The single executable is the client alone (issue 11): the intake is not in it, and no
  // better-sqlite3 found beside it is loaded; installing one would not help, so it says where to go.
  if (isSea()) {
    throw new InputError('center-deps-missing', englishText('center.error.exe-client-only', {}), { key: 'center.error.exe-client-only', params: {} });
  }
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    // Its JavaScript loads without the addon (install scripts skipped): opening a database loads it.
    new Database(':memory:').close();
    loaded = Database;
    return Database;
  } catch (err) {
    const params = { package: 'better-sqlite3', version: CENTER_PACKAGES['better-sqlite3'] };
    throw new InputError('center-deps-missing', englishText('center.error.deps-missing', params), {
      cause: err,
      key: 'center.error.deps-missing',
      params,
    });
  }
}
