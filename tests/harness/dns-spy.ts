/**
 * A DNS spy (STYLE habit 7): records every local name lookup made through node:dns while it is
 * installed, and makes a lookup of a forbidden name fail, so that a proxied route that resolves the
 * center's name locally cannot pass by accident (spec 6: names are resolved at the proxy).
 *
 * node:net resolves host names through the `dns` module object at call time, so patching that
 * object (and syncing the ESM named exports) sees every lookup a socket makes.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

export interface DnsSpy {
  /** Every name looked up or resolved since install, in order. */
  readonly names: readonly string[];
  /** True when `name` (case-insensitive, trailing dot ignored) was looked up. */
  saw(name: string): boolean;
  restore(): void;
}

type Fn = (...args: never[]) => unknown;
const CALLBACK_FNS = ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname'] as const;
const PROMISE_FNS = ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname'] as const;

const norm = (n: unknown) => String(n).toLowerCase().replace(/\.$/, '');

/** Installs the spy. Lookups of `forbidden` names fail with ENOTFOUND (after being recorded). */
export function installDnsSpy(forbidden: readonly string[] = []): DnsSpy {
  const names: string[] = [];
  const banned = new Set(forbidden.map(norm));
  const refusal = (name: string) => Object.assign(new Error(`dns-spy: local lookup of ${name} is forbidden`), { code: 'ENOTFOUND', hostname: name });
  const saved: [object, string, Fn][] = [];
  const patch = (obj: Record<string, unknown>, key: string, promised: boolean) => {
    const orig = obj[key] as Fn;
    saved.push([obj, key, orig]);
    obj[key] = function spied(this: unknown, name: string, ...rest: unknown[]) {
      names.push(norm(name));
      if (banned.has(norm(name))) {
        if (promised) return Promise.reject(refusal(name));
        const cb = rest[rest.length - 1];
        if (typeof cb === 'function') process.nextTick(() => (cb as (e: Error) => void)(refusal(name)));
        return undefined;
      }
      return (orig as (...a: unknown[]) => unknown).call(this, name, ...rest);
    };
  };
  for (const k of CALLBACK_FNS) patch(dns as unknown as Record<string, unknown>, k, false);
  for (const k of PROMISE_FNS) patch(dns.promises as unknown as Record<string, unknown>, k, true);
  syncBuiltinESMExports();
  return {
    names,
    saw: (name) => names.includes(norm(name)),
    restore() {
      for (const [obj, key, orig] of saved.reverse()) (obj as Record<string, unknown>)[key] = orig;
      syncBuiltinESMExports();
    },
  };
}
