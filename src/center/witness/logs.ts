/**
 * Which logs a witness follows (c2sp.org/tlog-witness: "each witness is configured with a list of
 * supported log public keys", a log being known by its origin). `witness serve` takes them as
 * `--log <center file>` (the center's received log: origin `<name>/log`, key the file's `logKey`,
 * wire spec 5) and `--log-key <vkey>` (any C2SP log whose checkpoints are signed by that Ed25519 note
 * key; the origin is the key's name, as for sealpost's logs).
 */
import { InputError, namingField } from '../../errors.js';
import { readCenterFile } from '../../crypto/center-file.js';
import { parseVerifierKey, type Verifier } from '../../crypto/note.js';

/**
 * The followed logs, origin -> key.
 * @throws InputError `bad-center-file` for a center file that cannot be read or parsed, `bad-flag`
 *   for a bad vkey or an origin given twice, `missing-flag` when there is no log at all
 */
export async function followedLogs(centerFiles: readonly string[], vkeys: readonly string[]): Promise<Map<string, Verifier>> {
  const logs = new Map<string, Verifier>();
  const add = (key: Verifier, flag: string) => {
    if (logs.has(key.name)) {
      throw new InputError('bad-flag', `the log ${key.name} is given twice`, { key: 'center.witness.duplicate-log', params: { origin: key.name }, field: flag });
    }
    logs.set(key.name, key);
  };
  for (const file of centerFiles) {
    const center = await readCenterFile(file).catch((err: unknown) => {
      throw namingField(err, '--log');
    });
    add(center.logKey, '--log');
  }
  for (const vkey of vkeys) {
    let key: Verifier;
    try {
      key = parseVerifierKey(vkey);
    } catch (cause) {
      throw new InputError('bad-flag', `bad log key ${vkey}`, { cause, key: 'center.witness.bad-log-key', params: { key: vkey }, field: '--log-key' });
    }
    add(key, '--log-key');
  }
  if (logs.size === 0) throw new InputError('missing-flag', 'no log to witness', { key: 'center.witness.no-logs', field: '--log' });
  return logs;
}
