/**
 * The witness's decision for one `add-checkpoint` (c2sp.org/tlog-witness), in the order that
 * document gives: an unknown origin is 404; no valid signature by the log's key 403; an old size
 * above the checkpoint's 400; an old size other than the one held (0 when none) 409 with the held
 * size (`text/x.tlog.size`); a consistency proof that does not verify (or is not empty from 0) 422;
 * the held size with another root 409; else the new state is made durable and the cosignature
 * (C2SP tlog-cosignature, cosignature/v1) returned. Requests for one origin run one at a time, so
 * that the check of the old size and the write of the new state are atomic (the rollback race
 * tlog-witness describes).
 */
import { verifyNote, type Verifier } from '../../crypto/note.js';
import { VerifyError } from '../../errors.js';
import type { Cosigner } from '../../log/cosignature.js';
import { ProofError, verifyConsistency } from '../../log/merkle.js';
import { parseAddCheckpoint, WitnessRefusal } from './request.js';
import type { StateStore } from './state.js';

/** An answer to send: status, content type and body. */
export interface WitnessAnswer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

/** The content type of a 409's body (c2sp.org/tlog-witness). */
export const SIZE_TYPE = 'text/x.tlog.size';

export interface WitnessOptions {
  readonly cosigner: Cosigner;
  /** The logs followed: origin -> the log's note key (its name is the origin). */
  readonly logs: ReadonlyMap<string, Verifier>;
  readonly state: StateStore;
  /** Unix seconds for the cosignature's time (tests). Default: the clock. */
  readonly now?: () => number;
  /** Keeps a refused request that the log signed (evidence.ts); a failure to keep it is only logged. */
  readonly evidence?: (body: Uint8Array) => Promise<void>;
  /** Where a failure to keep evidence is reported. */
  readonly onError?: (err: unknown) => void;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);

export class Witness {
  readonly #o: WitnessOptions;
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(opts: WitnessOptions) {
    this.#o = opts;
  }

  /**
   * Answers one add-checkpoint body. Never rejects for the client's input (a 4xx answer); rejects
   * only when the state cannot be stored (the caller answers 500, and nothing was cosigned).
   */
  async add(body: Uint8Array): Promise<WitnessAnswer> {
    try {
      const req = parseAddCheckpoint(body);
      const { origin, size, root } = req.checkpoint;
      const key = this.#o.logs.get(origin);
      if (!key) throw new WitnessRefusal(404, 'center.witness.unknown-log', { origin });
      try {
        verifyNote(req.note, key);
      } catch (err) {
        if (err instanceof VerifyError) throw new WitnessRefusal(403, 'center.witness.unsigned', { origin });
        throw err;
      }
      if (req.old > size) throw new WitnessRefusal(400, 'center.witness.bad-request', { why: `old size ${req.old} is above the checkpoint's ${size}` });
      return await this.#serial(origin, async () => {
        const held = this.#o.state.get(origin);
        const heldSize = held?.size ?? 0;
        if (req.old !== heldSize) return { status: 409, type: SIZE_TYPE, body: `${heldSize}\n` };
        const proofFails = (why: string) => new WitnessRefusal(422, 'center.witness.bad-proof', { old: req.old, size, why });
        if (req.old === 0 || req.old === size) {
          // tlog-witness: "The proof MUST be empty if the old size is zero"; equal sizes prove nothing either.
          if (req.proof.length > 0) throw proofFails('expected an empty proof');
        }
        if (held && req.old === size) {
          if (!same(held.root, root)) throw await this.#evidence(body, new WitnessRefusal(409, 'center.witness.root-conflict', { origin, size }));
        } else if (held && req.old > 0) {
          try {
            verifyConsistency(req.old, size, req.proof, held.root, root);
          } catch (err) {
            if (err instanceof ProofError) throw await this.#evidence(body, proofFails(err.reason));
            throw err;
          }
        }
        // A resubmission of the held checkpoint is cosigned again without a write; anything else is
        // durable before the cosignature leaves.
        if (!held || held.size !== size) await this.#o.state.put({ origin, size, root, note: req.note });
        const time = this.#o.now?.() ?? Math.floor(Date.now() / 1000);
        return { status: 200, type: 'text/plain; charset=utf-8', body: this.#o.cosigner.sign(req.text, time) };
      });
    } catch (err) {
      if (err instanceof WitnessRefusal) return { status: err.status, type: 'text/plain; charset=utf-8', body: `${err.message}\n` };
      throw err;
    }
  }

  /** Keeps `body` as evidence (the log signed it, and it contradicts what was cosigned); returns `refusal`. */
  async #evidence(body: Uint8Array, refusal: WitnessRefusal): Promise<WitnessRefusal> {
    await this.#o.evidence?.(body).catch((err: unknown) => this.#o.onError?.(err));
    return refusal;
  }

  /** Runs `fn` after every earlier call for `origin` has settled. */
  #serial<T>(origin: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(origin) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.#queues.set(origin, tail);
    void tail.then(() => {
      if (this.#queues.get(origin) === tail) this.#queues.delete(origin);
    });
    return next;
  }

  /** Resolves once every request being decided has settled (for a clean close). */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }
}
