/**
 * The demo's temporary folder, which holds a center's secret keys, sealed envelopes and a database
 * (issue 6, finding 7: an interrupted demo left them in /tmp). It is removed however the process
 * ends: `dispose()` on the normal path; on SIGINT, SIGTERM or SIGHUP at any moment (during key
 * generation, before the server is up, mid-race), removed at once and the process exits with
 * 128 + the signal's number, as a shell reports a process killed by it; and on any other exit
 * (`process.exit`, an uncaught exception) from the `exit` event. Only SIGKILL escapes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface Scratch {
  readonly dir: string;
  /** Removes the folder and the handlers; safe to call twice. */
  dispose(): void;
}

function remove(dir: string): void {
  // Another thread (the intake's SQLite worker) may still be writing into it: retry ENOTEMPTY.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 10 });
}

/** A fresh folder `<tmpdir>/<prefix>XXXXXX` (mode 0700, as mkdtemp makes it) that removes itself. */
export function scratchDir(prefix: string): Scratch {
  // The handlers go in first: node catches a signal as soon as a listener is added, and runs the
  // listener on the event loop, so it always sees `dir` once mkdtempSync has made the folder in
  // this same tick. There is no moment when the folder exists and a signal would leave it.
  let dir: string | undefined;
  const onExit = () => {
    if (dir !== undefined) remove(dir);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    onExit();
    process.exit(128 + constants.signals[sig]);
  };
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  const made = mkdtempSync(join(tmpdir(), prefix));
  dir = made;
  let done = false;
  return {
    dir: made,
    dispose() {
      if (done) return;
      done = true;
      process.off('exit', onExit);
      for (const s of SIGNALS) process.off(s, onSignal);
      remove(made);
    },
  };
}
