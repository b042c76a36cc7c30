/**
 * User-facing texts of the statement module (wire spec 2), English and Simplified Chinese.
 * `statement.rule.<rule>` explain a validation issue; `{field}` is the JSON path of the field
 * (e.g. `people[3].orgs`) or, from `composeStatement`, the flag (e.g. `--orgs`).
 */
import { defineMessages } from '../i18n/define.js';

export const messages = defineMessages(
  {
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
  },
  {
    'statement.rule.root-object': '声明必须是一个 JSON 对象',
    'statement.rule.required': '缺少必填项 {field}',
    'statement.rule.unknown-key': '未知字段 {field}',
    'statement.rule.type-string': '{field} 必须是字符串',
    'statement.rule.type-boolean': '{field} 必须是 true 或 false',
    'statement.rule.type-integer': '{field} 必须是整数',
    'statement.rule.type-object': '{field} 必须是 JSON 对象',
    'statement.rule.type-array': '{field} 必须是列表（JSON 数组）',
    'statement.rule.const': '{field} 必须是 {expected}',
    'statement.rule.hex32': '{field} 必须是 32 位小写十六进制数字',
    'statement.rule.tag-key': '{field} 必须是 32 字节数据的 base64 编码（44 个字符，以 = 结尾）',
    'statement.rule.empty': '{field} 不能为空',
    'statement.rule.max-items': '{field} 最多只能有 {max} 项',
    'statement.rule.min-length': '{field} 至少需要 {min} 个字符',
    'statement.rule.max-length': '{field} 最多只能有 {max} 个字符',
    'statement.rule.control-char': '{field} 不能包含控制字符（发现 {char}）',
    'statement.rule.control-char-text': '{field} 除换行外不能包含控制字符（发现 {char}）',
    'statement.rule.well-formed': '{field} 含有损坏的字符（不成对的 UTF-16 代理项）',
    'statement.rule.nfc': '{field} 不是 Unicode NFC 规范化形式',
    'statement.rule.enum': '{field} 必须是以下之一：{allowed}',
    'statement.rule.duplicate-item': '{field} 中的 {value} 重复出现',
    'statement.rule.min': '{field} 不能小于 {min}',
    'statement.rule.range': '{field} 必须在 {min} 到 {max} 之间',
    'statement.rule.country': '{field} 必须是大写的 ISO 3166-1 两字母国家或地区代码，例如 CN、HK、TW、US',
    'statement.rule.province': '{field} 必须是中国大陆 31 个省级行政区代码之一，例如北京为 110000',
    'statement.rule.province-required': '国家或地区为 CN 时必须填写 {field}',
    'statement.rule.province-forbidden':
      '{field} 仅适用于中国大陆（国家或地区代码 CN）；香港、澳门、台湾分别使用代码 HK、MO、TW，无需填写省份',
    'statement.rule.date-format': '{field} 必须是格式为 YYYY-MM-DD 的有效日期',
    'statement.rule.date-min': '{field} 不能早于 {min}',
    'statement.rule.date-max': '{field} 不能晚于 {max}',
    'statement.rule.lang': '{field} 必须是 BCP 47 语言标签，例如 zh-CN 或 en',
    'statement.utf8': '声明不是有效的 UTF-8 文本',
    'statement.json.syntax': '声明不是有效的 JSON（第 {line} 行，第 {column} 列）',
    'statement.json.bom': '声明以字节顺序标记（BOM）开头，请另存为不带 BOM 的 UTF-8 文件',
    'statement.json.too-deep': '声明的嵌套超过 {max} 层（第 {line} 行，第 {column} 列）',
    'statement.json.duplicate-key': '键 {field} 重复出现（第 {line} 行，第 {column} 列）',
    'statement.json.lone-surrogate': '{field} 含有不成对的 UTF-16 代理项转义，例如 \\ud800（第 {line} 行，第 {column} 列）',
  },
);

/** A validation rule: the `rule` of an Issue, and the suffix of its message key. */
export type Rule = Extract<keyof (typeof messages)['en'], `statement.rule.${string}`> extends `statement.rule.${infer R}`
  ? R
  : never;
