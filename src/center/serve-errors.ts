/**
 * `serve`'s startup failures that are the user's to fix — a flag's file, the data folder, the listen
 * address — as InputErrors naming the flag (issue 7: they exited 5 "internal error"). Anything
 * else stays as thrown: it is sealpost's failure, not the user's.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { InputError } from '../errors.js';

function errnoOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/** Reads the file given to `flag`; throws InputError `unreadable` naming the file, hinting at the flag. */
export async function readFlagFile(file: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    const errno = errnoOf(cause);
    const key = errno === 'ENOENT' ? 'center.error.no-file' : errno === 'EACCES' || errno === 'EPERM' ? 'center.error.file-permission' : 'center.error.unreadable';
    throw new InputError('unreadable', `cannot read ${file}`, { cause, key, params: { file }, field: flag });
  }
}

/** Checks that the two files are a PEM certificate and its private key, before anything opens. */
export function checkTlsPair(cert: Buffer, key: Buffer, files: { cert: string; key: string }): void {
  try {
    createSecureContext({ cert, key });
  } catch (cause) {
    throw new InputError('bad-tls', `${files.cert} and ${files.key} are not a certificate and its key`, {
      cause,
      key: 'center.error.bad-tls',
      params: files,
      field: '--tls-cert',
    });
  }
}

/** Maps a failure to make or use the data folder `dir`; other errors are returned as they are. */
export function dataDirError(err: unknown, dir: string): unknown {
  const errno = errnoOf(err);
  if (errno === 'EEXIST' || errno === 'ENOTDIR') {
    return new InputError('not-a-folder', `${dir} is not a folder`, { cause: err, key: 'center.error.data-not-folder', params: { dir }, field: '--data' });
  }
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') {
    return new InputError('no-permission', `no permission to use the folder ${dir}`, { cause: err, key: 'center.error.data-permission', params: { dir }, field: '--data' });
  }
  return err;
}

/** Maps a failure to listen on `listen`; other errors are returned as they are. */
export function listenError(err: unknown, listen: string): unknown {
  const errno = errnoOf(err);
  const mk = (code: 'address-in-use' | 'no-permission' | 'bad-listen', key: string) =>
    new InputError(code, `cannot listen on ${listen} (${errno})`, { cause: err, key, params: { listen }, field: '--listen' });
  if (errno === 'EADDRINUSE') return mk('address-in-use', 'center.error.address-in-use');
  if (errno === 'EACCES' || errno === 'EPERM') return mk('no-permission', 'center.error.listen-permission');
  if (errno === 'EADDRNOTAVAIL') return mk('bad-listen', 'center.error.address-not-local');
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN' || errno === 'EAI_NONAME' || errno === 'EAI_FAIL') return mk('bad-listen', 'center.error.listen-unknown-host');
  return err;
}
