/**
 * Issue 7, build point 2: errors recognised across copies of the code (the CLI bundle against the
 * unbundled intake server it loads), by a `Symbol.for` brand as undici's errors carry; codes typed
 * per class and unique across classes; the route outcomes a union.
 */
import { describe, expect, it, vi } from 'vitest';
import * as codes from '../src/error-codes.js';
import * as errors from '../src/errors.js';
import { EnvelopeError, InputError, RouteError, SealpostError, VerifyError } from '../src/errors.js';
import { AtRestError } from '../src/crypto/at-rest.js';
import { UsageError } from '../src/cli/output.js';

/** A second copy of src/errors.ts: new module instances, new classes, as a bundle holds. */
async function secondCopy(): Promise<typeof errors> {
  vi.resetModules();
  return import('../src/errors.js');
}

function makeAll(m: typeof errors) {
  return {
    SealpostError: new m.SealpostError('exists', 'base'),
    InputError: new m.InputError('bad-listen', 'bad listen', { field: '--listen' }),
    VerifyError: new m.VerifyError('bad-receipt', 'forged'),
    EnvelopeError: new m.EnvelopeError('box'),
    RouteError: new m.RouteError('reset', 'blocked', 'reset'),
  };
}

describe('brands', () => {
  it('an error from another copy of the code is an instance of this copy\'s classes', async () => {
    const other = await secondCopy();
    expect(other.InputError).not.toBe(InputError);
    const e = new other.InputError('bad-listen', 'bad listen', { field: '--listen' });
    expect(e instanceof InputError).toBe(true);
    expect(e instanceof SealpostError).toBe(true);
    expect(errors.isInputError(e)).toBe(true);
    expect(errors.isSealpostError(e)).toBe(true);
    expect(e instanceof VerifyError).toBe(false);
    expect(new InputError('exists', 'x') instanceof other.InputError).toBe(true);
  });

  it('each class recognises its own instances and its subclasses\', from either copy, and no other', async () => {
    const other = await secondCopy();
    const classes = { SealpostError, InputError, VerifyError, EnvelopeError, RouteError } as const;
    for (const made of [makeAll(errors), makeAll(other)]) {
      for (const [madeName, value] of Object.entries(made)) {
        for (const [className, cls] of Object.entries(classes)) {
          const expected = className === madeName || className === 'SealpostError';
          expect(value instanceof cls, `${madeName} instanceof ${className}`).toBe(expected);
        }
      }
    }
    expect(errors.isRouteError(makeAll(other).RouteError)).toBe(true);
    expect(errors.isVerifyError(makeAll(other).VerifyError)).toBe(true);
    expect(errors.isEnvelopeError(makeAll(other).EnvelopeError)).toBe(true);
    expect(errors.isRouteError(makeAll(other).VerifyError)).toBe(false);
  });

  it('the CLI\'s UsageError is branded too', () => {
    const u = new UsageError('flag-conflict', 'x');
    expect(u instanceof UsageError).toBe(true);
    expect(u instanceof SealpostError).toBe(true);
    expect(u instanceof InputError).toBe(false);
    expect(new InputError('bad-flag', 'x') instanceof UsageError).toBe(false);
  });

  it('a subclass without a brand of its own keeps the ordinary prototype check', () => {
    const a = new AtRestError('malformed');
    expect(a instanceof AtRestError).toBe(true);
    expect(a instanceof SealpostError).toBe(true);
    expect(new InputError('exists', 'x') instanceof AtRestError).toBe(false);
  });

  it('nothing else passes: plain errors, look-alikes by name or code, primitives', () => {
    const lookAlike = Object.assign(new Error('x'), { name: 'InputError', code: 'bad-listen' });
    for (const v of [new Error('x'), lookAlike, { code: 'exists' }, null, undefined, 'InputError', 7]) {
      expect(v instanceof SealpostError).toBe(false);
      expect(errors.isInputError(v)).toBe(false);
      expect(errors.isSealpostError(v)).toBe(false);
    }
  });

  it('the brand is a shared symbol on the prototype, not an own property of the error', () => {
    const e = new InputError('exists', 'x');
    expect((e as unknown as Record<symbol, unknown>)[Symbol.for('sealpost.error.InputError')]).toBe(true);
    expect(Object.getOwnPropertySymbols(e)).toEqual([]);
    expect(JSON.stringify(e)).not.toContain('sealpost.error');
  });
});

describe('codes', () => {
  const lists = {
    InputError: codes.INPUT_CODES,
    VerifyError: codes.VERIFY_CODES,
    EnvelopeError: codes.ENVELOPE_CODES,
    AtRestError: codes.AT_REST_CODES,
    OverloadedError: codes.STORE_CODES,
    UsageError: codes.USAGE_CODES,
  };

  it('no code belongs to two classes, and none is a RouteError\'s route-<outcome>', () => {
    const owner = new Map<string, string>();
    for (const [cls, list] of Object.entries(lists)) {
      for (const code of list) {
        expect(owner.get(code), `${code} in ${cls} and ${owner.get(code)}`).toBeUndefined();
        owner.set(code, cls);
        expect(code.startsWith('route-') && codes.isRouteOutcome(code.slice(6)), code).toBe(false);
      }
    }
  });

  it('a RouteError\'s code is route-<outcome>, for every outcome word but delivered', () => {
    for (const outcome of [...codes.ROUTE_OUTCOMES, ...codes.ROUTE_LIST_OUTCOMES, 'http-503'] as const) {
      if (outcome === 'delivered') continue;
      const e = new RouteError(outcome, 'blocked', 'x');
      expect(e.code).toBe(`route-${outcome}`);
      expect(codes.isRouteOutcome(e.outcome)).toBe(true);
    }
    expect(codes.isRouteOutcome('http-abc')).toBe(false);
    expect(codes.isRouteOutcome('refused-by-proxy')).toBe(false);
  });

  it('the outcome words are the CLI spec\'s', () => {
    expect([...codes.ROUTE_OUTCOMES].sort()).toEqual(
      ['delivered', 'timeout', 'reset', 'refused', 'tls', 'bad-receipt', 'proxy-auth', 'proxy-refused', 'dns', 'cancelled', 'error'].sort(),
    );
  });

  it('codes outside a class\'s union do not compile', () => {
    // @ts-expect-error a VerifyError code is not an InputError code
    expect(new InputError('bad-receipt', 'x').code).toBe('bad-receipt');
    // @ts-expect-error not an outcome word
    expect(new RouteError('bad-thing', 'blocked', 'x').outcome).toBe('bad-thing');
    // @ts-expect-error a RouteError never carries `delivered`
    expect(new RouteError('delivered', 'blocked', 'x').code).toBe('route-delivered');
  });
});
