/**
 * Leaving a prompt: Ctrl-C (and Ctrl-D, which closes the terminal's input) ends the command
 * cleanly with nothing written or sent (issue 8, build point 4). Both become one UsageError
 * (`aborted`, exit 1): the command line's spec has no code of its own for "the user stopped it",
 * and 1 already means "nothing was done".
 */
import type { input } from '@inquirer/prompts';
import { UsageError, type Output } from '../output.js';

/** Inquirer's prompt context (its input and output streams, an AbortSignal). */
type Context = NonNullable<Parameters<typeof input>[1]>;

export const aborted = () => new UsageError('aborted', 'cancelled: nothing was written or sent', { key: 'cli.wizard.aborted' });

/** Inquirer's errors for a prompt closed by Ctrl-C or Ctrl-D, or by a process signal. */
const CLOSED = new Set(['ExitPromptError', 'AbortPromptError', 'CancelPromptError']);

/** A prompt's answer, or the `aborted` UsageError when the person left it. */
export async function answer<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (err) {
    if (err instanceof Error && CLOSED.has(err.name)) throw aborted();
    throw err;
  }
}

/**
 * Where prompts read and draw: stdin, and stderr (stdout carries data only). Ctrl-D, which closes
 * readline's input, also ends a prompt with ExitPromptError (tests/cli/compose-interactive.test.ts
 * checks it exits 1, not 0 with nothing done).
 */
export function promptContext(out: Output): Context {
  return { input: out.io.stdin, output: out.io.stderr };
}
