/** Starts a real server binary (tinyproxy, microsocks, ...) on loopback for the interop suite. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

export function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Resolves once 127.0.0.1:port accepts a connection; each retry follows a refused connect. */
export function accepting(port: number, child: ChildProcess, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      if (child.exitCode !== null) return reject(new Error(`daemon exited with ${child.exitCode}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        if (Date.now() > until) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(tryOnce, 20);
      });
    };
    tryOnce();
  });
}

export interface Daemon {
  readonly port: number;
  stop(): Promise<void>;
}

export async function daemon(bin: string, args: (port: number) => string[] | Promise<string[]>): Promise<Daemon> {
  const port = await freePort();
  const child = spawn(bin, await args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  await accepting(port, child);
  return {
    port,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
