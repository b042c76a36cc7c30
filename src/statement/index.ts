/**
 * The statement: the plaintext a person seals (wire spec 2), its canonical bytes, and its public tag
 * (spec 8).
 */
export type { Channel, CountryCode, Group, Org, Person, ProvinceCode, Region, Sector, Statement } from './types.js';
export { CHANNELS, LIMITS, ORGS, SECTORS } from './types.js';
export {
  COUNTRIES,
  COUNTRY_CODES,
  PROVINCES,
  PROVINCE_CODES,
  countryName,
  findCountry,
  findProvince,
  isCountryCode,
  isProvinceCode,
  provinceName,
} from './regions.js';
export type { Issue, ValidateOptions } from './validate.js';
export { issueError, statementIssues, validateStatement } from './validate.js';
export type { Rule } from './messages.js';
export { parseStatement, parseStatementJson, serializeStatement } from './codec.js';
export type { ComposeFields } from './compose.js';
export { composeStatement, newStatementId, newTagKey } from './compose.js';
export { statementTag } from './tag.js';
