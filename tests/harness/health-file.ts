/**
 * A fresh health file whose salt gives every one of `routes` its own 8-bit cool-down tag (wire
 * spec 9: without a passphrase, cool-downs are kept under tags short enough to be ambiguous, so
 * two routes of a test can share one by chance, 1 in 256). Tests that assert per-route memory
 * seed the file with such a salt, so they cannot fail by that chance.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { routeTag } from '../../src/transport/race/health-net.js';
import type { Route } from '../../src/transport/routes/route.js';

export async function seedDistinctTags(home: string, routes: readonly Route[]): Promise<void> {
  for (let i = 0; i < 256; i++) {
    const salt = Buffer.alloc(16, i);
    if (new Set(routes.map((r) => routeTag(r, salt))).size < routes.length) continue;
    await mkdir(home, { recursive: true, mode: 0o700 });
    await writeFile(join(home, 'health.json'), JSON.stringify({ v: 2, salt: salt.toString('base64'), nets: {} }), { mode: 0o600 });
    return;
  }
  throw new Error('no salt separates these routes');
}
