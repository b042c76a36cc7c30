/**
 * `sealpost witness serve --keys <dir> --data <dir> [--listen 127.0.0.1:8090]` (CLI spec, wire spec
 * 5): a C2SP tlog-witness over the key `<keys>/witness.key`, its state in `<data>/logs/` (state.ts),
 * refused requests the log signed in `<data>/evidence/` (evidence.ts).
 * One process per data folder (`<data>/.lock`, taken over when its process is gone), so that two
 * witnesses never decide on one state.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, namingField } from '../../errors.js';
import { readSecretKeyFile } from '../../crypto/keys.js';
import { Cosigner } from '../../log/cosignature.js';
import { lockOutbox, OutboxBusy } from '../../outbox/lock.js';
import { dataDirError, listenError } from '../serve-errors.js';
import { englishText } from './messages.js';
import { WITNESS_KEY_FILE } from './keygen.js';
import { followedLogs } from './logs.js';
import { listenWitness } from './server.js';
import { StateStore } from './state.js';
import { EvidenceStore } from './evidence.js';
import { Witness } from './witness.js';

export const DEFAULT_WITNESS_LISTEN = '127.0.0.1:8090';

/** Options of {@link startWitness}. */
export interface WitnessServeOptions {
  /** The folder holding `witness.key` (from `keygen --witness`). */
  readonly keysDir: string;
  /** The state folder (made mode 0700). */
  readonly dataDir: string;
  /** `host:port` or `[v6]:port`; port 0 picks a free one. Default 127.0.0.1:8090. */
  readonly listen?: string;
  /** Center files whose received log is followed (origin `<name>/log`, key `logKey`). */
  readonly centerFiles?: readonly string[];
  /** Note keys (vkeys) of other logs followed; the origin is the key's name. */
  readonly logKeys?: readonly string[];
  /** Operational log lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Unix seconds for cosignature times (tests). */
  readonly now?: () => number;
}

/** A running witness. */
export interface WitnessServing {
  /** Its URL (the submission prefix), real port, trailing slash. */
  readonly url: URL;
  /** The witness's key name and C2SP vkey. */
  readonly name: string;
  readonly verifierKey: string;
  /** The origins it follows. */
  readonly origins: readonly string[];
  /** Stops accepting, lets the requests in flight finish (their state written), then frees the data folder. */
  close(): Promise<void>;
}

/** `host:port` or `[v6]:port` (as serve's --listen). Throws InputError `bad-listen`. */
function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : -1;
  if (!m || port > 65535) {
    throw new InputError('bad-listen', `bad listen address ${JSON.stringify(listen)}`, { key: 'center.error.bad-listen', params: { listen }, field: '--listen' });
  }
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * Starts a witness.
 * @throws InputError for bad flags or files, each naming its flag: `bad-listen`, `bad-key-file`
 *   (`--keys`), `bad-center-file` / `bad-flag` / `missing-flag` (`--log`, `--log-key`),
 *   `not-a-folder` / `no-permission` / `unreadable` (a damaged state) / `address-in-use` (`--data`
 *   held by another witness, or the address taken)
 */
export async function startWitness(opts: WitnessServeOptions): Promise<WitnessServing> {
  const listen = opts.listen ?? DEFAULT_WITNESS_LISTEN;
  const { host, port } = parseListen(listen);
  const key = await readSecretKeyFile(join(opts.keysDir, WITNESS_KEY_FILE), 'witness').catch((err: unknown) => {
    throw namingField(err, '--keys');
  });
  const logs = await followedLogs(opts.centerFiles ?? [], opts.logKeys ?? []);
  try {
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
    await chmod(opts.dataDir, 0o700);
  } catch (err) {
    throw dataDirError(err, opts.dataDir);
  }
  const unlock = await lockOutbox(opts.dataDir).catch((err: unknown) => {
    if (!(err instanceof OutboxBusy)) throw dataDirError(err, opts.dataDir);
    throw new InputError('address-in-use', `${opts.dataDir} is used by process ${err.pid}`, {
      cause: err,
      key: 'center.witness.busy',
      params: { dir: opts.dataDir, pid: err.pid },
      field: '--data',
    });
  });
  try {
    const state = await StateStore.open(join(opts.dataDir, 'logs'));
    const cosigner = new Cosigner(key.name, key.secretKey);
    const logLine = opts.log ?? ((line: string) => process.stderr.write(`sealpost: ${line}\n`));
    const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
    const evidence = new EvidenceStore(join(opts.dataDir, 'evidence'));
    const witness = new Witness({
      cosigner,
      logs,
      state,
      evidence: (body) => evidence.keep(body),
      onError: (err) => logLine(englishText('center.witness.evidence-failed', { message: message(err) })),
      ...(opts.now ? { now: opts.now } : {}),
    });
    const server = await listenWitness(witness, host, port, (err) => logLine(englishText('center.witness.state-failed', { message: message(err) }))).catch((err: unknown) => {
      throw listenError(err, listen);
    });
    let closed: Promise<void> | undefined;
    return {
      url: server.url,
      name: cosigner.name,
      verifierKey: cosigner.verifierKey,
      origins: [...logs.keys()],
      close: () => (closed ??= server.close().finally(unlock)),
    };
  } catch (err) {
    await unlock();
    throw err;
  }
}
