/**
 * The SQLite implementation of `IntakeStore` with group commit: appends queue up and are
 * committed together in one transaction, so one WAL fsync makes a whole batch durable. A batch
 * is flushed on `setImmediate` (after the event loop has read what the sockets hold), and the next
 * one only when the previous commit has finished; whatever arrives meanwhile joins it.
 *
 * The writes run in a worker thread (`sqlite-worker.ts`) when the compiled worker module is
 * there, so that HTTP parsing and receipt signing go on during the fsync; otherwise (for
 * instance when the sources run under vitest) on the main thread. Reads use their own
 * connection (WAL readers never block the writer).
 */
import { existsSync } from 'node:fs';
import { chmod, open as openFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendItem, Entry, IntakeStore, ReceivedLogStore, StoredCheckpoint, StoredEntry } from './store.js';
import { NoteSigner } from '../crypto/note.js';
import { OverloadedError } from './store.js';
import { IntakeDb } from './sqlite-db.js';
import { packItems, unpackResults } from './sqlite-wire.js';
import type { FromWorker, ToWorker } from './sqlite-worker.js';

export interface SqliteStoreOptions {
  /** The database file, e.g. `<data>/intake.sqlite`; created when missing. */
  readonly path: string;
  /** Most appends per transaction (default 1024); 1 commits and fsyncs every append alone. */
  readonly maxBatch?: number;
  /** Most appends queued or committing (default 4096); beyond, append rejects with OverloadedError. */
  readonly maxQueue?: number;
  /** The Retry-After hint of OverloadedError, seconds (default 2). */
  readonly retryAfterSeconds?: number;
  /** Where the writes run: 'auto' (default) uses the worker when its compiled module exists. */
  readonly thread?: 'auto' | 'worker' | 'main';
  /**
   * The log key (`<center>/log` and its seed): signs the received log's checkpoints (in the writer
   * thread), and with the worker each entry comes back with its receipt signed right after the
   * commit, in the same thread hand-off (on the main thread the server signs receipts).
   */
  readonly sign?: { readonly name: string; readonly seed: Uint8Array };
  /**
   * Keep the received log with each commit (default true). Internal: false only for a
   * benchmark's baseline; `log` is then undefined.
   */
  readonly log?: boolean;
  /** Test hook: awaited before each batch is committed, with the batch size. */
  readonly beforeCommit?: (size: number) => void | Promise<void>;
}

interface Pending {
  readonly item: AppendItem;
  resolve(e: Entry): void;
  reject(err: unknown): void;
}

interface Committer {
  commit(items: readonly AppendItem[]): Promise<Entry[]>;
  checkpoint(): Promise<StoredCheckpoint>;
  close(): Promise<void>;
}

const WORKER_URL = new URL('./sqlite-worker.js', import.meta.url);

/**
 * The database and its WAL and shared-memory files, mode 0600 (issue 6, finding 7): SQLite
 * creates them 0644 (less the umask), and the WAL and SHM files with the database file's mode
 * (os_unix.c), so the database is created 0600 first and files of an older run are narrowed.
 */
async function makePrivate(path: string): Promise<void> {
  await (await openFile(path, 'a', 0o600)).close();
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    await chmod(f, 0o600).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
const PAGE = 256;

function mainCommitter(db: IntakeDb, sign?: SqliteStoreOptions['sign']): Committer {
  const signer = sign ? new NoteSigner(sign.name, sign.seed) : undefined;
  return {
    commit: async (items) => db.commit(items),
    checkpoint: async () => {
      if (!signer) throw new Error('the store has no log key to sign checkpoints');
      return db.checkpoint(signer);
    },
    close: async () => db.close(),
  };
}

async function workerCommitter(path: string, sign: SqliteStoreOptions['sign'], log: boolean): Promise<Committer> {
  const worker = new Worker(WORKER_URL, { workerData: { path, log, ...(sign ? { sign: { name: sign.name, seed: Uint8Array.from(sign.seed) } } : {}) } });
  const waiting = new Map<number, { items: readonly AppendItem[]; resolve(e: Entry[]): void; reject(err: unknown): void }>();
  const checkpoints = new Map<number, { resolve(c: StoredCheckpoint): void; reject(err: unknown): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let onClosed: (() => void) | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    for (const w of [...waiting.values(), ...checkpoints.values()]) w.reject(failure);
    waiting.clear();
    checkpoints.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'error') {
        reject(new Error(m.message));
        void worker.terminate();
      }
      else if (m.type === 'closed') onClosed?.();
      else if (m.type === 'checkpointed' || (m.type === 'failed' && checkpoints.has(m.id))) {
        const w = checkpoints.get(m.id);
        checkpoints.delete(m.id);
        if (m.type === 'checkpointed') w?.resolve({ size: m.size, note: m.note });
        else w?.reject(new Error(m.message));
      } else {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (!w) return;
        if (m.type === 'done') {
          const entries = unpackResults(m.results, w.items);
          const receipts = m.receipts;
          w.resolve(receipts ? entries.map((e, i) => ({ ...e, receipt: receipts[i]! })) : entries);
        }
        else w.reject(new Error(m.message));
      }
    });
    worker.on('error', (err) => {
      reject(err);
      fail(err);
    });
    worker.on('exit', (code) => {
      const err = new Error(`store worker exited (${code})`);
      reject(err);
      fail(err);
      onClosed?.();
    });
  });
  const send = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
  return {
    commit(items) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { items, resolve, reject });
        const buf = packItems(items);
        send({ type: 'commit', id, items: buf }, [buf]);
      });
    },
    checkpoint() {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        checkpoints.set(id, { resolve, reject });
        send({ type: 'checkpoint', id });
      });
    },
    async close() {
      if (failure) return;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        send({ type: 'close' });
      });
      failure = new Error('store is closed');
    },
  };
}

