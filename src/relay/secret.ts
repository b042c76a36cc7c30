/**
 * The relay secret (CLI spec, CSV rules; wire spec 9): 32 random bytes in `<home>/relay.secret`
 * from which a relay import derives ids, tag keys and outbox refs (ids.ts). Without it nobody can
 * link a row's fields to its id or tag; with a passphrase set it is stored encrypted under it
 * (src/crypto/at-rest.ts), so that a seized device does not give it away.
 *
 * File: `{"v": 1, "secret": "<base64>"}` in the clear, or the at-rest sealed document of that
 * object. Created once (exclusively: two imports at once agree on one secret), mode 0600, fsync'd.
 * A clear file is sealed in place the first time a passphrase is given.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { AtRestError, isSealed, open as openSealed, seal, type KdfParams, SPEC_KDF } from '../crypto/at-rest.js';
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { englishText } from './messages.js';

export const SECRET_FILE = 'relay.secret';
const SECRET_BYTES = 32;

/** Options of {@link loadRelaySecret}. */
export interface SecretOptions {
  /** The passphrase (`SEALPOST_PASSPHRASE`); null or absent: none is set. */
  readonly passphrase?: string | null;
  /** scrypt parameters; tests only (the spec's are the default). */
  readonly kdf?: KdfParams;
}

function secretError(key: 'relay.secret.locked' | 'relay.secret.wrong-passphrase' | 'relay.secret.damaged', file: string, cause?: unknown): InputError {
  return new InputError('relay-secret-locked', englishText(key, { file }), { key, params: { file }, ...(cause ? { cause } : {}) });
}

async function writeNew(path: string, text: string, exclusive: boolean): Promise<boolean> {
  const tmp = exclusive ? path : `${path}.${randomBytes(6).toString('hex')}.tmp`;
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && exclusive) return false;
    throw e;
  }
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (!exclusive) await rename(tmp, path);
  return true;
}

function parseClear(value: unknown, file: string): Uint8Array {
  const v = value as { v?: unknown; secret?: unknown } | null;
  const secret = v && v.v === 1 && typeof v.secret === 'string' ? fromBase64(v.secret, SECRET_BYTES) : null;
  if (!secret) throw secretError('relay.secret.damaged', file);
  return secret;
}

/**
 * The relay secret of `home`, created on first use.
 * @throws InputError `relay-secret-locked` when the file is encrypted and no passphrase is set, the
 *   passphrase does not open it, or the file is damaged (the message says which)
 */
export async function loadRelaySecret(home: string, opts: SecretOptions = {}): Promise<Uint8Array> {
  const file = join(home, SECRET_FILE);
  const kdf = opts.kdf ?? SPEC_KDF;
  const passphrase = opts.passphrase ?? null;
  await mkdir(home, { recursive: true, mode: 0o700 });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const secret = new Uint8Array(randomBytes(SECRET_BYTES));
    const clear = { v: 1, secret: toBase64(secret) };
    const doc = passphrase ? await seal(clear, passphrase, kdf) : clear;
    if (await writeNew(file, JSON.stringify(doc), true)) return secret;
    text = await readFile(file, 'utf8'); // another import created it first: use theirs
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw secretError('relay.secret.damaged', file, cause);
  }
  if (!isSealed(doc)) {
    const secret = parseClear(doc, file);
    // Wire spec 9: with a passphrase, the secret is kept encrypted; seal a clear one now.
    if (passphrase) await writeNew(file, JSON.stringify(await seal(doc, passphrase, kdf)), false);
    return secret;
  }
  if (!passphrase) throw secretError('relay.secret.locked', file);
  try {
    return parseClear((await openSealed(doc, passphrase, kdf)).value, file);
  } catch (err) {
    if (err instanceof AtRestError) throw secretError(err.reason === 'wrong-passphrase' ? 'relay.secret.wrong-passphrase' : 'relay.secret.damaged', file, err);
    throw err;
  }
}
