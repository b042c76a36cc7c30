/**
 * Issue 7, point 5: the README's "Library" example runs exactly as written, as a program of a
 * project that depends on sealpost (node_modules/sealpost → this repository, built), against a
 * local center whose center file lists it as the route `direct-1`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verifyReceipt } from '../../src/index.js';
import { startCenter, type TestCenter } from '../harness/center.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first js code block of the README's "## Library" section. */
export function libraryExample(readme: string): string {
  const section = /^## Library\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README has no "## Library" section');
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('the Library section has no js code block');
  return code;
}

let c: TestCenter;
let tmp: string;
beforeAll(async () => {
  c = await startCenter();
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-library-'));
  await mkdir(join(tmp, 'node_modules'));
  await symlink(ROOT, join(tmp, 'node_modules', 'sealpost'), 'dir');
  // The test center's file, with the center's real address as its one route.
  const file = JSON.parse(await readFile(join(c.keysDir, 'center.json'), 'utf8')) as { routes: unknown[] };
  file.routes = [{ id: 'direct-1', kind: 'direct', url: c.url.toString() }];
  await mkdir(join(tmp, 'keys'));
  await writeFile(join(tmp, 'keys', 'center.json'), JSON.stringify(file));
});
afterAll(async () => {
  await c.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('README, Library', () => {
  it('uses only the sealpost entry', () => {
    const imports = [...libraryExample(README).matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports).toEqual(['sealpost']);
  });

  it('seals, queues and delivers as written, to a receipt that verifies', async () => {
    await writeFile(join(tmp, 'example.mjs'), libraryExample(README));
    const { stdout } = await promisify(execFile)(process.execPath, ['example.mjs'], { cwd: tmp, env: { PATH: process.env.PATH ?? '' } });
    const receipt = stdout.replace(/\n$/, '');
    expect(receipt).toMatch(/^sealpost\/receipt\/v1\ncenter\.test\n/);
    const eh = Buffer.from(/^envelope ([0-9a-f]{64})$/m.exec(receipt)![1]!, 'hex');
    expect(verifyReceipt(receipt, { center: c.center.name, logKey: c.center.logKey, eh }).index).toBe(0);
    // Delivered: the envelope and its token are gone from the outbox (spec 9).
    expect(await readdir(join(tmp, 'sealpost-home', 'outbox'))).toEqual([]);
  });
});
