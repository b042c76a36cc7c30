/**
 * The README's examples as written (issue 6 finding 4): no example that carries a statement puts
 * it on the command line, and the "session with a center of your own" runs word for word — keygen,
 * serve, then `submit -` with the very lines the README shows typed — to a verified receipt. Only
 * the port is changed (8080 may be taken on a test machine: `serve` gets `--listen` with a free one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, sealpost } from './harness/cli.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
/** Every sealpost command line in the README's code blocks (console prompts stripped). */
const commands = blocks.flatMap((b) => b.body.split('\n').map((l) => l.replace(/^\$ /, '')).filter((l) => /^sealpost /.test(l)));
const STATEMENT_FLAGS = /\s--(name|real-name|text|city|orgs|country|province|sector|channel|date|publish)\b/;

let tmp: string;
let server: ChildProcess | undefined;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sealpost-readme-'));
});
afterAll(async () => {
  server?.kill('SIGTERM');
  await rm(tmp, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('README', () => {
  it('no example carries a statement on the command line', () => {
    const carrying = commands.filter((c) => /^sealpost (submit|seal|compose)\b/.test(c));
    expect(carrying.length).toBeGreaterThanOrEqual(2);
    for (const c of carrying) expect(c, c).not.toMatch(STATEMENT_FLAGS);
  });

  it('the session with a center of your own runs as written', async () => {
    const session = blocks.find((b) => b.lang === 'console' && b.body.includes('sealpost submit --center keys/center.json -'))!;
    const lines = session.body.split('\n');
    const port = String(await freePort());
    const cmd = (prefix: string) => lines.find((l) => l.startsWith(`$ sealpost ${prefix}`))!.slice('$ sealpost '.length).replaceAll('8080', port);
    const argv = (c: string) => c.replace(/ &$/, '').split(' ');
    // keygen
    const k = await sealpost(argv(cmd('keygen')), { cwd: tmp });
    expect(k.code, k.stderr).toBe(0);
    // serve, in the background until it says where it listens
    server = spawn(process.execPath, [BIN, ...argv(cmd('serve')), '--listen', `127.0.0.1:${port}`], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
    const listening = await new Promise<string>((resolve, reject) => {
      let out = '';
      server!.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      server!.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    expect(listening).toBe(`listening on http://127.0.0.1:${port}/`);
    // submit -, the statement typed as the README shows it (between the command and the table)
    const at = lines.findIndex((l) => l.startsWith('$ sealpost submit'));
    const typed = lines.slice(at + 1, lines.findIndex((l, i) => i > at && l.startsWith('route '))).filter((l) => !l.startsWith('sealpost: hint:'));
    expect(typed).toContain('name: 小李');
    const s = await sealpost(argv(cmd('submit')), { cwd: tmp, input: `${typed.join('\n')}\n` });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/^direct-1\s+delivered \(receipt verified\)\s+\d+$/m);
    expect(s.stdout).toMatch(/^sealpost\/receipt\/v1\ncenter\.example\.org\nenvelope [0-9a-f]{64}\nblind \S+\nindex 0\nhour \d+\n\n— center\.example\.org\/log /);
  });
});
