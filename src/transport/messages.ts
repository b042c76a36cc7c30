import { defineMessages } from '../i18n/define.js';

export const messages = defineMessages(
  {
    'transport.bad-route': 'route {id}: {why}',
    'transport.kind-unsupported': 'route kind {kind} is not supported by this version',
    'transport.envelope-bad-version': 'the envelope has a wrong version byte',
    'transport.envelope-bad-length': 'the envelope has a wrong length',
    'transport.plain-proxy': 'route {id}: the plaintext proxy {proxy} is not on this machine, so the censor would see the target and the credentials; use an https:// proxy or --allow-plain-proxy',
  },
  {
    'transport.bad-route': '线路 {id}：{why}',
    'transport.kind-unsupported': '此版本不支持 {kind} 类型的线路',
    'transport.envelope-bad-version': '信封的版本字节错误',
    'transport.envelope-bad-length': '信封长度错误',
    'transport.plain-proxy': '线路 {id}：明文代理 {proxy} 不在本机上，审查者会看到目标地址和代理凭据；请使用 https:// 代理，或加 --allow-plain-proxy',
  },
);
