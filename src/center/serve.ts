/**
 * `sealpost serve` (CLI spec): the intake server over the SQLite store. Reads only `log.key`
 * (spec 1: the intake needs no other secret), stores in `<data>/intake.sqlite`.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, namingField } from '../errors.js';
import { centerNameFromKeyName, readSecretKeyFile } from '../crypto/keys.js';
import { createIntakeServer, type IntakeLimits } from './server.js';
import { NoteSigner } from '../crypto/note.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { loadSqlite } from './deps.js';
import { checkTlsPair, dataDirError, listenError, readFlagFile } from './serve-errors.js';
import { Checkpointer, DEFAULT_CHECKPOINT_INTERVAL_MS, type CosignHook } from './log/checkpoints.js';
import { writeCosigned } from './log/cosigned.js';
import { englishText } from './messages.js';
import { cosignerFromKeysDir } from './witness/from-center.js';

export { exportLog, type ExportResult } from './log/export.js';

export const DEFAULT_LISTEN = '127.0.0.1:8080';
export const DB_FILE = 'intake.sqlite';
/** The intake's connection cap when `limits.maxConnections` is not given (see server.ts). */
const DEFAULT_MAX_CONNECTIONS = 1024;

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** The folder of `keygen`'s key files; only `log.key` is read. */
  readonly keysDir: string;
  /** The data folder (made mode 0700, also when it exists); the tally later reads it. */
  readonly dataDir: string;
  /** `host:port` or `[v6]:port`; port 0 picks a free one. Default 127.0.0.1:8080. */
  readonly listen?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly limits?: IntakeLimits;
  /** Group commit size (1 = one commit and fsync per request). */
  readonly maxBatch?: number;
  /** Appends queued at most (default: half of `limits.maxConnections`). */
  readonly maxQueue?: number;
  readonly retryAfterSeconds?: number;
  readonly thread?: SqliteStoreOptions['thread'];
  /** Operational log lines (default: stderr); never an envelope's bytes or a client address. */
  readonly log?: (line: string) => void;
  /** A signed route list note (`routes sign`) to publish at `GET /v1/routes`. */
  readonly routes?: string;
  /**
   * How often a checkpoint of the received log is signed when it grew, in milliseconds (default
   * 1000; spec 5 promises one covering a receipt within 5 s).
   */
  readonly checkpointIntervalMs?: number;
  /**
   * Witness hook: called after each new checkpoint is signed and stored; the signature lines it
   * returns are appended to the note served at `GET /v1/checkpoint` (spec 5). Default: none.
   */
  readonly cosign?: CosignHook;
  /** Internal (benchmarks only): false runs the intake without the received log. */
  readonly receivedLog?: boolean;
}

/** A running intake server (from {@link startServe}). */
export interface Serving {
  /** The base URL, with the real port and a trailing slash. */
  readonly url: URL;
  /** The center name, from the log key's name. */
  readonly center: string;
  /** Stops the server, then commits what is queued and closes the store. */
  close(): Promise<void>;
  /** Signs a checkpoint now if the log grew (tests; the schedule does this every interval). */
  checkpoint(): Promise<void>;
}

/** Parses `host:port` / `[v6]:port`. Throws InputError `bad-listen`. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : -1;
  if (!m || port > 65535) {
    throw new InputError('bad-listen', `bad listen address ${JSON.stringify(listen)}`, {
      key: 'center.error.bad-listen',
      params: { listen },
      field: '--listen',
    });
  }
  return { host: (m[1] ?? m[2])!, port };
}

/** Makes the folder entry of a newly created file durable (POSIX: fsync the directory). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Starts the intake server (`sealpost serve`, spec 7) over the SQLite store in
 * `<dataDir>/intake.sqlite`. It reads only `log.key` from `keysDir` (spec 1).
 * @param opts the key and data folders, the address, TLS, limits
 * @returns the running server, once it listens
 * @throws InputError `center-deps-missing` when better-sqlite3 cannot be loaded (an optional
 *   dependency: install it); `bad-listen`, `tls-pair`, `bad-key-file`, `not-a-route-list`,
 *   `address-in-use` and the like for bad options or files (each naming its flag as `field`)
 * @example
 * ```ts
 * const server = await startServe({ keysDir: 'keys', dataDir: 'data', listen: '127.0.0.1:0' });
 * console.log(`listening on ${server.url}`);
 * await server.close();
 * ```
 */
