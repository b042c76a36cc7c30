/**
 * The intake's witnesses (wire spec 5): the `witnesses` of the center file that `keygen` wrote next
 * to the keys (`<keys>/center.json`, which the operator edits to list them and then publishes). No
 * file, or no witnesses in it: no hook, checkpoints are served with the log's signature only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, namingField } from '../../errors.js';
import { readCenterFile } from '../../crypto/center-file.js';
import { witnessCosigner, type CollectOptions, type Cosign } from './collect.js';

/**
 * The cosign hook for the witnesses listed in `<keysDir>/center.json`, or undefined when there are none.
 * @param logKey the intake's log key: the center file must be this center's
 * @throws InputError `bad-center-file` (naming `--keys`) for a center file that cannot be read or
 *   parsed, or that belongs to another log key; a listed witness must not be silently dropped
 */
export async function cosignerFromKeysDir(keysDir: string, logKey: { readonly name: string; readonly publicKey: Uint8Array }, opts: CollectOptions = {}): Promise<Cosign | undefined> {
  const file = join(keysDir, 'center.json');
  if (!existsSync(file)) return undefined;
  const center = await readCenterFile(file).catch((err: unknown) => {
    throw namingField(err, '--keys');
  });
  if (center.logKey.name !== logKey.name || !Buffer.from(center.logKey.publicKey).equals(logKey.publicKey)) {
    throw new InputError('bad-center-file', `${file}: logKey is not the key of log.key`, {
      key: 'crypto.bad-center-file',
      params: { file, why: 'logKey is not the key of log.key' },
      field: '--keys',
    });
  }
  return center.witnesses.length > 0 ? witnessCosigner(center.witnesses, opts) : undefined;
}
