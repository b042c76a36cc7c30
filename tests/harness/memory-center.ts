/**
 * The intake server over an in-memory store, for the client tests of a client-only install
 * (`npm ci --omit=optional`, issue 7 point 1): no better-sqlite3 there, so `startServe` cannot
 * run, but the HTTP intake (src/center/server.ts) is pure JavaScript. The store keeps the
 * IntakeStore contract (src/center/store.ts) except durability.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSecretKeyFile, centerNameFromKeyName } from '../../src/crypto/keys.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { hourOf, receivedLeaf } from '../../src/center/leaf.js';
import { createIntakeServer } from '../../src/center/server.js';
import type { AppendItem, Entry, IntakeStore, ReceivedLogStore, StoredCheckpoint, StoredEntry } from '../../src/center/store.js';
import { Checkpointer } from '../../src/center/log/checkpoints.js';
import { leafHash, MemoryHashes, runSync, treeHashPlan } from '../../src/log/merkle.js';
import { signCheckpoint } from '../../src/log/checkpoint.js';
import { parseListen, type ServeOptions, type Serving } from '../../src/center/serve.js';

/** The received log over the entries, its hashes in memory; checkpoints signed by `signer` (spec 5). */
function memoryLog(entries: readonly StoredEntry[], hashes: MemoryHashes, signer?: NoteSigner): ReceivedLogStore {
  let latest: StoredCheckpoint | undefined;
  return {
    async checkpoint() {
      if (!signer) throw new Error('the store has no log key to sign checkpoints');
      const size = hashes.size;
      if (latest && latest.size >= size) return latest;
      const root = runSync(treeHashPlan(size), (p) => hashes.readHashes(p));
      latest = { size, note: signCheckpoint(signer, { origin: signer.name, size, root }) };
      return latest;
    },
    readHashes: async (positions) => hashes.readHashes(positions),
    leaves: async (from, count) => entries.slice(from, from + count).map((e) => e.leaf),
  };
}

export function memoryStore(signer?: NoteSigner): IntakeStore & { log: ReceivedLogStore } {
  const entries: StoredEntry[] = [];
  const hashes = new MemoryHashes();
  const byIdem = new Map<string, StoredEntry>();
  let closed = false;
  return {
    async append(item: AppendItem): Promise<Entry> {
      if (closed) throw new Error('store is closed');
      const key = Buffer.from(item.idem).toString('hex');
      const found = byIdem.get(key);
      if (found) return { index: found.index, eh: found.eh, blind: found.blind, hour: found.hour, fresh: false };
      const blind = new Uint8Array(randomBytes(16));
      const hour = hourOf(Date.now());
      const e: StoredEntry = { index: entries.length, eh: item.eh, blind, hour, leaf: receivedLeaf(blind, item.eh, hour), envelope: item.envelope };
      entries.push(e);
      hashes.append(leafHash(e.leaf));
      byIdem.set(key, e);
      return { index: e.index, eh: e.eh, blind, hour, fresh: true };
    },
    log: memoryLog(entries, hashes, signer),
    count: async () => entries.length,
    entry: async (index) => entries[index],
    async *iterate(from = 0) {
      for (let i = from; i < entries.length; i++) yield entries[i]!;
    },
    close: async () => {
      closed = true;
    },
  };
}

/** `startServe` with the memory store: the same keys, limits, TLS and route list. */
export async function startMemoryServe(opts: ServeOptions): Promise<Serving> {
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:0');
  const key = await readSecretKeyFile(join(opts.keysDir, 'log.key'), 'log');
  const center = centerNameFromKeyName(key.name);
  const tls = opts.tlsCert && opts.tlsKey ? { cert: await readFile(opts.tlsCert), key: await readFile(opts.tlsKey) } : undefined;
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const routeList = opts.routes === undefined ? undefined : await readFile(opts.routes, 'utf8');
  const signer = new NoteSigner(key.name, key.secretKey);
  const store = memoryStore(signer);
  const checkpoints = await Checkpointer.start({ log: store.log, ...(opts.checkpointIntervalMs ? { intervalMs: opts.checkpointIntervalMs } : {}), ...(opts.cosign ? { cosign: opts.cosign } : {}) });
  const server = createIntakeServer({
    store,
    signer,
    receivedLog: { served: () => checkpoints.served, store: store.log },
    center,
    tls,
    log: opts.log,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(routeList ? { routeList } : {}),
  });
  const url = await server.listen(host, port);
  return {
    url,
    center,
    close: async () => {
      await server.close();
      await checkpoints.stop();
    },
    checkpoint: () => checkpoints.tick(),
  };
}
