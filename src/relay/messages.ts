/**
 * The relay module's English (CLI spec, `relay import` and its CSV rules; issue 8, build point 2);
 * the zh-CN text is in src/cli/catalog/relay.ts (issue 7: lower layers own their English, the CLI
 * owns translation). `relay.reject.*` explain a rejected row; `{column}` is an input column name.
 */
import { english } from '../english.js';

export const messages = {
  'relay.reject.missing-field': 'the {column} column is empty',
  'relay.reject.bad-boolean': '{column} must be true, false, 1, 0, yes or no',
  'relay.reject.bad-utf8': 'the row is not valid UTF-8 text',
  'relay.reject.bad-quote': 'the quoting of the row is broken (a field with a comma, a quote or a line break goes in double quotes, and a quote inside it is written twice)',
  'relay.reject.bad-columns': 'the row has {found} fields, the header {expected}',
  'relay.reject.too-long': 'the row is longer than {max} bytes',
  'relay.reject.too-large': 'the statement of this row does not fit the largest envelope ({max} bytes)',
  'relay.reject.group-mismatch': 'the {column} of this row differs from the first good row of its group',
  'relay.reject.bad-json': 'the line is not a JSON object',
  'relay.reject.unknown-field': 'unknown field {column}',
  'relay.reject.bad-type': '{column} must be text',
  'relay.header.empty': '{file} is empty: the first line must name the columns (name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group)',
  'relay.header.missing': 'the header of {file} has no {column} column',
  'relay.header.unknown': 'the header of {file} names an unknown column {column} (the columns: name,real_name,orgs,country,province,city,sector,channel,date,text,publish,group,id,tag_key)',
  'relay.header.duplicate': 'the header of {file} names the column {column} twice',
  'relay.header.bad': 'the header of {file} is not valid UTF-8 CSV',
  'relay.no-good-rows': 'no row of {file} is good: nothing was queued',
  'relay.secret.locked': 'the relay secret {file} is encrypted and no passphrase is set (SEALPOST_PASSPHRASE)',
  'relay.secret.wrong-passphrase': 'the relay secret {file} does not open with this passphrase (SEALPOST_PASSPHRASE)',
  'relay.secret.damaged': 'the relay secret {file} is damaged; move it away only if nothing of this relay is queued or kept',
} as const;

/** The English of `key`, filled from `params`. */
export const englishText = english(messages);

export type RelayMessageKey = keyof typeof messages;
