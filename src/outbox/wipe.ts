/**
 * `sealpost wipe` (CLI spec, wire spec 9): removes what a seized device must not show — the
 * outbox with its tokens and kept receipts, the kept statement tags and the relay's HMAC secret.
 * Route memory and the center file are not the user's statements and stay.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './durable.js';
import { lockOutbox } from './lock.js';

/** What wipe removes, relative to the home folder. */
export const WIPED = ['outbox', 'tags', 'tags.json', 'relay.secret'] as const;

/** The entries of {@link WIPED} that exist in `home`. */
export async function wipeTargets(home: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of WIPED) if (await stat(join(home, name)).catch(() => null)) found.push(name);
  return found;
}

/**
 * Removes them (after taking the outbox lock, so that no flush writes a receipt back meanwhile).
 * @returns the names removed
 * @throws OutboxBusy when a flush is running
 */
export async function wipeHome(home: string): Promise<string[]> {
  const targets = await wipeTargets(home);
  if (targets.length === 0) return [];
  const release = targets.includes('outbox') ? await lockOutbox(join(home, 'outbox')) : async () => {};
  try {
    for (const name of targets.filter((n) => n !== 'outbox')) await rm(join(home, name), { recursive: true, force: true });
    // The lock file goes with the folder.
    if (targets.includes('outbox')) await rm(join(home, 'outbox'), { recursive: true, force: true });
  } finally {
    await release().catch(() => {});
  }
  await fsyncDir(home);
  return targets;
}