export async function startServe(opts: ServeOptions): Promise<Serving> {
  // First, so that a client-only install says what to install before anything else (issue 7, point 1).
  loadSqlite();
  const { host, port } = parseListen(opts.listen ?? DEFAULT_LISTEN);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw new InputError('tls-pair', '--tls-cert and --tls-key go together', { key: 'center.error.tls-pair', field: '--tls-cert' });
  }
  // The key file's own message names the file; the hint names the flag (issue 7).
  const key = await readSecretKeyFile(join(opts.keysDir, 'log.key'), 'log').catch((err: unknown) => {
    throw namingField(err, '--keys');
  });
  const center = centerNameFromKeyName(key.name);
  const thread = opts.thread ?? 'auto';
  // With the store's worker thread, receipts are signed there, in the commit's own hand-off (one
  // thread hand-off per batch; measured against a separate signing thread: one thread fewer on 2
  // cores, no loss). The signer here signs only when the store runs on this thread.
  const signer = new NoteSigner(key.name, key.secretKey);
  let store;
  let checkpointer: Checkpointer | undefined;
  try {
    // The intake holds no routes key, so it cannot verify the list; clients do (spec 6). It only
  // checks that the file is a route list note of this center, to catch a wrong file early.
  const routeList = opts.routes === undefined ? undefined : (await readFlagFile(opts.routes, '--routes')).toString('utf8');
  if (routeList !== undefined && !routeList.startsWith(`sealpost/routes/v1\n${center}\n`)) {
    throw new InputError('not-a-route-list', `${opts.routes} is not a route list of ${center}`, {
      key: 'center.error.bad-route-list',
      params: { file: opts.routes!, center },
      field: '--routes',
    });
  }
  const tls = opts.tlsCert && opts.tlsKey ? { cert: await readFlagFile(opts.tlsCert, '--tls-cert'), key: await readFlagFile(opts.tlsKey, '--tls-key') } : undefined;
  if (tls) checkTlsPair(tls.cert, tls.key, { cert: opts.tlsCert!, key: opts.tlsKey! });
    try {
      await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
      // mkdir keeps the mode of a folder that exists (issue 6, finding 7): the envelopes are for the
      // tally machine alone (spec 9 in spirit).
      await chmod(opts.dataDir, 0o700);
    } catch (err) {
      throw dataDirError(err, opts.dataDir);
    }
    // Each connection has at most one request being stored, so a queue as long as the connection
    // cap would never fill: at half of it, a burst meets `503 overloaded` from the queue (issue 6,
    // finding 6) before the waits grow long.
    const maxConnections = opts.limits?.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    store = await openSqliteStore({
      path: join(opts.dataDir, DB_FILE),
      maxBatch: opts.maxBatch,
      maxQueue: opts.maxQueue ?? Math.max(1, Math.floor(maxConnections / 2)),
      retryAfterSeconds: opts.retryAfterSeconds,
      thread,
      // The store signs the log's checkpoints in its writer (off the request path), and receipts too with the worker.
      sign: { name: key.name, seed: key.secretKey },
      ...(opts.receivedLog === false ? { log: false } : {}),
    });
    await syncDir(opts.dataDir);
    const logLine = opts.log ?? ((line: string) => process.stderr.write(`sealpost: ${line}\n`));
    // Wire spec 5: the witnesses listed in <keys>/center.json cosign each new checkpoint (src/center/witness).
    const cosign = opts.cosign ?? (await cosignerFromKeysDir(opts.keysDir, signer, { log: logLine }));
    // The first checkpoint before listening: after a restart it covers every stored entry.
    checkpointer = store.log
      ? await Checkpointer.start({
          log: store.log,
          intervalMs: opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
          ...(cosign ? { cosign, onCosigned: (served) => writeCosigned(opts.dataDir, served.note) } : {}),
          onError: (what, err) =>
            logLine(englishText(what === 'cosign' ? 'center.log.cosign-failed' : 'center.log.checkpoint-failed', { message: err instanceof Error ? err.message : String(err) })),
        })
      : undefined;
    const cp = checkpointer;
    const logHttp = store.log && cp ? { served: () => cp.served, store: store.log } : undefined;
    const limits = { ...(opts.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: opts.retryAfterSeconds }), ...opts.limits };
    const server = createIntakeServer({ store, signer, center, limits, tls, log: opts.log, ...(routeList ? { routeList } : {}), ...(logHttp ? { receivedLog: logHttp } : {}) });
    const url = await server.listen(host, port).catch((err: unknown) => {
      throw listenError(err, opts.listen ?? DEFAULT_LISTEN);
    });
    const open = store;
    let closed: Promise<void> | undefined;
    return {
      url,
      center,
      close() {
        // In-flight requests finish (their entries are committed and signed), a last checkpoint
        // covers them, then the store closes.
        closed ??= server
          .close()
          .then(() => cp?.stop())
          // A failure here only delays coverage: the next start signs one first.
          .then(() => open.log?.checkpoint().catch((err: unknown) => logLine(englishText('center.log.checkpoint-failed', { message: err instanceof Error ? err.message : String(err) }))))
          .then(
            () => open.close(),
            async (err: unknown) => {
              await open.close();
              throw err;
            },
          );
        return closed;
      },
      checkpoint: () => cp?.tick() ?? Promise.resolve(),
    };
  } catch (err) {
    await checkpointer?.stop();
    await store?.close();
    throw err;
  }
}
