/**
 * The options of a test's UiEngine: a fresh home, no passphrase, receipts kept, no route but the
 * ones given (`--only-routes`), no proxy and an empty environment (no proxy variable).
 */
import type { Center } from '../../src/crypto/center-file.js';
import type { EngineOptions } from '../../src/ui/engine.js';

export function engineOptions(home: string, center: Center, more: Partial<EngineOptions> = {}): EngineOptions {
  return {
    home,
    center,
    passphrase: null,
    keepReceipts: true,
    routeFlags: [],
    proxyFlags: [],
    alsoDirect: false,
    onlyRoutes: true,
    allowPlainProxy: false,
    env: {},
    ...more,
  };
}
