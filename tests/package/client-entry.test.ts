/**
 * Issue 7, point 1: `sealpost` (dist/src/index.js) is the client alone. Walks the import graph of
 * the built entry — static imports, re-exports, dynamic imports and require() — and fails if any
 * module of it reaches the center, the CLI, commander or a native module. A second check imports
 * the entry in a child process where those packages cannot be resolved at all.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist', 'src');
const FORBIDDEN_PACKAGES = ['better-sqlite3', 'sodium-native', 'commander', 'vega', 'vega-lite', 'playwright-core'];
const FORBIDDEN_DIRS = [join(DIST, 'center'), join(DIST, 'cli')];

/** Every module specifier a built file names: import/export … from, import(), require(). */
export function specifiers(code: string): string[] {
  const found = new Set<string>();
  for (const re of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s*['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) found.add(m[1]!);
  }
  return [...found];
}

/** The entry's module graph: file → the chain of files that led to it. */
export function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const chain = seen.get(file)!;
      if (!spec.startsWith('.')) {
        seen.set(`pkg:${spec}`, [...chain, spec]);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!seen.has(target) && existsSync(target)) {
        seen.set(target, [...chain, target]);
        todo.push(target);
      }
    }
  }
  return seen;
}

const show = (chain: string[]) => chain.map((f) => (f.startsWith('/') ? relative(ROOT, f) : f)).join(' → ');

describe('the sealpost entry (client only, issue 7 point 1)', () => {
  const entry = join(DIST, 'index.js');

  it('reaches no center, CLI, commander or native module', () => {
    const g = graph(entry);
    expect(g.size).toBeGreaterThan(20);
    const bad: string[] = [];
    for (const [node, chain] of g) {
      const pkg = node.startsWith('pkg:') ? node.slice(4) : undefined;
      if (pkg !== undefined && FORBIDDEN_PACKAGES.some((p) => pkg === p || pkg.startsWith(`${p}/`))) bad.push(show(chain));
      if (pkg === undefined && FORBIDDEN_DIRS.some((d) => node.startsWith(`${d}/`))) bad.push(show(chain));
      // A require() built from a variable would escape specifiers(): no reachable file names them at all.
      if (pkg === undefined && /better-sqlite3|sodium-native/.test(readFileSync(node, 'utf8'))) bad.push(`${show(chain)} (names a native module)`);
    }
    expect(bad).toEqual([]);
  });

  it('imports and seals in a process where those packages cannot be resolved', () => {
    // A resolve hook that refuses them, registered before the entry loads.
    const hook = `data:text/javascript,${encodeURIComponent(`
      const bad = ${JSON.stringify(FORBIDDEN_PACKAGES)};
      const dirs = ${JSON.stringify(FORBIDDEN_DIRS.map((d) => `file://${d}/`))};
      export async function resolve(spec, ctx, next) {
        if (bad.some((p) => spec === p || spec.startsWith(p + '/'))) throw new Error('forbidden import ' + spec);
        const r = await next(spec, ctx);
        if (dirs.some((d) => r.url.startsWith(d))) throw new Error('forbidden import ' + r.url);
        return r;
      }`)}`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const s = await import(${JSON.stringify(`file://${entry}`)});
      const { generateKeyPairSync } = await import('node:crypto');
      const boxKey = Buffer.from(generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x, 'base64url');
      const env = s.sealEnvelope(s.serializeStatement(s.composeStatement({ name: ['A'], orgs: 'CYL', country: 'TW' })), new Uint8Array(boxKey));
      process.stdout.write(String(env.length));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(/Error: .*/.exec(r.stderr)?.[0] ?? r.stderr).toBe('');
    expect(r.stdout).toBe('1073');
  });
});
