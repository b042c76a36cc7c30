/**
 * Phase deadlines under one caller signal (STYLE habit 2: the caller's AbortSignal is the
 * deadline; phase timers are a backstop). `phase()` gives a signal that aborts when the caller's
 * does or when the phase runs out; `expired` tells which of the two it was.
 */
export class PhaseTimeout extends Error {
  override name = 'PhaseTimeout' as const;
  constructor(readonly phase: string, readonly ms: number) {
    super(`${phase} timed out after ${ms} ms`);
  }
}

export interface Phase {
  readonly signal: AbortSignal;
  /** Stops the phase timer; call when the phase is done (also on failure). */
  done(): void;
}

export function phase(parent: AbortSignal, name: string, ms: number): Phase {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(parent.reason);
  if (parent.aborted) ctl.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(new PhaseTimeout(name, ms)), ms);
  timer.unref?.();
  return {
    signal: ctl.signal,
    done() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

/** Rejects with the signal's reason as soon as it aborts; the cleanup runs either way. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
