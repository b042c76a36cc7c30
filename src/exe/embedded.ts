/**
 * Files a center built into its own executable (issue 11, build point 2:
 * `npm run build:exe -- --center center.json [--routes routes.note]`), stored as SEA assets. The
 * CLI falls back to them after `--center` and the home folder's files, so the center's users need
 * nothing else. Outside a single-executable application there are none.
 */
import { getAsset, isSea as seaCheck } from 'node:sea';

/** The asset names scripts/build-exe.mjs stores the files under. */
export const EMBEDDED_CENTER = 'center.json';
export const EMBEDDED_ROUTES = 'routes.note';

/**
 * An embedded file's bytes, or null when this is not an executable or it holds no such asset
 * (`getAsset` throws for a missing key: the build decides what is there, never an error here).
 */
export function embeddedFile(name: string): Uint8Array | null {
  try {
    return seaCheck() ? new Uint8Array(getAsset(name)) : null;
  } catch {
    return null;
  }
}

/** True in a single-executable application (there is no package folder then). */
export function isSea(): boolean {
  return seaCheck();
}
