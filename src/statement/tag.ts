/**
 * The public tag of a statement (wire spec 8): SHA-256("sealpost/tag/v1" || the 32 bytes of tagKey ||
 * the 16 bytes of id), lowercase hex. It names the statement in the counted log without revealing it;
 * only the holder of tagKey can find their own.
 */
import { Buffer } from 'node:buffer';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { isHex32, isTagKey } from './checks.js';
import { statementError } from './error.js';
import type { Statement } from './types.js';

const DOMAIN = utf8ToBytes('sealpost/tag/v1');

/**
 * The statement's tag, 64 lowercase hex digits.
 * @throws InputError `invalid-statement` when `id` is not 32 lowercase hex digits (`field` `id`) or
 *   `tagKey` not the canonical base64 of 32 bytes (`field` `tagKey`).
 */
export function statementTag(st: Pick<Statement, 'id' | 'tagKey'>): string {
  if (typeof st.id !== 'string' || !isHex32(st.id)) {
    throw statementError('invalid-statement', 'statement.rule.hex32', { field: 'id' }, 'id');
  }
  if (typeof st.tagKey !== 'string' || !isTagKey(st.tagKey)) {
    throw statementError('invalid-statement', 'statement.rule.tag-key', { field: 'tagKey' }, 'tagKey');
  }
  const key = new Uint8Array(Buffer.from(st.tagKey, 'base64'));
  const id = new Uint8Array(Buffer.from(st.id, 'hex'));
  return bytesToHex(sha256(concatBytes(DOMAIN, key, id)));
}
