import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { Output, type ExitCode, type Io } from './output.js';
import { resolveHome } from './home.js';

export interface GlobalOptions {
  json?: boolean;
  lang?: string;
  home?: string;
  center?: string;
  verbose?: boolean;
  keepReceipts?: boolean;
}

export interface Ctx {
  readonly io: Io;
  /** Set by each action before it runs. */
  exit: ExitCode;
}

export interface ActionEnv<O> {
  readonly opts: O & GlobalOptions;
  readonly out: Output;
  readonly home: string;
  readonly io: Io;
}

/**
 * A home that exists must be a folder; one that does not exist yet is made on first use. Checked
 * for every command so that the mistake is named at once (issue 7), not met as ENOTDIR later.
 */
function checkHome(home: string, flag: string): void {
  const st = statSync(home, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) {
    throw new InputError('not-a-folder', `${home} is not a folder`, { key: 'cli.home-not-folder', params: { dir: home }, field: flag });
  }
}

/**
 * Wraps a command action: builds the Output for this run, maps thrown errors to exit codes, and
 * records the exit code in ctx (never calls process.exit, so tests can run the CLI in-process).
 */
export function action<O>(ctx: Ctx, fn: (env: ActionEnv<O>, ...args: never[]) => Promise<ExitCode>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as O & GlobalOptions;
    const out = new Output(ctx.io, Boolean(opts.json), Boolean(opts.verbose));
    try {
      const home = resolveHome(opts.home, ctx.io.env);
      checkHome(home, opts.home === undefined && ctx.io.env.SEALPOST_HOME ? 'SEALPOST_HOME' : '--home');
      ctx.exit = await fn({ opts, out, home, io: ctx.io }, ...(args.slice(0, -2) as never[]));
    } catch (err) {
      ctx.exit = out.fail(err);
    }
  };
}
