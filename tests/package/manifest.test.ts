/**
 * Issue 7, point 1: package.json says what the two entries need. The center's native packages are
 * optional dependencies with exact pins, and src/center/deps.ts names the same versions in its
 * what-to-install message; the exports map has the client and the center entries.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CENTER_PACKAGES } from '../../src/center/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
};

describe('package.json (issue 7, point 1)', () => {
  it('has better-sqlite3 and sodium-native as pinned optional dependencies, as deps.ts names them', () => {
    expect(pkg.optionalDependencies).toEqual(CENTER_PACKAGES);
    for (const v of Object.values(pkg.optionalDependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    for (const name of Object.keys(CENTER_PACKAGES)) expect(pkg.dependencies).not.toHaveProperty(name);
  });

  it('exports the client as "." and the center as "./center", built', () => {
    expect(Object.keys(pkg.exports)).toEqual(['.', './center', './package.json']);
    for (const entry of ['.', './center']) {
      const e = pkg.exports[entry] as { types: string; default: string };
      expect(existsSync(join(ROOT, e.default)), e.default).toBe(true);
      expect(existsSync(join(ROOT, e.types)), e.types).toBe(true);
    }
  });
});
