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
import type { AppendItem, Entry, IntakeStore, StoredEntry } from '../../src/center/store.js';
import { parseListen, type ServeOptions, type Serving } from '../../src/center/serve.js';

export function memoryStore(): IntakeStore {
  const entries: StoredEntry[] = [];
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
      byIdem.set(key, e);
      return { index: e.index, eh: e.eh, blind, hour, fresh: true };
    },
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
  const server = createIntakeServer({
    store: memoryStore(),
    signer: new NoteSigner(key.name, key.secretKey),
    center,
    tls,
    log: opts.log,
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(routeList ? { routeList } : {}),
  });
  const url = await server.listen(host, port);
  return { url, center, close: () => server.close() };
}
