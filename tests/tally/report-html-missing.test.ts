/**
 * Without vega (a client-only install, `--omit=optional`), the tally stops before it counts or
 * writes anything (its threads may have begun opening the first envelopes), with InputError
 * `center-deps-missing` naming the packages and versions to install.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { CENTER_PACKAGES } from '../../src/center/deps.js';
import { fill, makeDataFolder, newLedger } from './fixture.js';

vi.mock('vega', () => {
  throw new Error("Cannot find package 'vega'");
});

describe('report.html without vega', () => {
  // Files share a worker's module graph (vitest.config.ts): a render.js that another file loaded
  // already holds vega; evaluate it again so that its import meets the mock.
  beforeEach(() => {
    vi.resetModules();
  });

  it('loadCharts throws center-deps-missing with what to install', async () => {
    const { loadCharts } = await import('../../src/center/tally/html/render.js');
    const err = await loadCharts().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('center-deps-missing');
    expect((err as InputError).message).toContain(`npm install vega@${CENTER_PACKAGES.vega} vega-lite@${CENTER_PACKAGES['vega-lite']}`);
  });

  it('runTally fails with it before it writes or counts anything', async () => {
    const { runTally } = await import('../../src/center/tally/run.js');
    const f = await makeDataFolder();
    try {
      await fill(f, 5, 20, newLedger());
      const opts = { keysDir: f.keysDir, dataDir: f.dataDir, outDir: join(f.dir, 'out'), privateDir: join(f.dir, 'private'), threads: 0 };
      await expect(runTally(opts)).rejects.toMatchObject({ code: 'center-deps-missing' });
      // No journal begun, nothing published: the next run (with vega) starts from the beginning.
      expect(existsSync(join(f.dir, 'private', 'state', 'journal.jsonl'))).toBe(false);
      expect(existsSync(join(f.dir, 'private', 'state', 'state.json'))).toBe(false);
      expect(existsSync(join(f.dir, 'out'))).toBe(false);
    } finally {
      await f.store.close();
      await rm(f.dir, { recursive: true, force: true });
    }
  });
});
