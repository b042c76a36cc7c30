/**
 * Without vega (a client-only install, `--omit=optional`), the tally stops before it opens a single
 * envelope, with InputError `center-deps-missing` naming the packages and versions to install.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { CENTER_PACKAGES } from '../../src/center/deps.js';

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

  it('runTally fails with it before reading the keys', async () => {
    const { runTally } = await import('../../src/center/tally/run.js');
    const opts = { keysDir: '/nonexistent/keys', dataDir: '/nonexistent/data', outDir: '/nonexistent/out', threads: 0 };
    await expect(runTally(opts)).rejects.toMatchObject({ code: 'center-deps-missing' });
  });
});
