/**
 * The outbox's passphrase keys (wire spec 9): tokens, kept receipts and where a relayed envelope
 * came from are sealed under a key derived from the passphrase. scrypt costs 128 MiB and about
 * half a second, so one process derives once per salt and reuses the key for every item it
 * writes (each with a fresh nonce); items sealed by other runs are opened with their own salt.
 */
import { deriveKey, openWithKey, sealWithKey, SPEC_KDF, type AtRestKey, type KdfParams, type SealedDocument } from '../crypto/at-rest.js';
import { fromBase64 } from '../crypto/base64.js';
import { AtRestError } from '../crypto/at-rest.js';

export class OutboxKeys {
  readonly #passphrase: string;
  readonly #params: KdfParams;
  readonly #bySalt = new Map<string, Promise<AtRestKey>>();
  #sealing: Promise<AtRestKey> | null = null;

  constructor(passphrase: string, params: KdfParams = SPEC_KDF) {
    this.#passphrase = passphrase;
    this.#params = params;
  }

  /** Seals `value` under this process's key (derived on first use, or one already derived). */
  async seal(value: unknown): Promise<SealedDocument> {
    if (!this.#sealing) {
      const known = this.#bySalt.values().next();
      this.#sealing = known.done ? deriveKey(this.#passphrase, undefined, this.#params) : known.value;
      const p = this.#sealing;
      void p.then((k) => this.#bySalt.set(Buffer.from(k.salt).toString('base64'), p), () => {});
    }
    return sealWithKey(value, await this.#sealing);
  }

  /**
   * Opens a sealed document.
   * @throws AtRestError `wrong-passphrase` or `malformed`
   */
  async open(doc: SealedDocument): Promise<unknown> {
    const salt = typeof doc?.salt === 'string' ? fromBase64(doc.salt, 16) : null;
    if (!salt) throw new AtRestError('malformed');
    let k = this.#bySalt.get(doc.salt);
    if (!k) {
      k = deriveKey(this.#passphrase, salt, this.#params);
      this.#bySalt.set(doc.salt, k);
    }
    return openWithKey(doc, await k);
  }
}
