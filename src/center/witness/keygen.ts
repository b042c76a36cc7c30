/**
 * `sealpost keygen --witness --name <witness name> --out <dir>` (CLI spec, wire spec 5): a witness's
 * Ed25519 cosignature key, `witness.key` (secret, mode 0600, the JSON of every key file with kind
 * "witness") and `witness.vkey` (its C2SP vkey, signature type 0x04, for the centers' files).
 */
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { ed25519KeyPair } from '../../crypto/ed25519.js';
import { serializeSecretKeyFile, writeNew } from '../../crypto/keys.js';
import { isKeyName } from '../../crypto/note.js';
import { cosignatureVerifierKey } from '../../log/cosignature.js';

export const WITNESS_KEY_FILE = 'witness.key';
export const WITNESS_VKEY_FILE = 'witness.vkey';

/** What {@link generateWitnessKey} wrote. */
export interface WitnessKeyFiles {
  readonly name: string;
  /** The C2SP vkey (`<name>+<hex keyHash4>+<base64(0x04 || publicKey)>`). */
  readonly verifierKey: string;
  readonly keyFile: string;
  readonly vkeyFile: string;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes a new witness key pair into `outDir` (made mode 0700 when missing).
 * @throws InputError `bad-flag` (key `center.witness.bad-name`) for a name that is not a note key
 *   name; `exists` when either file is already there (nothing is written then)
 */
export async function generateWitnessKey(name: string, outDir: string): Promise<WitnessKeyFiles> {
  if (!isKeyName(name)) {
    throw new InputError('bad-flag', `bad witness name ${JSON.stringify(name)}`, { key: 'center.witness.bad-name', params: { name }, field: '--name' });
  }
  const keyFile = join(outDir, WITNESS_KEY_FILE);
  const vkeyFile = join(outDir, WITNESS_VKEY_FILE);
  // Both checked first, so that a refusal leaves no half pair behind.
  for (const f of [keyFile, vkeyFile]) {
    if (await exists(f)) throw new InputError('exists', `refusing to overwrite ${f}`, { key: 'crypto.key-exists', params: { file: f } });
  }
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const kp = ed25519KeyPair();
  const verifierKey = cosignatureVerifierKey(name, kp.publicKey);
  await writeNew(keyFile, serializeSecretKeyFile({ v: 1, kind: 'witness', name, secretKey: kp.seed, publicKey: kp.publicKey }), 0o600);
  await writeNew(vkeyFile, `${verifierKey}\n`, 0o644);
  return { name, verifierKey, keyFile, vkeyFile };
}