export class SqliteStore implements IntakeStore {
  readonly #committer: Committer;
  readonly #reader: IntakeDb;
  readonly #ownsReader: boolean;
  readonly #maxBatch: number;
  readonly #maxQueue: number;
  readonly #retryAfter: number;
  readonly #beforeCommit: ((size: number) => void | Promise<void>) | undefined;
  readonly #pending: Pending[] = [];
  /** Appends in the batch being committed. */
  #inflight = 0;
  /**
   * One batch at a time: the next is cut when the previous commit returns, so that everything
   * that arrived meanwhile joins it. (Handing the worker a second batch while one commits was
   * measured: no gain in grouped throughput.)
   */
  #busy = false;
  #scheduled = false;
  #closing = false;
  #closed: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  /** Whether the writes run in a worker thread. */
  readonly inWorker: boolean;
  /** The received log (spec 5), unless the store was opened with `log: false`. */
  readonly log: ReceivedLogStore | undefined;

  private constructor(committer: Committer, reader: IntakeDb, ownsReader: boolean, inWorker: boolean, opts: SqliteStoreOptions) {
    this.#committer = committer;
    this.#reader = reader;
    this.#ownsReader = ownsReader;
    this.inWorker = inWorker;
    this.#maxBatch = Math.max(1, opts.maxBatch ?? 1024);
    this.#maxQueue = Math.max(1, opts.maxQueue ?? 4096);
    this.#retryAfter = opts.retryAfterSeconds ?? 2;
    this.#beforeCommit = opts.beforeCommit;
    this.log = opts.log === false ? undefined : this.#logStore();
  }

  #logStore(): ReceivedLogStore {
    return {
      checkpoint: () => (this.#closing ? Promise.reject(new Error('store is closed')) : this.#committer.checkpoint()),
      // The reader's connection: stored hashes are immutable, so no transaction is needed.
      readHashes: async (positions) => this.#reader.log.readHashes(positions),
      leaves: async (from, count) => this.#reader.leaves(from, count),
    };
  }

  /** True when the compiled worker module exists (not when the sources run under vitest). */
  static workerAvailable(): boolean {
    return existsSync(fileURLToPath(WORKER_URL));
  }

  /** Opens (and creates or migrates) the database. Throws when it cannot be opened. */
  static async open(opts: SqliteStoreOptions): Promise<SqliteStore> {
    await makePrivate(opts.path);
    const thread = opts.thread ?? 'auto';
    const useWorker = thread === 'worker' || (thread === 'auto' && SqliteStore.workerAvailable());
    if (!useWorker) {
      const db = new IntakeDb(opts.path, { log: opts.log !== false });
      return new SqliteStore(mainCommitter(db, opts.sign), db, false, false, opts);
    }
    const committer = await workerCommitter(opts.path, opts.sign, opts.log !== false);
    let reader: IntakeDb;
    try {
      reader = new IntakeDb(opts.path, { readonly: true });
    } catch (err) {
      await committer.close();
      throw err;
    }
    return new SqliteStore(committer, reader, true, true, opts);
  }

  append(item: AppendItem): Promise<Entry> {
    if (item.idem?.length !== 32 || item.eh?.length !== 32 || !(item.envelope instanceof Uint8Array)) {
      return Promise.reject(new RangeError('append: idem and eh must be 32 bytes, envelope a Uint8Array'));
    }
    if (this.#closing) return Promise.reject(new Error('store is closed'));
    if (this.#pending.length + this.#inflight >= this.#maxQueue) {
      return Promise.reject(new OverloadedError(this.#retryAfter));
    }
    return new Promise<Entry>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#busy || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#busy || this.#pending.length === 0) return;
    this.#busy = true;
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.#inflight = batch.length;
    try {
      await this.#beforeCommit?.(batch.length);
      const entries = await this.#committer.commit(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(entries[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.#inflight = 0;
      this.#busy = false;
      if (this.#pending.length > 0) this.#schedule();
      else this.#drained?.();
    }
  }

  async count(): Promise<number> {
    return this.#reader.count();
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('index must be a non-negative integer');
    return this.#reader.entry(index);
  }

  async *iterate(from = 0): AsyncIterable<StoredEntry> {
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError('from must be a non-negative integer');
    // Pages rather than one open cursor: no statement stays busy across the consumer's awaits.
    for (let at = from; ; ) {
      const page = this.#reader.page(at, PAGE);
      yield* page;
      if (page.length < PAGE) return;
      at = page[page.length - 1]!.index + 1;
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      if (this.#busy || this.#pending.length > 0) {
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
          this.#schedule();
        });
      }
      await this.#committer.close();
      if (this.#ownsReader) this.#reader.close();
    })();
    return this.#closed;
  }
}

/** Opens the SQLite intake store. */
export function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(opts);
}
