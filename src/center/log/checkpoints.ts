/**
 * The received log's checkpoint schedule (wire spec 5): every `intervalMs` (default 1 s) the store
 * signs a checkpoint when the log grew — in its writer thread, never per request — and, once it is
 * stored, it becomes the one served at `GET /v1/checkpoint`, after the optional witness hook has
 * added its cosignature lines (spec 5, witnesses). One round runs at a time; a slow round makes
 * the next ticks skip, never queue up.
 */
import { consistencyPlan, run, type Hash } from '../../log/merkle.js';
import type { ReceivedLogStore, StoredCheckpoint } from '../store.js';

/** Spec 5 promises a checkpoint within 5 s of a receipt; 1 s leaves room for a slow fsync or witness. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Asks witnesses to cosign a freshly stored checkpoint (`note`, of tree `size`); `consistency(from)`
 * gives the RFC 9162 proof from the tree of `from` leaves (1 <= from <= size) to this one. Resolves
 * with signature lines (`— <name> <base64>`) to append to the served note; a rejection is logged
 * and the checkpoint is served without cosignatures. It bounds its own waiting.
 */
export type CosignHook = (note: string, size: number, consistency: (from: number) => Promise<Uint8Array[]>) => Promise<string[]>;

/** The checkpoint being served: the stored note plus any cosignature lines. */
export interface ServedCheckpoint {
  readonly size: number;
  readonly note: string;
}

export interface CheckpointerOptions {
  readonly log: ReceivedLogStore;
  readonly intervalMs?: number;
  readonly cosign?: CosignHook;
  /**
   * Called with each newly served checkpoint that carries cosignatures, after it is served (serve
   * writes it to `<data>/checkpoint.cosigned`, so that `log export` publishes the cosigned note).
   */
  readonly onCosigned?: (served: ServedCheckpoint) => Promise<void>;
  /** Where a failed round (`checkpoint`) or a failed witness hook (`cosign`) is reported. */
  readonly onError?: (what: 'checkpoint' | 'cosign', err: unknown) => void;
}

/** Appends signature lines to a signed note (C2SP signed-note: one more line each). */
export function appendSignatures(note: string, lines: readonly string[]): string {
  let out = note.endsWith('\n') ? note : `${note}\n`;
  for (const raw of lines) {
    const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    // Only well-formed signature lines: a hook's garbage must not break every client's parsing.
    if (/^— \S+ [A-Za-z0-9+/]+={0,2}$/.test(line)) out += `${line}\n`;
  }
  return out;
}

export class Checkpointer {
  readonly #log: ReceivedLogStore;
  readonly #cosign: CosignHook | undefined;
  readonly #onCosigned: ((served: ServedCheckpoint) => Promise<void>) | undefined;
  readonly #onError: (what: 'checkpoint' | 'cosign', err: unknown) => void;
  #served: ServedCheckpoint | undefined;
  #round: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  private constructor(opts: CheckpointerOptions) {
    this.#log = opts.log;
    this.#cosign = opts.cosign;
    this.#onCosigned = opts.onCosigned;
    this.#onError = opts.onError ?? (() => {});
  }

  /**
   * Signs (or takes) the first checkpoint — after a restart one covering every stored entry —
   * before it resolves, then runs every `intervalMs`.
   * @throws Error when the first checkpoint cannot be signed and stored
   */
  static async start(opts: CheckpointerOptions): Promise<Checkpointer> {
    const c = new Checkpointer(opts);
    await c.#once(true);
    const ms = opts.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    c.#timer = setInterval(() => {
      if (!c.#round) void c.tick();
    }, ms);
    c.#timer.unref();
    return c;
  }

  /** The checkpoint served now (with its cosignatures). */
  get served(): ServedCheckpoint | undefined {
    return this.#served;
  }

  /** Runs one round now (or joins the one running): signs a checkpoint if the log grew. */
  tick(): Promise<void> {
    this.#round ??= this.#once(false).finally(() => (this.#round = undefined));
    return this.#round;
  }

  async #once(first: boolean): Promise<void> {
    let c: StoredCheckpoint;
    try {
      c = await this.#log.checkpoint();
    } catch (err) {
      if (first) throw err;
      return this.#onError('checkpoint', err);
    }
    if (this.#served && c.size <= this.#served.size) return;
    let note = c.note;
    if (this.#cosign) {
      try {
        note = appendSignatures(note, await this.#cosign(c.note, c.size, (from) => this.consistency(from, c.size)));
      } catch (err) {
        this.#onError('cosign', err);
      }
    }
    if (!this.#served || c.size > this.#served.size) {
      this.#served = { size: c.size, note };
      if (note !== c.note && this.#onCosigned) await this.#onCosigned(this.#served).catch((err: unknown) => this.#onError('cosign', err));
    }
  }

  /** The consistency proof between two sizes up to the served checkpoint's. */
  consistency(from: number, to: number): Promise<Hash[]> {
    return run(consistencyPlan(from, to), this.#log);
  }

  /** Stops the schedule and waits for a running round. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
  }
}
