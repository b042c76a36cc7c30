/**
 * The crypto module's English; the zh-CN text is in src/cli/catalog/crypto.ts (issue 7: lower layers
 * own their English, the CLI owns translation).
 */
import { english } from '../english.js';

export const messages = {
  'crypto.bad-verifier-key': 'malformed verifier key',
  'crypto.bad-note': 'malformed signed note',
  'crypto.bad-signature': 'the signature by {name} does not verify',
  'crypto.unsigned': 'no valid signature by {name}',
  'crypto.bad-receipt': 'bad receipt ({what})',
  'crypto.bad-key-name': 'bad key name {name}',
  'crypto.bad-key-file': '{file}: not a valid key file ({why})',
  'crypto.key-unreadable': 'cannot read the key file {file}',
  'crypto.key-exists': 'refusing to overwrite {file}',
  'crypto.bad-center-name': 'bad center name {name}: use lowercase letters, digits, dots and dashes',
  'crypto.bad-url': 'bad URL {url}: give an http:// or https:// base URL without user, query or fragment',
  'crypto.bad-center-file': '{file}: not a valid center file ({why})',
  'crypto.center-unreadable': 'cannot read the center file {file}',
  'crypto.envelope.too-large':
    'the statement is {size} bytes, more than the {max} bytes an envelope holds: split the group into several statements',
  'crypto.envelope.empty': 'the statement is empty',
  'crypto.envelope.bad-box-key': "the center's box key is not a usable X25519 public key",
  'crypto.armor.bad-base64': 'block {block} (line {line}): not valid base64',
  'crypto.armor.bad-length': 'block {block} (line {line}): {length} bytes is not the size of an envelope',
  'crypto.armor.bad-version': 'block {block} (line {line}): not a version 1 envelope',
  'crypto.armor.truncated': 'block {block} (line {line}): the block is cut short; copy it again in full',
  'crypto.at-rest.wrong-passphrase': 'the passphrase does not open this file (a wrong passphrase, or the file was altered)',
  'crypto.at-rest.malformed': 'not a file sealed with a passphrase by this version',
} as const;

/** The English of `key`, filled from `params` (an error's `message`). */
export const englishText = english(messages);
