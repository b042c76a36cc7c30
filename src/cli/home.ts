/**
 * Where sealpost keeps its state (CLI spec global options): `--home`, else `$SEALPOST_HOME`, else
 * the platform's data directory for "sealpost". Nothing is written outside it (spec 9).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { readCenterFile, type Center } from '../crypto/center-file.js';

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.SEALPOST_HOME) return resolve(env.SEALPOST_HOME);
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sealpost');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'sealpost');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'sealpost');
}

export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ? resolve(flag) : defaultHome(env);
}

/** The installed package's folder (dist/src/cli → package root). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/**
 * The center file: `--center`, else `<home>/center.json`, else the package's `config/center.json`;
 * never the current working folder (spec 1).
 */
export async function loadCenter(flag: string | undefined, home: string): Promise<Center> {
  if (flag) return readCenterFile(resolve(flag));
  for (const p of [join(home, 'center.json'), join(packageRoot(), 'config', 'center.json')]) {
    if (existsSync(p)) return readCenterFile(p);
  }
  throw new InputError('no-center', 'no center file', { key: 'cli.no-center', params: { home }, field: '--center' });
}
