import { defineMessages } from '../i18n/define.js';

export const messages = defineMessages(
  {
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
  },
  {
    'crypto.bad-verifier-key': '验证密钥格式错误',
    'crypto.bad-note': '签名文本格式错误',
    'crypto.bad-signature': '{name} 的签名验证失败',
    'crypto.unsigned': '没有 {name} 的有效签名',
    'crypto.bad-receipt': '回执无效（{what}）',
    'crypto.bad-key-name': '密钥名称无效：{name}',
    'crypto.bad-key-file': '{file}：不是有效的密钥文件（{why}）',
    'crypto.key-unreadable': '无法读取密钥文件 {file}',
    'crypto.key-exists': '拒绝覆盖已有文件 {file}',
    'crypto.bad-center-name': '中心名称无效：{name}（只能使用小写字母、数字、点和连字符）',
    'crypto.bad-url': 'URL 无效：{url}（请给出 http:// 或 https:// 基础地址，不含用户名、查询或片段）',
    'crypto.bad-center-file': '{file}：不是有效的中心文件（{why}）',
    'crypto.center-unreadable': '无法读取中心文件 {file}',
  },
);
