import { messages as en } from '../../crypto/messages.js';
import { translate } from '../i18n/define.js';

/** zh-CN of the crypto module's messages (src/crypto/messages.ts holds the English). */
export const crypto = translate(en, {
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
  'crypto.envelope.too-large': '声明有 {size} 字节，超过一个信封可容纳的 {max} 字节：请把这一组人拆分成几份声明',
  'crypto.envelope.empty': '声明是空的',
  'crypto.envelope.bad-box-key': '中心的信封公钥不是可用的 X25519 公钥',
  'crypto.armor.bad-base64': '第 {block} 块（第 {line} 行）：不是有效的 base64',
  'crypto.armor.bad-length': '第 {block} 块（第 {line} 行）：{length} 字节不是信封的大小',
  'crypto.armor.bad-version': '第 {block} 块（第 {line} 行）：不是第 1 版信封',
  'crypto.armor.truncated': '第 {block} 块（第 {line} 行）：此块不完整，请重新完整复制',
  'crypto.at-rest.wrong-passphrase': '此口令无法打开该文件（口令错误，或文件已被改动）',
  'crypto.at-rest.malformed': '不是本版本用口令加密的文件',
});
