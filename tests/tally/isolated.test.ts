/**
 * The tally's own thread (src/center/tally/isolated.ts): errors cross it with their class, code,
 * key, params and field (the CLI translates and exits by them), and the heap it gets.
 */
import { describe, expect, it } from 'vitest';
import { errorFromData, errorToData, tallyHeapMb } from '../../src/center/tally/isolated.js';
import { InputError, VerifyError, isInputError } from '../../src/errors.js';

describe('the tally thread', () => {
  it('carries an InputError across with its code, key, params and field', () => {
    const e = new InputError('bad-tally-state', 'the state folder is of another center', { key: 'center.tally.state-center', params: { dir: '/s', other: 'a', center: 'b' }, field: '--state' });
    const back = errorFromData(structuredClone(errorToData(e)));
    expect(isInputError(back)).toBe(true);
    expect(back).toBeInstanceOf(InputError);
    expect(back).toMatchObject({ code: 'bad-tally-state', key: 'center.tally.state-center', params: { dir: '/s', other: 'a', center: 'b' }, field: '--state', message: e.message });
  });

  it('keeps a VerifyError a VerifyError, a RangeError a RangeError and a bug an Error with its stack', () => {
    expect(errorFromData(errorToData(new VerifyError('bad-signature', 'x')))).toBeInstanceOf(VerifyError);
    expect(errorFromData(errorToData(new RangeError('r')))).toBeInstanceOf(RangeError);
    const bug = new Error('invariant failed');
    const back = errorFromData(structuredClone(errorToData(bug)));
    expect(back).not.toBeInstanceOf(InputError);
    expect(back.stack).toBe(bug.stack);
    expect(errorFromData(errorToData('thrown string')).message).toBe('thrown string');
  });

  it('gives the thread three quarters of the memory, at least 2 GB', () => {
    expect(tallyHeapMb(24 * 2 ** 30)).toBe(18 * 1024);
    expect(tallyHeapMb(1 * 2 ** 30)).toBe(2048);
  });
});

describe('the compiled tally thread', () => {
  it('runs with the heap we give it and sends its InputError back with code, key and params', async () => {
    // The built module: under vitest the sources have no compiled worker beside them.
    const mod = (await import(new URL('../../dist/src/center/tally/isolated.js', import.meta.url).href)) as typeof import('../../src/center/tally/isolated.js');
    const infos: { heapLimitMb: number }[] = [];
    const missing = '/nonexistent/sealpost-keys';
    const err = await mod.runTallyIsolated({ keysDir: missing, dataDir: '/nonexistent/data', outDir: '/nonexistent/out' } as Parameters<typeof mod.runTallyIsolated>[0], (i) => infos.push(i)).catch((e: unknown) => e);
    expect(infos).toHaveLength(1);
    // V8 rounds the limit up by its young generation; never below what we asked (unless a
    // --max-old-space-size flag is in force, which vitest's workers do not have).
    expect(infos[0]!.heapLimitMb).toBeGreaterThanOrEqual(mod.tallyHeapMb());
    expect(err).toMatchObject({ code: 'bad-key-file', key: 'crypto.key-unreadable', params: { file: `${missing}/box.key` } });
    expect(isInputError(err)).toBe(true);
  });
});
