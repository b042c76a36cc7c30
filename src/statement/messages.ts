/**
 * The statement module's English (wire spec 2); the zh-CN text is in src/cli/catalog/statement.ts
 * (issue 7: lower layers own their English, the CLI owns translation).
 * `statement.rule.<rule>` explain a validation issue; `{field}` is the JSON path of the field
 * (e.g. `people[3].orgs`) or, from `composeStatement`, the flag (e.g. `--orgs`).
 */
import { english } from '../english.js';

export const messages = {
  'statement.rule.root-object': 'the statement must be a JSON object',
  'statement.rule.required': '{field} is required',
  'statement.rule.unknown-key': 'unknown field {field}',
  'statement.rule.type-string': '{field} must be a string',
  'statement.rule.type-boolean': '{field} must be true or false',
  'statement.rule.type-integer': '{field} must be a whole number',
  'statement.rule.type-object': '{field} must be a JSON object',
  'statement.rule.type-array': '{field} must be a list (JSON array)',
  'statement.rule.const': '{field} must be {expected}',
  'statement.rule.hex32': '{field} must be 32 lowercase hexadecimal digits',
  'statement.rule.tag-key': '{field} must be 32 bytes in base64 (44 characters ending in =)',
  'statement.rule.empty': '{field} must not be empty',
  'statement.rule.max-items': '{field} must have at most {max} entries',
  'statement.rule.min-length': '{field} must be at least {min} characters long',
  'statement.rule.max-length': '{field} must be at most {max} characters long',
  'statement.rule.control-char': '{field} must not contain control characters (found {char})',
  'statement.rule.control-char-text': '{field} must not contain control characters other than line breaks (found {char})',
  'statement.rule.well-formed': '{field} contains a broken character (an unpaired UTF-16 surrogate)',
  'statement.rule.nfc': '{field} is not in Unicode normalization form C (NFC)',
  'statement.rule.enum': '{field} must be one of: {allowed}',
  'statement.rule.duplicate-item': '{field} lists {value} more than once',
  'statement.rule.min': '{field} must be at least {min}',
  'statement.rule.range': '{field} must be between {min} and {max}',
  'statement.rule.country': '{field} must be a two-letter ISO 3166-1 country code in capitals, e.g. CN, HK, TW or US',
  'statement.rule.province':
    '{field} must be one of the 31 province-level codes of mainland China, e.g. 110000 for Beijing',
  'statement.rule.province-required': '{field} is required when the country is CN',
  'statement.rule.province-forbidden':
    '{field} is only for mainland China (country CN); Hong Kong, Macao and Taiwan are the countries HK, MO and TW, without a province',
  'statement.rule.date-format': '{field} must be a real date written YYYY-MM-DD',
  'statement.rule.date-min': '{field} must not be before {min}',
  'statement.rule.date-max': '{field} must not be after {max}',
  'statement.rule.lang': '{field} must be a BCP 47 language tag, e.g. zh-CN or en',
  'statement.utf8': 'the statement is not valid UTF-8 text',
  'statement.json.syntax': 'the statement is not valid JSON (line {line}, column {column})',
  'statement.json.bom': 'the statement starts with a byte order mark (BOM); save it as UTF-8 without BOM',
  'statement.json.too-deep': 'the statement is nested more than {max} levels deep (line {line}, column {column})',
  'statement.json.duplicate-key': 'the key {field} appears more than once (line {line}, column {column})',
  'statement.json.lone-surrogate':
    '{field} contains an unpaired UTF-16 surrogate escape such as \\ud800 (line {line}, column {column})',
} as const;

/** The English of `key`, filled from `params` (an error's `message`). */
export const englishText = english(messages);

/** A validation rule: the `rule` of an Issue, and the suffix of its message key. */
export type Rule = Extract<keyof typeof messages, `statement.rule.${string}`> extends `statement.rule.${infer R}`
  ? R
  : never;
