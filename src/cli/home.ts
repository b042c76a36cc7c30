/**
 * Where sealpost keeps its state (CLI spec global options): `--home`, else `$SEALPOST_HOME`, else
 * the platform's data directory for "sealpost". Nothing is written outside it (spec 9).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, namingField } from '../errors.js';
import { parseCenterFile, readCenterFile, type Center } from '../crypto/center-file.js';
import { embeddedFile, EMBEDDED_CENTER, isSea } from '../exe/embedded.js';
import { loadSqlite } from '../center/deps.js';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SEALPOST_HOME) return resolve(env.SEALPOST_HOME);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sealpost');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'sealpost');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'sealpost');
}

export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ? resolve(flag) : defaultHome(env);
}

/**
 * The installed package's folder: the nearest parent holding sealpost's package.json (this file
 * runs from dist/src/cli, or bundled from dist/bin).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'sealpost') return dir;
    } catch {
      // no package.json here
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the sealpost package folder');
    dir = up;
  }
}

/**
 * Loads the intake server from the unbundled build (its worker threads are files beside it).
 * better-sqlite3 is checked first, from the CLI's own copy of the code, so that a client-only
 * install gets InputError `center-deps-missing` (exit 2) rather than a failed import (issue 7).
 */
export async function loadServe(): Promise<typeof import('../center/serve.js')> {
  loadSqlite();
  const url = pathToFileURL(join(packageRoot(), 'dist', 'src', 'center', 'serve.js')).href;
  return (await import(url)) as typeof import('../center/serve.js');
}

/**
 * The center file: `--center`, else `<home>/center.json`, else the package's `config/center.json`;
 * never the current working folder (spec 1).
 */
export async function loadCenter(flag: string | undefined, home: string): Promise<Center> {
  if (flag) {
    // A missing file says where a center file comes from and how to check it (issue 7, build point 4).
    const file = resolve(flag);
    if (!existsSync(file)) throw new InputError('no-center', `no center file at ${file}`, { key: 'cli.no-center-file', params: { file }, field: '--center' });
    // The file's own message names the file; the hint names the flag (issue 7).
    return readCenterFile(file).catch((err: unknown) => {
      throw namingField(err, '--center');
    });
  }
  const own = join(home, 'center.json');
  if (existsSync(own)) return readCenterFile(own);
  // A center's own executable carries its center file (issue 11; src/exe/embedded.ts).
  const embedded = embeddedFile(EMBEDDED_CENTER);
  if (embedded) return parseCenterFile(embedded, `embedded ${EMBEDDED_CENTER}`);
  if (isSea()) throw new InputError('no-center', 'no center file', { key: 'cli.no-center', params: { home }, field: '--center' });
  const shipped = join(packageRoot(), 'config', 'center.json');
  if (existsSync(shipped)) return readCenterFile(shipped);
  throw new InputError('no-center', 'no center file', { key: 'cli.no-center', params: { home }, field: '--center' });
}
