/** A real center for tests: fresh keys, a real intake server on 127.0.0.1, a parsed center file. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { generateCenterKeys } from '../../src/crypto/keys.js';
import { startServe, type ServeOptions } from '../../src/center/serve.js';
import { startMemoryServe } from './memory-center.js';

export interface TestCenter {
  readonly url: URL;
  readonly center: Center;
  readonly dir: string;
  readonly keysDir: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

const tls = (f: string) => fileURLToPath(new URL(`../fixtures/tls/${f}`, import.meta.url));

export async function startCenter(opts: { tls?: boolean; name?: string } & Partial<ServeOptions> = {}): Promise<TestCenter> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-test-'));
  const keysDir = join(dir, 'keys');
  const dataDir = join(dir, 'data');
  await generateCenterKeys(opts.name ?? 'center.test', keysDir);
  const { tls: useTls, name: _n, ...rest } = opts;
  // The client tests of a client-only install have no better-sqlite3 (vitest.client.config.ts).
  const serve = process.env.SEALPOST_CLIENT_ONLY ? startMemoryServe : startServe;
  const server = await serve({
    keysDir,
    dataDir,
    listen: '127.0.0.1:0',
    ...(useTls ? { tlsCert: tls('center.pem'), tlsKey: tls('center-key.pem') } : {}),
    ...rest,
  });
  const center = parseCenterFile(await readFile(join(keysDir, 'center.json')));
  return {
    url: server.url,
    center,
    dir,
    keysDir,
    dataDir,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `c`'s center file with `fields` replaced (e.g. its routes or strategies) to `path`; returns `path`. */
export async function centerFileWith(c: TestCenter, path: string, fields: Record<string, unknown>): Promise<string> {
  const doc = JSON.parse(await readFile(join(c.keysDir, 'center.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...doc, ...fields }));
  return path;
}
